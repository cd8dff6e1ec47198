//===- ArchChoiceTest.cpp - The ARCH policy, from facts to a choice -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/ArchChoice.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/ELF.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

const Arch *named(StringRef Name) { return &cantFail(parseArch(Name)); }

TargetFacts x86(std::optional<bool> LongMode, std::string Problem = "") {
  TargetFacts F;
  F.Family = "x86";
  F.X86LongMode = LongMode;
  F.X86Problem = std::move(Problem);
  return F;
}

TEST(ArchChoiceTest, X86IsInferredFromVcpu0AsQemuDoes) {
  Expected<ArchChoice> C = resolveArch(nullptr, x86(true));
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "X86_64");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0 is in long mode");
  C = resolveArch(nullptr, x86(false));
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "386");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0 is not in long mode");
}

TEST(ArchChoiceTest, X86WithoutReadableVcpusAsksForArch) {
  EXPECT_EQ(errorOf(resolveArch(nullptr, x86(std::nullopt, "QEMU's vCPU "
                                                           "list is empty"))),
            "cannot infer ARCH: QEMU's vCPU list is empty; give ARCH (X86_64 "
            "or 386)");
}

TEST(ArchChoiceTest, AGivenArchMustFitTheTarget) {
  Expected<ArchChoice> C = resolveArch(named("386"), x86(true));
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "386"); // given against vCPU 0: the user's word
  EXPECT_EQ(C->Origin, "");
  EXPECT_EQ(errorOf(resolveArch(named("aarch64-le"), x86(true))),
            "ARCH aarch64-le does not match this QEMU, whose target is x86: "
            "use X86_64 or 386, or leave ARCH out");
  TargetFacts Ppc;
  Ppc.Family = "ppc64";
  EXPECT_EQ(errorOf(resolveArch(named("s390"), Ppc)),
            "ARCH s390 does not match this QEMU, whose target is ppc64: use "
            "ppc64-le or ppc64-be, or leave ARCH out");
  // An unknown family takes any ARCH.
  TargetFacts Unknown;
  C = resolveArch(named("riscv32"), Unknown);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "riscv32");
}

TEST(ArchChoiceTest, Aarch64EndiannessFromSctlrEl1) {
  TargetFacts F;
  F.Family = "aarch64";
  F.Aarch64BigEndian = true;
  Expected<ArchChoice> C = resolveArch(nullptr, F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "aarch64-be");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0's SCTLR_EL1.EE is set");
  F.Aarch64BigEndian = false;
  C = resolveArch(nullptr, F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "aarch64-le");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0's SCTLR_EL1.EE is clear");
  // Unreadable: little-endian by the binary's name, saying why.
  F.Aarch64BigEndian.reset();
  F.Aarch64Problem = "cannot read vCPU 0's env.cp15.sctlr_el[1]";
  C = resolveArch(nullptr, F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "aarch64-le");
  EXPECT_EQ(C->Origin, "inferred from qemu-system-aarch64; little-endian "
                       "assumed, give ARCH otherwise (cannot read vCPU 0's "
                       "env.cp15.sctlr_el[1])");
}

TEST(ArchChoiceTest, ArmWithoutAarch64IsElf32AsQemuDecides) {
  // qemu-system-aarch64 runs 32-bit CPU models too: QEMU's dump is then
  // EM_ARM ELF32, whatever the binary's name.
  for (const char *Family : {"aarch64", "arm"}) {
    TargetFacts F;
    F.Family = Family;
    F.ArmAarch64 = false;
    F.Aarch64BigEndian = false;
    Expected<ArchChoice> C = resolveArch(nullptr, F);
    ASSERT_TRUE(succeeded(C));
    EXPECT_EQ(C->Guest->Name, "arm");
    EXPECT_EQ(C->Origin, "inferred: vCPU 0 has no AArch64 (a 32-bit CPU)");
  }
  TargetFacts F;
  F.Family = "aarch64";
  F.ArmAarch64 = true;
  F.Aarch64BigEndian = false;
  Expected<ArchChoice> C = resolveArch(nullptr, F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "aarch64-le");
  // And arm may be given for qemu-system-aarch64.
  C = resolveArch(named("arm"), F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "arm");
}

