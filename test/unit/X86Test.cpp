//===- X86Test.cpp - x86 guests: vCPU notes and ARCH ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/X86.h"

#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;
using support::endian::read16le;
using support::endian::read32le;
using support::endian::read64le;

namespace {

X86CpuState cpu(uint32_t Index) {
  X86CpuState C;
  C.CpuIndex = Index;
  for (unsigned I = 0; I < 16; ++I)
    C.Regs[I] = 0x100 * (Index + 1) + I; // rax rcx rdx rbx rsp rbp rsi rdi..
  C.Rip = 0xffffffff81000000;
  C.Rflags = 0x246;
  for (unsigned I = 0; I < 6; ++I)
    C.Segs[I] = {uint32_t(0x10 + I), 0x1000u * I, 0xfffff, 0xa09b00};
  C.Gdt = {0, 0xfffffe0000001000, 0x7f, 0};
  C.Cr[3] = 0x1234000;
  C.KernelGsBase = 0xffff888000000000;
  return C;
}

TEST(X86Test, PrstatusThenQemuCpuStateOfEachVcpu) {
  CpuNotes N = x86CpuNotes({cpu(0), cpu(1)}, /*LongLayout=*/true);
  EXPECT_EQ(N.Cpus, 2u);
  EXPECT_EQ(N.Kinds, "CORE, QEMU");
  Expected<std::vector<NoteView>> Notes = parseNotes(N.Bytes, true);
  ASSERT_TRUE(succeeded(Notes));
  ASSERT_EQ(Notes->size(), 4u);
  // All the CORE notes, then all the QEMU ones.
  EXPECT_EQ((*Notes)[1].Name, "CORE");
  EXPECT_EQ((*Notes)[2].Name, "QEMU");
  ArrayRef<uint8_t> Pr = (*Notes)[1].Desc;
  ASSERT_EQ(Pr.size(), 336u);
  EXPECT_EQ(read32le(&Pr[32]), 2u) << "pr_pid is cpu_index + 1";
  // user_regs_struct: r15 first, rax at 10, rip at 16, the selectors last.
  EXPECT_EQ(read64le(&Pr[112]), 0x20fu);
  EXPECT_EQ(read64le(&Pr[112 + 8 * 10]), 0x200u);
  EXPECT_EQ(read64le(&Pr[112 + 8 * 16]), 0xffffffff81000000u);
  EXPECT_EQ(read64le(&Pr[112 + 8 * 17]), 0x11u) << "cs";
  EXPECT_EQ(read64le(&Pr[112 + 8 * 18]), 0x246u);
  EXPECT_EQ(read64le(&Pr[112 + 8 * 26]), 0x15u) << "gs";
  ArrayRef<uint8_t> Q = (*Notes)[3].Desc;
  ASSERT_EQ(Q.size(), 440u);
  EXPECT_EQ(read32le(&Q[0]), 1u) << "version";
  EXPECT_EQ(read32le(&Q[4]), 440u) << "size";
  EXPECT_EQ(read64le(&Q[8]), 0x200u) << "rax";
  EXPECT_EQ(read64le(&Q[16]), 0x203u) << "rbx";
  // cs, the first segment: selector, limit, flags, pad, base.
  EXPECT_EQ(read32le(&Q[152]), 0x11u);
  EXPECT_EQ(read32le(&Q[156]), 0xfffffu);
  EXPECT_EQ(read64le(&Q[168]), 0x1000u);
  EXPECT_EQ(read64le(&Q[152 + 24 * 8 + 16]), 0xfffffe0000001000u) << "gdt";
  EXPECT_EQ(read64le(&Q[392 + 8 * 3]), 0x1234000u) << "cr3";
  EXPECT_EQ(read64le(&Q[432]), 0xffff888000000000u);
}

TEST(X86Test, I386PrstatusOutsideLongMode) {
  CpuNotes N = x86CpuNotes({cpu(0)}, /*LongLayout=*/false);
  Expected<std::vector<NoteView>> Notes = parseNotes(N.Bytes, true);
  ASSERT_TRUE(succeeded(Notes));
  ArrayRef<uint8_t> Pr = (*Notes)[0].Desc;
  ASSERT_EQ(Pr.size(), 144u);
  EXPECT_EQ(read32le(&Pr[24]), 1u);
  EXPECT_EQ(read32le(&Pr[72]), 0x103u) << "ebx first";
  EXPECT_EQ(read32le(&Pr[72 + 24]), 0x100u) << "eax";
  EXPECT_EQ(read16le(&Pr[72 + 28]), 0x13u) << "ds";
  EXPECT_EQ(read32le(&Pr[72 + 48]), 0x81000000u) << "eip";
  EXPECT_EQ(read16le(&Pr[72 + 64]), 0x12u) << "ss";
}

} // namespace
