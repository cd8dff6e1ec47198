//===- KdumpCompressionTest.cpp - The page codecs -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Vmcore/KdumpCompression.h"
#include "qemudump/Vmcore/VmcoreWriter.h"

#include "TestUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

TEST(KdumpCompressionTest, NamesFlagsAndPackages) {
  EXPECT_EQ(compressionName(KdumpCompression::Zstd), "zstd");
  EXPECT_EQ(compressionPackage(KdumpCompression::Lzo), "liblzo2-dev");
  EXPECT_EQ(compressionPackage(KdumpCompression::Snappy), "libsnappy-dev");
  EXPECT_EQ(compressionFlag(KdumpCompression::Zstd), 0x20u);
  EXPECT_GE(defaultKdumpThreads(), 1u);
  EXPECT_LE(defaultKdumpThreads(), 2u);
}

} // namespace
