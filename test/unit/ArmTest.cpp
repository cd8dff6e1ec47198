//===- ArmTest.cpp - 32-bit ARM guests: vCPU notes, CPSR, FPSCR, ARCH -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Arm.h"

#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;
using support::endian::read32be;
using support::endian::read32le;
using support::endian::read64le;

namespace {

TEST(ArmTest, CpsrIsAssembledAsCpsrRead) {
  ArmCpsrParts P;
  P.Uncached = 0x13; // SVC mode
  P.ZF = 1;          // Z clear
  EXPECT_EQ(armCpsrRead(P), 0x13u);
  P.ZF = 0;
  P.NF = 0x80000000;
  P.CF = 1;
  P.VF = 0x80000000;
  P.QF = 1;
  EXPECT_EQ(armCpsrRead(P), 0xf8000013u) << "N Z C V Q";
  P = {};
  P.ZF = 1;
  P.Thumb = 1;
  P.GE = 0xa;
  P.CondexecBits = 0xff; // IT[1:0] at 26:25, IT[7:2] at 15:10
  P.Daif = 0x3c0;        // D, A, I, F: D is not a CPSR bit
  EXPECT_EQ(armCpsrRead(P), 0x060a0000u | 0xfc00 | 0x1c0 | 0x20);
}

TEST(ArmTest, FpscrTakesTheA32BitsOfFpsrAndFpcr) {
  // NZCV, QC and the cumulative bits of FPSR; FPCR's trap enables, Len,
  // FZ16, Stride, RMode, FZ, DN, AHP. Not FPCR's AArch64-only AH, FIZ.
  EXPECT_EQ(armFpscr(0xf8000002, 0x03c00000), 0xfbc00002u);
  EXPECT_EQ(armFpscr(0x00000100, 0x00000003), 0u);
  EXPECT_EQ(armFpscr(0, 0x7ff9f00), 0x7ff9f00u);
}

ArmCpuState cpu(uint32_t Index, bool Vfp) {
  ArmCpuState C;
  C.CpuIndex = Index;
  for (unsigned I = 0; I < 16; ++I)
    C.Regs[I] = 0x1000 * (Index + 1) + I;
  C.Cpsr = 0x300a01d3;
  C.HasVfp = Vfp;
  C.D[17] = 0x4444333322221111;
  C.Fpscr = 0x08000002;
  return C;
}

TEST(ArmTest, EachVcpuHasPrstatusThenVfp) {
  CpuNotes N = armCpuNotes({cpu(0, true), cpu(1, true)}, endianness::little);
  EXPECT_EQ(N.Cpus, 2u);
  EXPECT_EQ(N.Kinds, "PRSTATUS, VFP");
  Expected<std::vector<NoteView>> Notes = parseNotes(N.Bytes, true);
  ASSERT_TRUE(succeeded(Notes));
  ASSERT_EQ(Notes->size(), 4u);
  EXPECT_EQ((*Notes)[2].Name, "CORE");
  EXPECT_EQ((*Notes)[2].Type, ELF::NT_PRSTATUS);
  EXPECT_EQ((*Notes)[3].Name, "LINUX");
  EXPECT_EQ((*Notes)[3].Type, 0x400u) << "NT_ARM_VFP";
  // QEMU's notes: "CORE" (namesz 5) and "LINUX" (namesz 6), both padded to 8.
  EXPECT_EQ(N.Bytes.size(), 2 * (12 + 8 + 148) + 2 * (12 + 8 + 260));
  ArrayRef<uint8_t> Pr = (*Notes)[2].Desc;
  ASSERT_EQ(Pr.size(), 148u);
  EXPECT_EQ(read32le(&Pr[24]), 2u) << "pr_pid is cpu_index + 1";
  EXPECT_EQ(read32le(&Pr[72]), 0x2000u) << "r0";
  EXPECT_EQ(read32le(&Pr[72 + 4 * 15]), 0x200fu) << "r15, the PC";
  EXPECT_EQ(read32le(&Pr[72 + 4 * 16]), 0x300a01d3u) << "cpsr";
  EXPECT_EQ(read32le(&Pr[72 + 4 * 17]), 0u) << "ARM_ORIG_r0";
  EXPECT_EQ(read32le(&Pr[144]), 1u) << "pr_fpvalid";
  ArrayRef<uint8_t> Vfp = (*Notes)[3].Desc;
  ASSERT_EQ(Vfp.size(), 260u);
  EXPECT_EQ(read64le(&Vfp[8 * 17]), 0x4444333322221111u);
  EXPECT_EQ(read32le(&Vfp[256]), 0x08000002u);
}

TEST(ArmTest, AVcpuWithoutVfpHasOnlyPrstatus) {
  CpuNotes N = armCpuNotes({cpu(0, false)}, endianness::big);
  EXPECT_EQ(N.Kinds, "PRSTATUS");
  Expected<std::vector<NoteView>> Notes = parseNotes(N.Bytes, false);
  ASSERT_TRUE(succeeded(Notes));
  ASSERT_EQ(Notes->size(), 1u);
  ArrayRef<uint8_t> Pr = (*Notes)[0].Desc;
  EXPECT_EQ(read32be(&Pr[24]), 1u);
  EXPECT_EQ(read32be(&Pr[72 + 4 * 16]), 0x300a01d3u);
  EXPECT_EQ(read32be(&Pr[144]), 0u) << "pr_fpvalid";
}

TEST(ArmTest, ArchIsArmLittleEndian) {
  Expected<ArchChoice> C = inferArm32Arch(false);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "arm");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0 has no AArch64 (a 32-bit CPU)");
  ASSERT_TRUE(succeeded(inferArm32Arch(std::nullopt)));
  // QEMU's dump of a big-endian one is big-endian: not written silently
  // as little-endian.
  EXPECT_THAT(errorOf(inferArm32Arch(true)),
              testing::HasSubstr("SCTLR.EE is set"));
}

} // namespace
