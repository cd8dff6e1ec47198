//===- MappedFileRangeTest.cpp - A file's bytes looked at in place --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Input/MappedFileRange.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

#include <csignal>
#include <fcntl.h>
#include <numeric>
#include <unistd.h>
#include <vector>

using namespace llvm;
using namespace qemudump;

namespace {

class MappedFileRangeTest : public TempDirTest {
protected:
  MappedFileRangeTest() : TempDirTest("file") {}
  void SetUp() override {
    TempDirTest::SetUp();
    Page = ::sysconf(_SC_PAGESIZE);
    Bytes.resize(3 * Page);
    std::iota(Bytes.begin(), Bytes.end(), 0);
    FD = ::open(Path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(FD, 0);
    ASSERT_EQ(::write(FD, Bytes.data(), Bytes.size()), ssize_t(Bytes.size()));
  }
  void TearDown() override {
    ::close(FD);
    TempDirTest::TearDown();
  }

  uint64_t Page = 0;
  std::vector<uint8_t> Bytes;
  int FD = -1;
};

/// A SIGBUS handler of the test's own, standing in for LLDB's: reached, it
/// ends the test program (a fault the look did not catch).
void hostHandler(int) { _exit(99); }

} // namespace

TEST_F(MappedFileRangeTest, LooksAtTheBytesInPlace) {
  // From an offset inside a page, to the end of the file.
  uint64_t Offset = Page + 100;
  std::vector<uint8_t> Seen;
  EXPECT_TRUE(lookAtMapped(FD, Offset, Bytes.size() - Offset,
                           [&](ArrayRef<uint8_t> D) { Seen = D.vec(); }));
  EXPECT_EQ(Seen, std::vector<uint8_t>(Bytes.begin() + Offset, Bytes.end()));
}

TEST_F(MappedFileRangeTest, AFaultEndsTheLookNotTheProcess) {
  // The host's handler before, during (a fault is the look's) and after.
  struct sigaction Host = {}, Old = {}, After = {};
  Host.sa_handler = hostHandler;
  sigemptyset(&Host.sa_mask);
  ASSERT_EQ(::sigaction(SIGBUS, &Host, &Old), 0);

  // Pages past the end of the file raise SIGBUS when touched.
  uint64_t Touched = 0;
  EXPECT_FALSE(lookAtMapped(FD, 0, 5 * Page, [&](ArrayRef<uint8_t> D) {
    for (uint64_t Off = 0; Off < D.size(); Off += Page)
      Touched += D[Off] == uint8_t(Off);
  }));
  EXPECT_EQ(Touched, 3u); // the pages the file has, then the fault

  // The file cut short while it was mapped: the same.
  ASSERT_EQ(::ftruncate(FD, Page), 0);
  EXPECT_FALSE(lookAtMapped(FD, 0, 3 * Page, [&](ArrayRef<uint8_t> D) {
    for (uint64_t Off = 0; Off < D.size(); Off += Page)
      Touched += D[Off];
  }));

  ASSERT_EQ(::sigaction(SIGBUS, &Old, &After), 0);
  EXPECT_EQ(After.sa_handler, &hostHandler);
  // And a look after the faults works.
  EXPECT_TRUE(lookAtMapped(FD, 0, Page, [](ArrayRef<uint8_t>) {}));
}

TEST_F(MappedFileRangeTest, NothingToMapIsNoLook) {
  EXPECT_TRUE(lookAtMapped(FD, 0, 0, [](ArrayRef<uint8_t>) { FAIL(); }));
  EXPECT_FALSE(lookAtMapped(-1, 0, Page, [](ArrayRef<uint8_t>) { FAIL(); }));
}
