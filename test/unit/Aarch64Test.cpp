//===- Aarch64Test.cpp - aarch64 guests: vCPU notes, pstate and FPSR ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Aarch64.h"

#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

TEST(Aarch64Test, PstateIsAssembledAsPstateRead) {
  Aarch64PstateParts P;
  P.Pstate = 0x5; // EL1h
  P.Daif = 0x3c0;
  EXPECT_EQ(aarch64PstateRead(P), 0x400003c5u) << "ZF 0 is Z set";
  P.ZF = 7;
  P.NF = 0x80000000;
  P.CF = 1;
  P.VF = 0x80000000;
  EXPECT_EQ(aarch64PstateRead(P), 0xb00003c5u);
  P.NF = 0x7fffffff; // only the sign bits of NF and VF count
  P.VF = 0x7fffffff;
  P.Btype = 2;
  EXPECT_EQ(aarch64PstateRead(P), 0x20000bc5u);
}

TEST(Aarch64Test, FpsrFoldsSoftfloatFlagsAndQc) {
  Aarch64FpsrParts P;
  EXPECT_EQ(aarch64FpsrRead(P), 0u);
  P.A64 = 0x0002; // divbyzero: DZC
  EXPECT_EQ(aarch64FpsrRead(P), 0x2u);
  P.Qc[2] = 1; // saturation: QC
  EXPECT_EQ(aarch64FpsrRead(P), 0x08000002u);
  P = {};
  P.Fpsr = 0xf0000000;        // stored NZCV bits are kept
  P.A32 = 0x0001;             // invalid: IOC
  P.Std = 0x0010;             // inexact: IXC
  P.StdF16 = 0x0008 | 0x0020; // underflow: UFC; a flushed input does not count
  EXPECT_EQ(aarch64FpsrRead(P), 0xf0000019u);
  // A flushed input on the A64 side sets IDC only with FPCR.FZ and not AH.
  P = {};
  P.A64 = 0x0020;
  EXPECT_EQ(aarch64FpsrRead(P), 0u);
  P.Fpcr = 1u << 24;
  EXPECT_EQ(aarch64FpsrRead(P), 0x80u);
  // With FPCR.AH, a flushed output sets UFC and IXC.
  P.Fpcr = 1u << 1;
  P.A64 = 0x0040;
  EXPECT_EQ(aarch64FpsrRead(P), 0x18u);
  // A64_F16's input-denormal flags never count.
  P = {};
  P.Fpcr = 1u << 24;
  P.A64F16 = 0x0020 | 0x4000;
  EXPECT_EQ(aarch64FpsrRead(P), 0u);
}

Aarch64CpuState cpu(uint32_t Index) {
  Aarch64CpuState C;
  C.CpuIndex = Index;
  for (unsigned I = 0; I < 31; ++I)
    C.X[I] = 0x1000 * (Index + 1) + I;
  C.Sp = 0x41000000;
  C.Pc = 0x402000b8;
  C.Pstate = 0x300003c5;
  C.V[3][0] = 0x4004000000000000;
  C.V[3][1] = 0x100d000000000000;
  C.Fpsr = 0x08000002;
  C.Fpcr = 0x03000000;
  return C;
}

TEST(Aarch64Test, EachVcpuHasPrstatusThenPrfpreg) {
  CpuNotes N = aarch64CpuNotes({cpu(0), cpu(1)}, endianness::little);
  EXPECT_EQ(N.Cpus, 2u);
  EXPECT_EQ(N.Kinds, "PRSTATUS, PRFPREG");
  const std::vector<uint8_t> &Out = N.Bytes;
  Expected<std::vector<NoteView>> Notes = parseNotes(Out, true);
  ASSERT_TRUE(succeeded(Notes));
  ASSERT_EQ(Notes->size(), 4u);
  for (unsigned I = 0; I < 4; ++I) {
    EXPECT_EQ((*Notes)[I].Name, "CORE");
    EXPECT_EQ((*Notes)[I].Type, I % 2 ? ELF::NT_FPREGSET : ELF::NT_PRSTATUS);
    EXPECT_EQ((*Notes)[I].Desc.size(), I % 2 ? 528u : 392u);
  }
  // QEMU's note: "CORE" padded to 8, namesz 5.
  EXPECT_EQ(support::endian::read32le(&Out[0]), 5u);
  EXPECT_EQ(Out.size(), 2 * (12 + 8 + 392) + 2 * (12 + 8 + 528));
  ArrayRef<uint8_t> Pr = (*Notes)[2].Desc;
  using support::endian::read32le;
  using support::endian::read64le;
  EXPECT_EQ(read32le(&Pr[32]), 2u) << "pr_pid is cpu_index + 1";
  EXPECT_EQ(read64le(&Pr[112]), 0x2000u);
  EXPECT_EQ(read64le(&Pr[112 + 8 * 30]), 0x201eu);
  EXPECT_EQ(read64le(&Pr[112 + 8 * 31]), 0x41000000u);
  EXPECT_EQ(read64le(&Pr[112 + 8 * 32]), 0x402000b8u);
  EXPECT_EQ(read64le(&Pr[112 + 8 * 33]), 0x300003c5u);
  EXPECT_EQ(read32le(&Pr[112 + 8 * 34]), 1u) << "pr_fpvalid";
  ArrayRef<uint8_t> Fp = (*Notes)[1].Desc;
  EXPECT_EQ(read64le(&Fp[48]), 0x4004000000000000u);
  EXPECT_EQ(read64le(&Fp[56]), 0x100d000000000000u);
  EXPECT_EQ(read32le(&Fp[512]), 0x08000002u);
  EXPECT_EQ(read32le(&Fp[516]), 0x03000000u);
}

TEST(Aarch64Test, BigEndianNotesHoldEachVregAsOneInteger) {
  CpuNotes N = aarch64CpuNotes({cpu(0)}, endianness::big);
  const std::vector<uint8_t> &Out = N.Bytes;
  Expected<std::vector<NoteView>> Notes = parseNotes(Out, false);
  ASSERT_TRUE(succeeded(Notes));
  ASSERT_EQ(Notes->size(), 2u);
  using support::endian::read32be;
  using support::endian::read64be;
  ArrayRef<uint8_t> Pr = (*Notes)[0].Desc;
  EXPECT_EQ(read32be(&Pr[32]), 1u);
  EXPECT_EQ(read64be(&Pr[112 + 8 * 32]), 0x402000b8u);
  // As QEMU: the high half first, so that the 16 bytes are v3 big-endian.
  ArrayRef<uint8_t> Fp = (*Notes)[1].Desc;
  EXPECT_EQ(read64be(&Fp[48]), 0x100d000000000000u);
  EXPECT_EQ(read64be(&Fp[56]), 0x4004000000000000u);
  EXPECT_EQ(read32be(&Fp[512]), 0x08000002u);
}

} // namespace
