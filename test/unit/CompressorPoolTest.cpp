//===- CompressorPoolTest.cpp - Pages compressed on worker threads --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Vmcore/CompressorPool.h"

#include "gtest/gtest.h"

#include <cstring>
#include <memory>
#include <random>

using namespace qemudump;

namespace {

constexpr uint32_t PS = 4096;

/// A batch of \p N pages: zero, text-like, random in turn; page 1 unread.
std::unique_ptr<Batch> batch(unsigned N, uint64_t Seed) {
  auto B = std::make_unique<Batch>();
  B->NPages = N;
  B->In.assign(size_t(N) * PS, 0);
  B->WasRead.assign(N, 1);
  B->WasRead[1] = 0;
  std::mt19937_64 Rng(Seed);
  for (unsigned P = 0; P < N; ++P) {
    uint8_t *Page = B->In.data() + size_t(P) * PS;
    if (P % 3 == 1)
      for (uint32_t I = 0; I < PS; ++I)
        Page[I] = "log line "[I % 9];
    else if (P % 3 == 2)
      for (uint32_t I = 0; I < PS; I += 8) {
        uint64_t R = Rng();
        std::memcpy(Page + I, &R, 8);
      }
  }
  return B;
}

KdumpCompression someCompression() {
  for (KdumpCompression C : allCompressions())
    if (compressionAvailable(C))
      return C;
  return KdumpCompression::Zlib;
}

TEST(CompressorPoolTest, PagesAreSortedIntoZeroCompressedAndPlain) {
  KdumpCompression C = someCompression();
  if (!compressionAvailable(C))
    GTEST_SKIP() << "no compression library built in";
  std::unique_ptr<Batch> B = batch(9, 1);
  PageCompressor Compressor(C, PS);
  compressBatch(*B, Compressor, PS);
  ASSERT_EQ(B->Kinds.size(), 9u);
  uint64_t Total = 0;
  for (unsigned P = 0; P < 9; ++P) {
    SCOPED_TRACE(P);
    // Page 1 was not read (known zeros): zero, though its buffer has text.
    PageKind Want = P % 3 == 0 || P == 1 ? PageKind::Zero
                    : P % 3 == 1         ? PageKind::Compressed
                                         : PageKind::Plain;
    EXPECT_EQ(B->Kinds[P], Want);
    if (Want == PageKind::Zero) {
      EXPECT_EQ(B->Sizes[P], 0u);
    } else if (Want == PageKind::Compressed) {
      EXPECT_LT(B->Sizes[P], PS);
    } else {
      EXPECT_EQ(B->Sizes[P], PS);
    }
    Total += B->Sizes[P];
  }
  EXPECT_EQ(B->Data.size(), Total);
}

TEST(CompressorPoolTest, ThePoolGivesTheSameResultsOnAnyThread) {
  KdumpCompression C = someCompression();
  if (!compressionAvailable(C))
    GTEST_SKIP() << "no compression library built in";
  std::vector<std::unique_ptr<Batch>> Alone, Pooled;
  PageCompressor Compressor(C, PS);
  for (unsigned I = 0; I < 12; ++I) {
    Alone.push_back(batch(30, I));
    compressBatch(*Alone.back(), Compressor, PS);
    Pooled.push_back(batch(30, I));
  }
  {
    CompressorPool Pool(3, C, PS);
    for (auto &B : Pooled)
      Pool.submit(B.get());
    // Waited for in the writer's order, whatever order they finish in.
    for (unsigned I = 0; I < 12; ++I) {
      Pool.wait(Pooled[I].get());
      EXPECT_TRUE(Pool.done(Pooled[I].get()));
      EXPECT_EQ(Pooled[I]->Data, Alone[I]->Data) << "batch " << I;
      EXPECT_EQ(Pooled[I]->Kinds, Alone[I]->Kinds);
    }
  }
}

TEST(CompressorPoolTest, AllZeroBatchesNeedNoWorker) {
  std::unique_ptr<Batch> B = batch(4, 0);
  B->setAllZero();
  EXPECT_TRUE(B->Done);
  EXPECT_TRUE(B->Data.empty());
  EXPECT_EQ(B->Kinds, std::vector<PageKind>(4, PageKind::Zero));
  EXPECT_TRUE(isZeroPage(B->In.data(), PS));
  EXPECT_FALSE(isZeroPage(B->In.data() + 2 * PS, PS));
  std::vector<uint8_t> LastByte(PS, 0);
  LastByte[PS - 1] = 1;
  EXPECT_FALSE(isZeroPage(LastByte.data(), PS));
}

} // namespace
