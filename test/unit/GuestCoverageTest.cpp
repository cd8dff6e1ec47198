//===- GuestCoverageTest.cpp - What of guest RAM a core holds -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/GuestCoverage.h"
#include "qemudump/Command/CoverageReport.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

/// A source that holds host [0x10000, 0x18000), lacks [0x18000, 0x20000)
/// (cut at file offset 0x9000), has a file-backed hole at [0x40000,
/// 0x50000) and nothing else.
class CutMemory : public MemorySource {
public:
  Availability availability(uint64_t A, uint64_t Max) override {
    if (A >= 0x10000 && A < 0x18000)
      return {true, std::min(Max, 0x18000 - A)};
    if (A >= 0x18000 && A < 0x20000)
      return {false, std::min(Max, 0x20000 - A), MemoryFault::Truncated,
              0x9000 + (A - 0x18000)};
    if (A >= 0x40000 && A < 0x50000)
      return {false, std::min(Max, 0x50000 - A), MemoryFault::FileBacked, 0};
    return {false, Max, MemoryFault::NotMapped, 0};
  }
  bool knowsAvailability() const override { return true; }
  Error read(uint64_t A, MutableArrayRef<uint8_t> Buf) override {
    return make_error<MemoryFault>(A, Buf.size(), "not read here");
  }
};

/// Guest-physical [Start, End) known missing: a dump=off backend's RAM.
MissingRange dumpOff(uint64_t Start, uint64_t End, const char *Backend) {
  MissingRange Off;
  Off.GuestStart = Start;
  Off.GuestEnd = End;
  Off.Cause = MissingCause::DumpOffBackend;
  Off.Region = Backend;
  return Off;
}

GuestMemoryMap twoBlocks() {
  GuestMemoryMap Map;
  // Guest [0, 0x10000) at host 0x10000; guest [0x100000, 0x110000) at host
  // 0x40000.
  cantFail(Map.addRange(0, 0x10000, 0x10000));
  cantFail(Map.addRange(0x100000, 0x10000, 0x40000));
  return Map;
}

TEST(GuestCoverageTest, HeldAndMissingRangesWithTheirCauses) {
  CutMemory M;
  GuestCoverage C = coverageOf(twoBlocks(), M, {});
  EXPECT_EQ(C.TotalBytes, 0x20000u);
  EXPECT_EQ(C.heldBytes(), 0x8000u);
  ASSERT_EQ(C.Held.blocks().size(), 1u);
  EXPECT_EQ(C.Held.blocks()[0].GuestEnd, 0x8000u);
  ASSERT_EQ(C.Missing.size(), 2u);
  EXPECT_EQ(C.Missing[0].GuestStart, 0x8000u);
  EXPECT_EQ(C.Missing[0].GuestEnd, 0x10000u);
  EXPECT_EQ(C.Missing[0].Cause, MissingCause::Truncated);
  EXPECT_EQ(C.Missing[0].FileOffset, 0x9000u);
  EXPECT_EQ(C.Missing[0].why(),
            "past the end of the cut core (file offset 0x9000)");
  EXPECT_EQ(C.Missing[1].Cause, MissingCause::SharedFile);
  EXPECT_EQ(C.missingBytes(MissingCause::SharedFile), 0x10000u);
  EXPECT_FALSE(C.complete());
}

TEST(GuestCoverageTest, KnownRangesAndTheClassifierDecideTheCause) {
  CutMemory M;
  MissingRange Off = dumpOff(0, 0x4000, "ram0");
  GuestCoverage C = coverageOf(twoBlocks(), M, {Off}, [](MissingRange &R) {
    R.Cause = MissingCause::SharedHugetlb;
  });
  ASSERT_EQ(C.Missing.size(), 3u);
  EXPECT_EQ(C.Missing[0].Cause, MissingCause::DumpOffBackend);
  EXPECT_EQ(C.Missing[0].HostAddr, 0x10000u);
  EXPECT_EQ(C.Missing[0].why(), "memory backend 'ram0', run with dump=off");
  // Held from the end of the known range to the cut.
  ASSERT_EQ(C.Held.blocks().size(), 1u);
  EXPECT_EQ(C.Held.blocks()[0].GuestStart, 0x4000u);
  EXPECT_EQ(C.Held.blocks()[0].HostAddr, 0x14000u);
  EXPECT_EQ(C.Missing[2].Cause, MissingCause::SharedHugetlb);
  EXPECT_EQ(
      C.Missing[2].why(),
      "shared hugetlbfs pages, left out by coredump_filter (bit 6, 0x40)");
}

