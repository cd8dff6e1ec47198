// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Guest/RamDiscardBitmap.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

constexpr uint64_t MiB = 1 << 20;

/// A bitmap of 2 MiB blocks (virtio-mem's default on x86) with \p Set bits.
RamDiscardBitmap bitmap(uint64_t NumBits, std::initializer_list<uint64_t> Set,
                        uint64_t BlockSize = 2 * MiB) {
  std::vector<uint64_t> Words((NumBits + 63) / 64);
  for (uint64_t Bit : Set)
    Words[Bit / 64] |= uint64_t(1) << (Bit % 64);
  return *valueOf(RamDiscardBitmap::create(BlockSize, NumBits, Words));
}

TEST(RamDiscardBitmapTest, NothingPopulatedIsOneDiscardedPart) {
  RamDiscardBitmap B = bitmap(1024, {});
  EXPECT_EQ(B.parts(0, 2048 * MiB),
            (std::vector<RegionPart>{{0, 2048 * MiB, false}}));
}

TEST(RamDiscardBitmapTest, AllPopulatedIsOnePopulatedPart) {
  RamDiscardBitmap B = bitmap(4, {0, 1, 2, 3});
  EXPECT_EQ(B.parts(0, 8 * MiB), (std::vector<RegionPart>{{0, 8 * MiB, true}}));
}

TEST(RamDiscardBitmapTest, RunsAndTheHolesBetweenThem) {
  // Plugged: blocks 1-2, 5, 7 of 8.
  RamDiscardBitmap B = bitmap(8, {1, 2, 5, 7});
  EXPECT_EQ(B.parts(0, 16 * MiB),
            (std::vector<RegionPart>{{0, 2 * MiB, false},
                                     {2 * MiB, 4 * MiB, true},
                                     {6 * MiB, 4 * MiB, false},
                                     {10 * MiB, 2 * MiB, true},
                                     {12 * MiB, 2 * MiB, false},
                                     {14 * MiB, 2 * MiB, true}}));
}

TEST(RamDiscardBitmapTest, RunsAreCutToTheFlatRange) {
  // A flat range showing region bytes [3 MiB, 11 MiB): the run of blocks 1-2
  // ([2, 6) MiB) starts before it, the run of block 5 ([10, 12)) ends after.
  RamDiscardBitmap B = bitmap(8, {1, 2, 5, 7});
  EXPECT_EQ(B.parts(3 * MiB, 8 * MiB),
            (std::vector<RegionPart>{{3 * MiB, 3 * MiB, true},
                                     {6 * MiB, 4 * MiB, false},
                                     {10 * MiB, 1 * MiB, true}}));
}

TEST(RamDiscardBitmapTest, ARangeBeyondTheBitmapIsDiscarded) {
  // The bitmap covers 4 MiB of an 8 MiB range: the rest has no bit.
  RamDiscardBitmap B = bitmap(2, {0, 1});
  EXPECT_EQ(
      B.parts(0, 8 * MiB),
      (std::vector<RegionPart>{{0, 4 * MiB, true}, {4 * MiB, 4 * MiB, false}}));
}

TEST(RamDiscardBitmapTest, RunsCrossWordBoundaries) {
  // 4 KiB blocks (guest_memfd's shared pages): bits 60-70 and 127-129.
  std::initializer_list<uint64_t> Set = {60, 61, 62, 63, 64,  65,  66,
                                         67, 68, 69, 70, 127, 128, 129};
  RamDiscardBitmap B = bitmap(200, Set, 4096);
  EXPECT_EQ(B.parts(0, 200 * 4096),
            (std::vector<RegionPart>{{0, 60 * 4096, false},
                                     {60 * 4096, 11 * 4096, true},
                                     {71 * 4096, 56 * 4096, false},
                                     {127 * 4096, 3 * 4096, true},
                                     {130 * 4096, 70 * 4096, false}}));
  EXPECT_EQ(B.populatedBytes(), 14 * 4096u);
  EXPECT_TRUE(B.test(64));
  EXPECT_FALSE(B.test(71));
  EXPECT_FALSE(B.test(200)); // past the end
}

TEST(RamDiscardBitmapTest, BitsPastNumBitsAreIgnored) {
  // QEMU's bitmaps are whole words; a stray bit past bitmap_size counts for
  // nothing, as in QEMU's find_next_bit(bitmap, bitmap_size, ...).
  std::vector<uint64_t> Words = {uint64_t(1) << 10};
  RamDiscardBitmap B =
      *valueOf(RamDiscardBitmap::create(2 * MiB, 8, std::move(Words)));
  EXPECT_EQ(B.parts(0, 16 * MiB),
            (std::vector<RegionPart>{{0, 16 * MiB, false}}));
  EXPECT_EQ(B.populatedBytes(), 0u);
}

TEST(RamDiscardBitmapTest, RefusesImpossibleBitmaps) {
  EXPECT_EQ(errorOf(RamDiscardBitmap::create(0, 8, {0})),
            "its block size is 0");
  EXPECT_EQ(errorOf(RamDiscardBitmap::create(2 * MiB, 65, {0})),
            "65 bits need 2 words, it has 1");
  EXPECT_EQ(
      errorOf(RamDiscardBitmap::create(uint64_t(1) << 40, uint64_t(1) << 30,
                                       std::vector<uint64_t>(1 << 24))),
      "1073741824 blocks of 0x10000000000 bytes do not fit in 64 bits");
}

} // namespace
