//===- Ppc64Test.cpp - ppc64 guests: vCPU notes, XER and CR ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Ppc64.h"

#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;
using support::endian::read32be;
using support::endian::read32le;
using support::endian::read64be;
using support::endian::read64le;

namespace {

TEST(Ppc64Test, XerAndCrAreAssembledAsQemuDoes) {
  PpcXerParts X;
  X.Xer = 0x7f; // the byte count
  X.Ca = 1;
  X.Ca32 = 1;
  EXPECT_EQ(ppcReadXer(X), 0x2000007fu) << "CA32 only from ISA 3.00";
  X.Isa300 = true;
  EXPECT_EQ(ppcReadXer(X), 0x2004007fu);
  X.So = X.Ov = X.Ov32 = 1;
  EXPECT_EQ(ppcReadXer(X), 0xe00c007fu);
  const uint32_t Crf[8] = {8, 0, 0, 0, 0, 0, 0, 0x12};
  EXPECT_EQ(ppcCr(Crf), 0x80000002u) << "cr0 highest; 4 bits each";
}

PpcCpuState cpu(uint32_t Index) {
  PpcCpuState C;
  C.CpuIndex = Index;
  for (unsigned I = 0; I < 32; ++I) {
    C.Gpr[I] = 0x1000 + I;
    C.Fpr[I] = 0x2000 + I;
    C.Vsrl[I] = 0x3000 + I;
    C.Avr[I][0] = 0x4000 + I; // low
    C.Avr[I][1] = 0x5000 + I; // high
  }
  C.Nip = 0x18c;
  C.Msr = 0x2803000;
  C.Ctr = 0x2222;
  C.Lr = 0x3333;
  C.Xer = 0x20040000;
  C.Ccr = 0x80000002;
  C.Fpscr = 1;
  C.Vscr = 0x10001;
  C.SpeAcc = 0x6000;
  C.SpeFscr = 0x7000;
  return C;
}

TEST(Ppc64Test, FiveNotesPerVcpuInEitherByteOrder) {
  for (bool LE : {false, true}) {
    CpuNotes N = ppc64CpuNotes({cpu(0), cpu(1)},
                               LE ? endianness::little : endianness::big);
    EXPECT_EQ(N.Cpus, 2u);
    const std::vector<uint8_t> &Out = N.Bytes;
    Expected<std::vector<NoteView>> Notes = parseNotes(Out, LE);
    ASSERT_TRUE(succeeded(Notes));
    ASSERT_EQ(Notes->size(), 10u);
    const uint32_t Types[] = {ELF::NT_PRSTATUS, ELF::NT_FPREGSET,
                              ELF::NT_PPC_VMX, ELF::NT_PPC_VSX, 0x101};
    const size_t Sizes[] = {504, 264, 544, 256, 140};
    for (unsigned I = 0; I < 10; ++I) {
      EXPECT_EQ((*Notes)[I].Name, "CORE");
      EXPECT_EQ((*Notes)[I].Type, Types[I % 5]);
      EXPECT_EQ((*Notes)[I].Desc.size(), Sizes[I % 5]);
    }
    // 12 + 8 bytes of header and name ("CORE", namesz 5) per note: 1808
    // bytes per vCPU, as QEMU's cpu_get_note_size.
    EXPECT_EQ(Out.size(), 2 * 1808u);
    auto R32 = [&](const uint8_t *P) { return LE ? read32le(P) : read32be(P); };
    auto R64 = [&](const uint8_t *P) { return LE ? read64le(P) : read64be(P); };
    const uint8_t *Pr = (*Notes)[5].Desc.data();
    EXPECT_EQ(R32(Pr + 32), 2u);
    EXPECT_EQ(R64(Pr + 112 + 8 * 31), 0x101fu);
    const uint64_t Tail[] = {0x18c,  0x2803000,  0,         0x2222,
                             0x3333, 0x20040000, 0x80000002};
    for (unsigned I = 0; I < 7; ++I)
      EXPECT_EQ(R64(Pr + 112 + 8 * (32 + I)), Tail[I]) << I;
    const uint8_t *Fp = (*Notes)[1].Desc.data();
    EXPECT_EQ(R64(Fp + 8 * 31), 0x201fu);
    EXPECT_EQ(R64(Fp + 256), 1u);
    // AVR 1 as a 128-bit integer in the note's byte order.
    const uint8_t *Vmx = (*Notes)[2].Desc.data();
    EXPECT_EQ(R64(Vmx + 16 + (LE ? 0 : 8)), 0x4001u);
    EXPECT_EQ(R64(Vmx + 16 + (LE ? 8 : 0)), 0x5001u);
    EXPECT_EQ(R32(Vmx + 512 + 12), 0x10001u) << "VSCR in the last word";
    EXPECT_EQ(R64((*Notes)[3].Desc.data() + 8 * 31), 0x301fu);
    const uint8_t *Spe = (*Notes)[4].Desc.data();
    EXPECT_EQ(R64(Spe + 128), 0x6000u);
    EXPECT_EQ(R32(Spe + 136), 0x7000u);
  }
}

} // namespace
