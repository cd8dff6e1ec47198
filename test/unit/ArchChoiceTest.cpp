//===- ArchChoiceTest.cpp - The ARCH policy, from facts to a choice -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/ArchChoice.h"

#include "qemudump/Arch/Aarch64.h"
#include "qemudump/Arch/Arm.h"
#include "qemudump/Arch/Ppc64.h"
#include "qemudump/Arch/Riscv.h"
#include "qemudump/Arch/X86.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/ELF.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

const Arch *named(StringRef Name) { return &cantFail(parseArch(Name)); }

TEST(ArchChoiceTest, X86IsInferredFromVcpu0AsQemuDoes) {
  Expected<ArchChoice> C = inferX86Arch(true, "");
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "X86_64");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0 is in long mode");
  C = inferX86Arch(false, "");
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "386");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0 is not in long mode");
}

TEST(ArchChoiceTest, X86WithoutReadableVcpusAsksForArch) {
  EXPECT_EQ(errorOf(inferX86Arch(std::nullopt, "QEMU's vCPU list is empty")),
            "cannot infer ARCH: QEMU's vCPU list is empty; give ARCH (X86_64 "
            "or 386)");
}

TEST(ArchChoiceTest, AGivenArchMustFitTheTarget) {
  Expected<ArchChoice> C = checkRequestedArch(*named("386"), "x86");
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "386"); // given against vCPU 0: the user's word
  EXPECT_EQ(C->Origin, "");
  EXPECT_EQ(errorOf(checkRequestedArch(*named("aarch64-le"), "x86")),
            "ARCH aarch64-le does not match this QEMU, whose target is x86: "
            "use X86_64 or 386, or leave ARCH out");
  EXPECT_EQ(errorOf(checkRequestedArch(*named("s390"), "ppc64")),
            "ARCH s390 does not match this QEMU, whose target is ppc64: use "
            "ppc64-le or ppc64-be, or leave ARCH out");
  // An unknown target takes any ARCH.
  C = checkRequestedArch(*named("riscv32"), "");
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "riscv32");
  C = checkRequestedArch(*named("ppc64-be"), "ppc");
  ASSERT_TRUE(succeeded(C));
}

TEST(ArchChoiceTest, Aarch64EndiannessFromSctlrEl1) {
  ArchChoice C = inferAarch64Arch("aarch64", true, "");
  EXPECT_EQ(C.Guest->Name, "aarch64-be");
  EXPECT_EQ(C.Origin, "inferred: vCPU 0's SCTLR_EL1.EE is set");
  C = inferAarch64Arch("aarch64", false, "");
  EXPECT_EQ(C.Guest->Name, "aarch64-le");
  EXPECT_EQ(C.Origin, "inferred: vCPU 0's SCTLR_EL1.EE is clear");
  // Unreadable: little-endian by the binary's name, saying why.
  C = inferAarch64Arch("aarch64", std::nullopt,
                       "cannot read vCPU 0's env.cp15.sctlr_el[1]");
  EXPECT_EQ(C.Guest->Name, "aarch64-le");
  EXPECT_EQ(C.Origin, "inferred from qemu-system-aarch64; little-endian "
                      "assumed, give ARCH otherwise (cannot read vCPU 0's "
                      "env.cp15.sctlr_el[1])");
}

TEST(ArchChoiceTest, ArmWithoutAarch64IsElf32AsQemuDecides) {
  // qemu-system-aarch64 runs 32-bit CPU models too: QEMU's dump is then
  // EM_ARM ELF32, whatever the binary's name.
  Expected<ArchChoice> C = inferArm32Arch(false);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "arm");
  EXPECT_EQ(C->Origin, "inferred: vCPU 0 has no AArch64 (a 32-bit CPU)");
  // qemu-system-arm's vCPUs unread: arm by the binary's name.
  EXPECT_EQ(inferAarch64Arch("arm", std::nullopt, "").Guest->Name, "arm");
  // And arm may be given for qemu-system-aarch64.
  C = checkRequestedArch(*named("arm"), "aarch64");
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "arm");
  EXPECT_EQ(errorOf(checkRequestedArch(*named("aarch64-le"), "arm")),
            "ARCH aarch64-le does not match this QEMU, whose target is arm: "
            "use arm, or leave ARCH out");
}

TEST(ArchChoiceTest, RiscvByteOrderFromMstatusUbe) {
  Expected<ArchChoice> C = inferRiscvArch("riscv64", false);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "riscv64");
  EXPECT_EQ(C->Origin, "inferred: qemu-system-riscv64, vCPU 0's mstatus.UBE "
                       "is clear");
  C = inferRiscvArch("riscv32", false);
  ASSERT_TRUE(succeeded(C));
  EXPECT_EQ(C->Guest->Name, "riscv32");
  EXPECT_EQ(errorOf(inferRiscvArch("riscv64", true)),
            "cannot infer ARCH: vCPU 0's mstatus.UBE is set, so QEMU's own "
            "dump of this guest is big-endian, which qemudump does not "
            "write; give ARCH riscv64 for a little-endian vmcore");
  EXPECT_TRUE(succeeded(checkRequestedArch(*named("riscv64"), "riscv64")));
}

TEST(ArchChoiceTest, Ppc64ByteOrderFromVcpu0sInterrupts) {
  ArchChoice C = inferPpc64Arch(false, "");
  EXPECT_EQ(C.Guest->Name, "ppc64-be");
  EXPECT_EQ(C.Origin, "inferred: vCPU 0's interrupts are big-endian");
  C = inferPpc64Arch(true, "");
  EXPECT_EQ(C.Guest->Name, "ppc64-le");
  // Not known: little-endian assumed, saying why.
  C = inferPpc64Arch(std::nullopt, "no PowerPCCPU");
  EXPECT_EQ(C.Guest->Name, "ppc64-le");
  EXPECT_EQ(C.Origin, "inferred from qemu-system-ppc64; little-endian "
                      "assumed, give ARCH otherwise (no PowerPCCPU)");
}

TEST(ArchChoiceTest, OtherTargetsByTheBinarysName) {
  struct {
    const char *Target, *Arch;
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
    SCOPED_TRACE(Case.Target);
    Expected<ArchChoice> C = inferFromTargetName(Case.Target);
    ASSERT_TRUE(succeeded(C));
    EXPECT_EQ(C->Guest->Name, Case.Arch);
    EXPECT_EQ(
        C->Origin,
        (Twine("inferred from qemu-system-") + Case.Target +
         (Case.Assumed ? "; little-endian assumed, give ARCH otherwise" : ""))
            .str());
  }
}

TEST(ArchChoiceTest, UnknownProgramsNeedArch) {
  EXPECT_EQ(errorOf(inferFromTargetName("")),
            "cannot infer ARCH for this program: neither its vCPU type nor its "
            "name (qemu-system-TARGET) is of a target qemudump knows; give "
            "ARCH, one of " +
                archNameList());
  EXPECT_THAT(errorOf(inferFromTargetName("mips")),
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