TEST(GuestCoverageTest, AKnownRangeInTheMiddleOfABlockSplitsIt) {
  CutMemory M;
  GuestCoverage C =
      coverageOf(twoBlocks(), M, {dumpOff(0x2000, 0x3000, "ram1")});
  // Held [0, 0x2000) and [0x3000, 0x8000): the source's answer stops at the
  // known range, and resumes after it at the right QEMU address.
  ASSERT_EQ(C.Held.blocks().size(), 2u);
  EXPECT_EQ(C.Held.blocks()[0].GuestEnd, 0x2000u);
  EXPECT_EQ(C.Held.blocks()[1].GuestStart, 0x3000u);
  EXPECT_EQ(C.Held.blocks()[1].HostAddr, 0x13000u);
  ASSERT_EQ(C.Missing.size(), 3u);
  EXPECT_EQ(C.Missing[0].Cause, MissingCause::DumpOffBackend);
  EXPECT_EQ(C.Missing[0].HostAddr, 0x12000u);
  EXPECT_EQ(C.Missing[0].size(), 0x1000u);
  // The truncated tail of the first block and the shared second block stay
  // apart: other causes, and not continuous.
  EXPECT_EQ(C.Missing[1].Cause, MissingCause::Truncated);
  EXPECT_EQ(C.Missing[2].Cause, MissingCause::SharedFile);
  EXPECT_EQ(otherCauses(C, MissingCause::DumpOffBackend),
            "The core also lacks 32.0 KiB in 1 range from [0x8000, 0x10000) "
            "on: past the end of the cut core (file offset 0x9000); and 64.0 "
            "KiB in 1 range from [0x100000, 0x110000) on: a shared file "
            "mapping, left out by coredump_filter (bit 3, 0x08). ");
}

TEST(GuestCoverageTest, ASourceThatCannotTellHoldsAll) {
  struct Plain : MemorySource {
    Error read(uint64_t, MutableArrayRef<uint8_t>) override {
      return Error::success();
    }
  } P;
  EXPECT_FALSE(P.knowsAvailability());
  EXPECT_TRUE(coverageOf(twoBlocks(), P, {}).complete());
}

TEST(GuestCoverageTest, TheCutSaysWhatMadeIt) {
  EXPECT_NE(coreCutExplanation(2ULL << 30)
                .find("systemd-coredump's default ProcessSizeMax=2G"),
            std::string::npos);
  EXPECT_NE(coreCutExplanation(32ULL << 30)
                .find("systemd-coredump's default ProcessSizeMax=32G"),
            std::string::npos);
  EXPECT_NE(coreCutExplanation(512ULL << 20).find("a round size"),
            std::string::npos);
  EXPECT_EQ(coreCutExplanation(561164288),
            "not a round size, so likely not a configured size limit: a full "
            "disk, a copy that stopped, or the shell's ulimit -c (which stops "
            "at the last write that fits)");
}

TEST(GuestCoverageTest, ReportsSayTheSizesAndTheOption) {
  CutMemory M;
  GuestCoverage C = coverageOf(twoBlocks(), M, {});
  EXPECT_EQ(heldSentence(C, false),
            "the core holds 32.0 KiB of the guest's 128.0 KiB of RAM");
  EXPECT_EQ(partialOffer(C, true),
            "The core holds 32.0 KiB of the 128.0 KiB of guest RAM that "
            "--begin/--length select: --partial writes those and leaves the "
            "rest out of the vmcore (not as zeros: readers see it missing)");
  std::vector<std::string> W = partialWarnings(C, 0x9000);
  ASSERT_EQ(W.size(), 2u);
  EXPECT_TRUE(StringRef(W[0]).starts_with(
      "partial dump: 32.0 KiB of guest RAM in 1 range is not in the vmcore: "
      "it lies past the end of the core file, cut at 36864 bytes"));
  EXPECT_EQ(coverageCell(C), "core: 32.0 KiB of 128.0 KiB, the rest past the "
                             "end of the cut core (file offset 0x9000)");
  EXPECT_EQ(describeMissing(C.Missing[1]),
            "[0x100000, 0x110000) 64.0 KiB: a shared file mapping, left out "
            "by coredump_filter (bit 3, 0x08)");
  GuestCoverage None = coverageOf(twoBlocks(), M, {});
  None.Held = GuestMemoryMap();
  EXPECT_EQ(partialOffer(None, false),
            "The core holds 0 bytes of the guest's 128.0 KiB of RAM: nothing "
            "to dump, not even with --partial");
}

} // namespace
