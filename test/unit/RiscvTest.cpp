//===- RiscvTest.cpp - RISC-V guests: vCPU notes --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Riscv.h"

#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

RiscvCpuState cpu(uint32_t Index) {
  RiscvCpuState C;
  C.CpuIndex = Index;
  C.Pc = 0x80000088;
  for (unsigned I = 0; I < 32; ++I)
    C.Gpr[I] = 0x100000000 * I + 0x1000 + I;
  return C;
}

TEST(RiscvTest, Riscv64PrstatusIsPcThenX1ToX31) {
  CpuNotes N =
      riscvCpuNotes({cpu(0), cpu(1)}, /*Is64Bit=*/true, endianness::little);
  const std::vector<uint8_t> &Out = N.Bytes;
  Expected<std::vector<NoteView>> Notes = parseNotes(Out, true);
  ASSERT_TRUE(succeeded(Notes));
  ASSERT_EQ(Notes->size(), 2u);
  EXPECT_EQ((*Notes)[1].Name, "CORE");
  EXPECT_EQ((*Notes)[1].Type, ELF::NT_PRSTATUS);
  ArrayRef<uint8_t> D = (*Notes)[1].Desc;
  ASSERT_EQ(D.size(), 376u);
  using support::endian::read32le;
  using support::endian::read64le;
  EXPECT_EQ(read32le(&D[32]), 2u);
  EXPECT_EQ(read64le(&D[112]), 0x80000088u);
  EXPECT_EQ(read64le(&D[120]), 0x100001001u) << "x1 follows pc";
  EXPECT_EQ(read64le(&D[112 + 8 * 31]), 0x1f0000101fu);
}

TEST(RiscvTest, Riscv32PrstatusHasWordsOf4Bytes) {
  CpuNotes N = riscvCpuNotes({cpu(0)}, /*Is64Bit=*/false, endianness::big);
  const std::vector<uint8_t> &Out = N.Bytes;
  Expected<std::vector<NoteView>> Notes = parseNotes(Out, false);
  ASSERT_TRUE(succeeded(Notes));
  ArrayRef<uint8_t> D = (*Notes)[0].Desc;
  ASSERT_EQ(D.size(), 204u);
  using support::endian::read32be;
  EXPECT_EQ(read32be(&D[24]), 1u);
  EXPECT_EQ(read32be(&D[72]), 0x80000088u);
  EXPECT_EQ(read32be(&D[76]), 0x1001u) << "x1, its low 32 bits";
}

} // namespace
