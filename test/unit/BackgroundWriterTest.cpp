//===- BackgroundWriterTest.cpp - Sparse writes on a thread of their own --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Vmcore/BackgroundWriter.h"

#include "TestUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <optional>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace llvm;
using namespace qemudump;

namespace {

class BackgroundWriterTest : public TempDirTest {
protected:
  BackgroundWriterTest() : TempDirTest("vmcore") {}
};

constexpr size_t Chunk = 64 << 10;

/// Chunk \p I of the test's data: every third all zero, the others a
/// pattern of their own with one zero block in the middle.
void fill(MutableArrayRef<uint8_t> B, unsigned I) {
  std::fill(B.begin(), B.end(), I % 3 == 2 ? 0 : uint8_t(I + 1));
  if (I % 3 != 2)
    std::fill(B.begin() + 4096, B.begin() + 8192, 0);
}

} // namespace

TEST_F(BackgroundWriterTest, ChunksLandAtTheirPlacesSparse) {
  Expected<OutputFile> F = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(F));
  constexpr unsigned Chunks = 40; // many more than the buffers that go round
  std::vector<uint8_t> Want;
  {
    BackgroundWriter W(*F, Chunk);
    for (unsigned I = 0; I < Chunks; ++I) {
      Expected<MutableArrayRef<uint8_t>> B = W.buffer();
      ASSERT_TRUE(succeeded(B));
      ASSERT_EQ(B->size(), Chunk);
      fill(*B, I);
      Want.insert(Want.end(), B->begin(), B->end());
      W.submit(F->offset(), Chunk);
      F->skip(Chunk);
    }
    ASSERT_TRUE(succeeded(W.finish()));
  }
  ASSERT_TRUE(succeeded(F->commit()));
  auto Back = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Back));
  EXPECT_TRUE(arrayRefFromStringRef((*Back)->getBuffer()) ==
              ArrayRef<uint8_t>(Want));
  // The all-zero chunks are holes: the file takes no more than the others
  // (and a block of metadata or two). The holes inside a chunk are
  // OutputFile's (OutputFileTest).
  struct stat St;
  ASSERT_EQ(::stat(Path.c_str(), &St), 0);
  EXPECT_LE(uint64_t(St.st_blocks) * 512,
            uint64_t(Chunks - Chunks / 3 + 1) * Chunk);
}

TEST_F(BackgroundWriterTest, AFailedWriteStopsTheCopy) {
  // A file-size limit of 2 chunks: the third write fails (EFBIG); buffer()
  // then says so instead of handing out more buffers to fill.
  struct FileSizeLimit {
    struct rlimit Old;
    explicit FileSizeLimit(rlim_t Limit) {
      ::getrlimit(RLIMIT_FSIZE, &Old);
      struct rlimit Small = Old;
      Small.rlim_cur = Limit;
      ::setrlimit(RLIMIT_FSIZE, &Small);
    }
    ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &Old); }
  };
  std::optional<FileSizeLimit> Limit(std::in_place, 2 * Chunk);
  std::string Err;
  unsigned Submitted = 0;
  {
    Expected<OutputFile> F = OutputFile::create(Path);
    ASSERT_TRUE(succeeded(F));
    BackgroundWriter W(*F, Chunk);
    for (; Submitted < 100; ++Submitted) {
      Expected<MutableArrayRef<uint8_t>> B = W.buffer();
      if (!B) {
        Err = toString(B.takeError());
        break;
      }
      std::fill(B->begin(), B->end(), 1);
      W.submit(F->offset(), Chunk);
      F->skip(Chunk);
    }
    EXPECT_TRUE(succeeded(W.finish())); // said once, by buffer()
  }
  Limit.reset();
  EXPECT_THAT(Err, testing::HasSubstr("cannot write"));
  EXPECT_THAT(Err,
              testing::HasSubstr(
                  formatv("at offset {0}: File too large", 2 * Chunk).str()));
  EXPECT_LT(Submitted, 100u);
  EXPECT_EQ(entries(), 0u);
}

TEST_F(BackgroundWriterTest, FinishWithoutWritesIsSuccess) {
  Expected<OutputFile> F = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(F));
  BackgroundWriter W(*F, Chunk);
  EXPECT_TRUE(succeeded(W.finish()));
}
