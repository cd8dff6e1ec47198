//===- GuestKernelInfoTest.cpp - The guest kernel's utsname and phys_base -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/GuestKernelInfo.h"

#include "qemudump/Notes/Notes.h"

#include "BufferMemory.h"

#include "TestUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace llvm;
using namespace qemudump;

namespace {

const Arch &x86_64() { return cantFail(parseArch("X86_64")); }

VmcoreInfo info(StringRef Text) { return VmcoreInfo::fromText(Text, true); }

/// A guest whose init_uts_ns sits at guest-physical \p UtsPhys.
struct UtsGuest {
  BufferMemory M;
  GuestMemoryMap Map;
  std::optional<VmcoreInfo> Info;

  UtsGuest(uint64_t UtsPhys, uint64_t NameOff, StringRef Text) {
    M.Buffers[0x10000000].assign(0x6000000, 0);
    cantFail(Map.addRange(0, 0x6000000, 0x10000000));
    const char *Fields[] = {"Linux",          "guesthost",
                            "6.1.0-56-amd64", "#1 SMP PREEMPT_DYNAMIC Debian",
                            "x86_64",         "(none)"};
    for (size_t I = 0; I < 6; ++I)
      std::strcpy(reinterpret_cast<char *>(M.Buffers[0x10000000].data() +
                                           UtsPhys + NameOff + I * 65),
                  Fields[I]);
    Info.emplace(info(Text));
  }
};

TEST(GuestKernelInfoTest, InitUtsNsThroughPhysBase) {
  // phys_base is signed decimal; SYMBOL() is hex without 0x.
  // 0xffffffff82e1b000 - __START_KERNEL_map + (-0x1000000) = 0x1e1b000.
  UtsGuest G(0x1e1b000, 0,
             "OSRELEASE=6.1.0-56-amd64\n"
             "SYMBOL(init_uts_ns)=ffffffff82e1b000\n"
             "OFFSET(uts_namespace.name)=0\n"
             "NUMBER(phys_base)=-16777216\n");
  std::vector<std::string> Warnings;
  GuestKernelInfo I =
      readGuestKernelInfo(x86_64(), G.Map, G.M, &*G.Info, Warnings);
  EXPECT_TRUE(Warnings.empty()) << Warnings.front();
  EXPECT_EQ(I.PhysBase, -16777216);
  EXPECT_EQ(I.UtsSource, "init_uts_ns");
  EXPECT_EQ(I.Uts.Sysname, "Linux");
  EXPECT_EQ(I.Uts.Nodename, "guesthost");
  EXPECT_EQ(I.Uts.Release, "6.1.0-56-amd64");
  EXPECT_EQ(I.Uts.Version, "#1 SMP PREEMPT_DYNAMIC Debian");
  EXPECT_EQ(I.Uts.Machine, "x86_64");
  EXPECT_EQ(I.Uts.Domainname, "(none)");
}

TEST(GuestKernelInfoTest, PhysBaseIsDecimalNotHex) {
  // QEMU's own kdump writer reads "16777216" as hex: not us.
  UtsGuest G(0x4e1b000, 4,
             "OSRELEASE=5.4.0\n"
             "SYMBOL(init_uts_ns)=ffffffff82e1b000\n"
             "NUMBER(phys_base)=33554432\n");
  std::vector<std::string> Warnings;
  GuestKernelInfo I =
      readGuestKernelInfo(x86_64(), G.Map, G.M, &*G.Info, Warnings);
  EXPECT_EQ(I.PhysBase, 33554432);
  // Without OFFSET(uts_namespace.name) (older kernels: a kref first), the
  // name is found after it.
  EXPECT_EQ(I.UtsSource, "init_uts_ns");
  EXPECT_EQ(I.Uts.Version, "#1 SMP PREEMPT_DYNAMIC Debian");
  // The release is VMCOREINFO's; a different one in memory is a warning.
  EXPECT_EQ(I.Uts.Release, "5.4.0");
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0], testing::HasSubstr("init_uts_ns says release"));
}