TEST(ArchChoiceTest, RiscvByteOrderFromMstatusUbe) {
  TargetFacts F;
  F.Family = "riscv64";
  F.RiscvBigEndian = false;
  Expected<ArchChoice> C = resolveArch(nullptr, F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "riscv64");
  EXPECT_EQ(C->Origin, "inferred: qemu-system-riscv64, vCPU 0's mstatus.UBE "
                       "is clear");
  F.RiscvBigEndian = true;
  EXPECT_EQ(errorOf(resolveArch(nullptr, F)),
            "cannot infer ARCH: vCPU 0's mstatus.UBE is set, so QEMU's own "
            "dump of this guest is big-endian, which qemudump does not "
            "write; give ARCH riscv64 for a little-endian vmcore");
  C = resolveArch(named("riscv64"), F);
  ASSERT_TRUE(succeeded(C));
}

TEST(ArchChoiceTest, Ppc64ByteOrderFromVcpu0sInterrupts) {
  TargetFacts F;
  F.Family = "ppc64";
  F.PpcLittleEndian = false;
  Expected<ArchChoice> C = resolveArch(nullptr, F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "ppc64-be");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0's interrupts are big-endian");
  F.PpcLittleEndian = true;
  C = resolveArch(nullptr, F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "ppc64-le");
  // Not known: little-endian assumed, saying why.
  F.PpcLittleEndian.reset();
  F.PpcProblem = "no PowerPCCPU";
  C = resolveArch(nullptr, F);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "ppc64-le");
  EXPECT_EQ(C->Origin, "inferred from qemu-system-ppc64; little-endian "
                       "assumed, give ARCH otherwise (no PowerPCCPU)");
}

TEST(ArchChoiceTest, OtherTargetsByTheBinarysName) {
  struct {
    const char *Family, *Arch;
    bool Assumed;
  } Cases[] = {{"ppc64", "ppc64-le", true},
               {"s390x", "s390", false},
               {"riscv64", "riscv64", false},
               {"riscv32", "riscv32", false},
               {"loongarch64", "loongarch64", false},
               {"arm", "arm", false},
               {"x86_64", "X86_64", true},
               {"i386", "X86_64", true}};
  for (const auto &Case : Cases) {
    SCOPED_TRACE(Case.Family);
    TargetFacts F;
    F.Family = Case.Family;
    Expected<ArchChoice> C = resolveArch(nullptr, F);
    ASSERT_TRUE(succeeded(C));
    EXPECT_EQ(C->Guest->Name, Case.Arch);
    EXPECT_EQ(
        C->Origin,
        (Twine("inferred from qemu-system-") + Case.Family +
         (Case.Assumed ? "; little-endian assumed, give ARCH otherwise" : ""))
            .str());
  }
}

TEST(ArchChoiceTest, UnknownProgramsNeedArch) {
  EXPECT_EQ(errorOf(resolveArch(nullptr, TargetFacts())),
            "cannot infer ARCH for this program: neither its vCPU type nor its "
            "name (qemu-system-TARGET) is of a target qemudump knows; give "
            "ARCH, one of " +
                archNameList());
  TargetFacts Mips;
  Mips.Family = "mips";
  EXPECT_THAT(errorOf(resolveArch(nullptr, Mips)),
              testing::HasSubstr("(it is qemu-system-mips); give ARCH"));
}

TEST(ArchChoiceTest, ElfClassIsWidenedOnlyFor386AboveFourGiB) {
  const Arch &I386 = *named("386");
  ElfClassChoice C = vmcoreElfClass(I386, 1ULL << 32);
  EXPECT_EQ(C.ElfClass, ELF::ELFCLASS32);
  EXPECT_EQ(C.Why, "");
  C = vmcoreElfClass(I386, (1ULL << 32) + 1);
  EXPECT_EQ(C.ElfClass, ELF::ELFCLASS64);
  EXPECT_EQ(C.Why, "ELF64: guest RAM above 4 GiB");
  // Other 32-bit guests are not widened (QEMU does not either): the ELF
  // writer then refuses what ELF32 cannot describe.
  C = vmcoreElfClass(*named("arm"), 1ULL << 40);
  EXPECT_EQ(C.ElfClass, ELF::ELFCLASS32);
  C = vmcoreElfClass(*named("X86_64"), 1ULL << 40);
  EXPECT_EQ(C.ElfClass, ELF::ELFCLASS64);
  EXPECT_EQ(C.Why, "");
}

} // namespace
