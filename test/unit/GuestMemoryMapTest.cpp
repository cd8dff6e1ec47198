// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Guest/GuestMemoryMap.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;
using AddResult = GuestMemoryMap::AddResult;

namespace {

TEST(GuestMemoryMapTest, MergesOnlyWhenContiguousInBothSpaces) {
  GuestMemoryMap Map;
  EXPECT_EQ(valueOf(Map.addRange(0, 0xa0000, 0x7f0000000000)),
            AddResult::Added);
  // Guest gap (the VGA hole): a new block even though host is contiguous.
  EXPECT_EQ(valueOf(Map.addRange(0xc0000, 0x20000, 0x7f00000c0000)),
            AddResult::Added);
  // Guest-contiguous and host-contiguous: joined.
  EXPECT_EQ(valueOf(Map.addRange(0xe0000, 0x20000, 0x7f00000e0000)),
            AddResult::Joined);
  // Guest-contiguous, host elsewhere: a new block.
  EXPECT_EQ(valueOf(Map.addRange(0x100000, 0x100000, 0x7e0000000000)),
            AddResult::Added);
  ASSERT_EQ(Map.blocks().size(), 3u);
  EXPECT_EQ(Map.blocks()[1].GuestStart, 0xc0000u);
  EXPECT_EQ(Map.blocks()[1].GuestEnd, 0x100000u);
  EXPECT_EQ(Map.blocks()[1].HostAddr, 0x7f00000c0000u);
  EXPECT_EQ(Map.totalBytes(), 0xa0000u + 0x40000u + 0x100000u);
}

TEST(GuestMemoryMapTest, RangesMustAscend) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0x100000, 0x1000, 0x1000)));
  EXPECT_THAT(errorOf(Map.addRange(0x0, 0x1000, 0x5000)),
              testing::HasSubstr("do not ascend"));
  // Overlapping the previous block is not ascending either.
  EXPECT_NE(errorOf(Map.addRange(0x100800, 0x1000, 0x9000)), "");
}

TEST(GuestMemoryMapTest, EmptyAndWrappingRangesAreErrors) {
  GuestMemoryMap Map;
  EXPECT_NE(errorOf(Map.addRange(0x1000, 0, 0x1000)), "");
  EXPECT_NE(errorOf(Map.addRange(~0ULL - 0xfff, 0x2000, 0x1000)), "");
  EXPECT_NE(errorOf(Map.addRange(0x1000, 0x2000, ~0ULL - 0xfff)), "");
  EXPECT_TRUE(Map.empty());
}

TEST(GuestMemoryMapTest, HostAddressOfWithinOneBlock) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0, 0x10000, 0xa0000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0x20000, 0x10000, 0xb0000000)));
  EXPECT_EQ(Map.hostAddressOf(0x7000, 0x1024), 0xa0007000u);
  EXPECT_EQ(Map.hostAddressOf(0x20010, 16), 0xb0000010u);
  EXPECT_EQ(Map.hostAddressOf(0xf000, 0x2000), std::nullopt); // runs out
  EXPECT_EQ(Map.hostAddressOf(0x18000, 1), std::nullopt);     // in the gap
}

TEST(GuestMemoryMapTest, ClipCutsBlocksToTheRange) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0, 0xa0000, 0x10000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0x100000, 0x700000, 0x20000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0x100000000, 0x200000, 0x30000000)));
  std::optional<GuestMemoryMap> C = valueOf(Map.clip(0x80000, 0x100000));
  ASSERT_TRUE(C);
  ASSERT_EQ(C->blocks().size(), 2u);
  EXPECT_EQ(C->blocks()[0].GuestStart, 0x80000u);
  EXPECT_EQ(C->blocks()[0].GuestEnd, 0xa0000u);
  EXPECT_EQ(C->blocks()[0].HostAddr, 0x10080000u);
  EXPECT_EQ(C->blocks()[1].GuestStart, 0x100000u);
  EXPECT_EQ(C->blocks()[1].GuestEnd, 0x180000u);
  EXPECT_EQ(C->blocks()[1].HostAddr, 0x20000000u);
  // Everything, from a range larger than the RAM.
  C = valueOf(Map.clip(0, ~0ULL));
  ASSERT_TRUE(C);
  EXPECT_EQ(C->totalBytes(), Map.totalBytes());
}

TEST(GuestMemoryMapTest, ClipErrors) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0, 0xa0000, 0x10000000)));
  EXPECT_THAT(errorOf(Map.clip(0xa0000, 0x1000)),
              testing::HasSubstr("holds no guest RAM"));
  EXPECT_THAT(errorOf(Map.clip(0x1000, 0)), testing::HasSubstr("empty"));
  EXPECT_THAT(errorOf(Map.clip(~0ULL - 10, 100)),
              testing::HasSubstr("beyond the 64-bit address space"));
}

} // namespace