TEST(GuestKernelInfoTest, WithoutInitUtsNsNothingIsLeftEmpty) {
  UtsGuest G(0, 0,
             "OSRELEASE=6.1.0-qemudump-test\n"
             "SYMBOL(init_uts_ns)=ffffffffa31fb000\n" // not in guest RAM
             "NUMBER(phys_base)=-715128832\n");
  std::vector<std::string> Warnings;
  GuestKernelInfo I =
      readGuestKernelInfo(x86_64(), G.Map, G.M, &*G.Info, Warnings);
  EXPECT_EQ(I.PhysBase, -715128832);
  EXPECT_EQ(I.UtsSource, "VMCOREINFO");
  EXPECT_EQ(I.Uts.Sysname, "Linux");
  EXPECT_EQ(I.Uts.Release, "6.1.0-qemudump-test");
  EXPECT_EQ(I.Uts.Version, "unknown");
  EXPECT_EQ(I.Uts.Machine, "x86_64");
  EXPECT_EQ(I.Uts.Nodename, "(none)");
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0],
              testing::HasSubstr("cannot read the guest's init_uts_ns"));

  // No VMCOREINFO at all.
  Warnings.clear();
  I = readGuestKernelInfo(cantFail(parseArch("aarch64-le")), G.Map, G.M,
                          nullptr, Warnings);
  EXPECT_EQ(I.UtsSource, "defaults");
  EXPECT_EQ(I.Uts.Release, "unknown");
  EXPECT_EQ(I.Uts.Machine, "aarch64");
  EXPECT_EQ(I.PhysBase, 0);
  EXPECT_EQ(Warnings.size(), 1u);
}

TEST(GuestKernelInfoTest, BadPhysBaseIsAWarning) {
  UtsGuest G(0, 0, "OSRELEASE=6.1\nNUMBER(phys_base)=0x1000000\n");
  std::vector<std::string> Warnings;
  GuestKernelInfo I =
      readGuestKernelInfo(x86_64(), G.Map, G.M, &*G.Info, Warnings);
  EXPECT_EQ(I.PhysBase, 0);
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0], testing::HasSubstr("not a decimal number"));
}

} // namespace

namespace {

TEST(GuestKernelInfoTest, PageSizeIsOneTheArchHas) {
  const Arch &Arm = cantFail(parseArch("aarch64-le"));
  const Arch &X86 = cantFail(parseArch("X86_64"));
  EXPECT_EQ(guestPageSize(Arm, info("OSRELEASE=6.1\nPAGESIZE=65536\n")),
            65536u);
  EXPECT_EQ(guestPageSize(X86, info("PAGESIZE=4096\n")), 4096u);
  EXPECT_EQ(guestPageSize(X86, info("PAGESIZE=65536\n")), std::nullopt);
  EXPECT_EQ(guestPageSize(Arm, info("PAGESIZE=lots\n")), std::nullopt);
  EXPECT_EQ(guestPageSize(Arm, info("OSRELEASE=6.1\n")), std::nullopt);
}

} // namespace

namespace {

TEST(GuestKernelInfoTest, InitUtsNsOfPpc64AndS390) {
  VmcoreInfo Ppc = info("SYMBOL(init_uts_ns)=c000000002b1c5e0\n");
  std::optional<InitUtsNsAddress> P =
      locateInitUtsNs(cantFail(parseArch("ppc64-le")), Ppc);
  ASSERT_TRUE(P.has_value());
  EXPECT_EQ(P->Paddr, 0x2b1c5e0u) << "the linear map at PAGE_OFFSET";
  VmcoreInfo S390 = info("SYMBOL(init_uts_ns)=ef4898\n");
  std::optional<InitUtsNsAddress> S =
      locateInitUtsNs(cantFail(parseArch("s390")), S390);
  ASSERT_TRUE(S.has_value());
  EXPECT_EQ(S->Paddr, 0xef4898u) << "identity-mapped";
}

} // namespace

namespace {

TEST(GuestKernelInfoTest, Aarch64PhysBaseIsPhysOffsetAsQemuWritesIt) {
  // QEMU's aarch64 dump: phys_base is NUMBER(PHYS_OFFSET) (hex; negative
  // with a randomized linear map), else the lowest guest RAM address.
  const Arch &Arm = cantFail(parseArch("aarch64-le"));
  BufferMemory M;
  M.Buffers[0x10000000].assign(0x100000, 0);
  GuestMemoryMap Map;
  cantFail(Map.addRange(0x40000000, 0x100000, 0x10000000));
  std::vector<std::string> Warnings;
  VmcoreInfo WithOffset = info("OSRELEASE=6.1.0-50-arm64\n"
                               "NUMBER(PHYS_OFFSET)=0xfffff9db00000000\n");
  GuestKernelInfo G = readGuestKernelInfo(Arm, Map, M, &WithOffset, Warnings);
  EXPECT_EQ(uint64_t(G.PhysBase), 0xfffff9db00000000u);
  VmcoreInfo Without = info("OSRELEASE=6.1.0-50-arm64\n");
  G = readGuestKernelInfo(Arm, Map, M, &Without, Warnings);
  EXPECT_EQ(G.PhysBase, 0x40000000);
  Warnings.clear();
  G = readGuestKernelInfo(Arm, Map, M, nullptr, Warnings);
  EXPECT_EQ(G.PhysBase, 0x40000000);
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_NE(Warnings[0].find("phys_base is the lowest guest RAM address"),
            std::string::npos);
}

} // namespace
