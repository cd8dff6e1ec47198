//===- S390xTest.cpp - s390x guests: vCPU notes ---------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/S390x.h"

#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;
using support::endian::read32be;
using support::endian::read64be;

namespace {

S390xCpuState cpu(uint32_t Index) {
  S390xCpuState C;
  C.CpuIndex = Index;
  C.PswMask = 0x0000100180000000;
  C.PswAddr = 0x20096;
  for (unsigned I = 0; I < 16; ++I) {
    C.Gprs[I] = 0x1000 + I;
    C.Acrs[I] = 0x2000 + I;
    C.Cregs[I] = 0x3000 + I;
  }
  for (unsigned I = 0; I < 32; ++I) {
    C.Vregs[I][0] = 0x4000 + I;
    C.Vregs[I][1] = 0x5000 + I;
  }
  C.Fpc = 1;
  C.Cputm = 0x6000;
  C.Ckc = 0x7000;
  C.Todpr = 0x1234;
  C.Prefix = 0x8000;
  C.Gscb[3] = 0x9000;
  return C;
}

TEST(S390xTest, TenBigEndianNotesPerVcpuInQemusOrder) {
  CpuNotes N = s390xCpuNotes({cpu(0), cpu(1)});
  const std::vector<uint8_t> &Out = N.Bytes;
  Expected<std::vector<NoteView>> Notes = parseNotes(Out, false);
  ASSERT_TRUE(succeeded(Notes));
  ASSERT_EQ(Notes->size(), 20u);
  const struct {
    const char *Name;
    uint32_t Type;
    size_t Size;
  } Want[] = {{"CORE", ELF::NT_PRSTATUS, 336},
              {"CORE", ELF::NT_FPREGSET, 136},
              {"LINUX", ELF::NT_S390_PREFIX, 4},
              {"LINUX", ELF::NT_S390_CTRS, 128},
              {"LINUX", ELF::NT_S390_TIMER, 8},
              {"LINUX", ELF::NT_S390_TODCMP, 8},
              {"LINUX", ELF::NT_S390_TODPREG, 4},
              {"LINUX", ELF::NT_S390_VXRS_LOW, 128},
              {"LINUX", ELF::NT_S390_VXRS_HIGH, 256},
              {"LINUX", ELF::NT_S390_GS_CB, 32}};
  for (unsigned I = 0; I < 20; ++I) {
    EXPECT_EQ((*Notes)[I].Name, Want[I % 10].Name) << I;
    EXPECT_EQ((*Notes)[I].Type, Want[I % 10].Type) << I;
    EXPECT_EQ((*Notes)[I].Desc.size(), Want[I % 10].Size) << I;
  }
  ArrayRef<uint8_t> Pr = (*Notes)[10].Desc;
  EXPECT_EQ(read32be(&Pr[32]), 2u) << "pid is cpu_index + 1";
  EXPECT_EQ(read64be(&Pr[112]), 0x0000100180000000u);
  EXPECT_EQ(read64be(&Pr[120]), 0x20096u);
  EXPECT_EQ(read64be(&Pr[128 + 8 * 15]), 0x100fu);
  EXPECT_EQ(read32be(&Pr[256 + 4 * 15]), 0x200fu);
  ArrayRef<uint8_t> Fp = (*Notes)[1].Desc;
  EXPECT_EQ(read32be(&Fp[0]), 1u);
  EXPECT_EQ(read64be(&Fp[8 + 8 * 15]), 0x400fu) << "f15 is v15's left half";
  EXPECT_EQ(read32be((*Notes)[2].Desc.data()), 0x8000u);
  EXPECT_EQ(read64be(&(*Notes)[3].Desc[8 * 15]), 0x300fu);
  EXPECT_EQ(read64be((*Notes)[4].Desc.data()), 0x6000u);
  EXPECT_EQ(read64be((*Notes)[5].Desc.data()), 0x7000u);
  EXPECT_EQ(read32be((*Notes)[6].Desc.data()), 0x1234u);
  EXPECT_EQ(read64be(&(*Notes)[7].Desc[8 * 15]), 0x500fu)
      << "VXRS_LOW: v15's right half";
  EXPECT_EQ(read64be(&(*Notes)[8].Desc[0]), 0x4010u) << "v16, left";
  EXPECT_EQ(read64be(&(*Notes)[8].Desc[8]), 0x5010u) << "v16, right";
  EXPECT_EQ(read64be(&(*Notes)[9].Desc[24]), 0x9000u);
}

} // namespace
