// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Vmcore/OutputFile.h"

#include "TestUtil.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace llvm;
using namespace qemudump;

namespace {

class OutputFileTest : public TempDirTest {
protected:
  OutputFileTest() : TempDirTest("vmcore") {}
};

/// The named temporary file only (as where O_TMPFILE is refused).
OutputFile::Options named() {
  OutputFile::Options O;
  O.Unnamed = false;
  return O;
}

TEST_F(OutputFileTest, AnUnnamedFileHasNoNameUntilCommitted) {
  Expected<OutputFile> F = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(F));
  // This machine's file systems have O_TMPFILE (ext4, tmpfs, xfs, btrfs).
  EXPECT_TRUE(F->isUnnamed());
  EXPECT_EQ(F->tempPath(), "");
  ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef("vmcore"))));
  EXPECT_EQ(entries(), 0u); // a kill now would leave nothing
  ASSERT_TRUE(succeeded(F->commit()));
  EXPECT_EQ(entries(), 1u);
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  EXPECT_EQ((*Buf)->getBuffer(), "vmcore");
}

/// A file of \p Size bytes of 0x5a in \p Dir, open for reading.
int sourceFile(StringRef Dir, uint64_t Size) {
  SmallString<256> Src(Dir);
  sys::path::append(Src, "source");
  {
    std::error_code EC;
    raw_fd_ostream OS(Src, EC);
    OS << std::string(Size, '\x5a');
  }
  return ::open(Src.c_str(), O_RDONLY | O_CLOEXEC);
}

TEST_F(OutputFileTest, SharingIsWholeBlocksOrNothing) {
  Expected<OutputFile> F = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(F));
  int Src = sourceFile(Dir, 0x10000);
  ASSERT_GE(Src, 0);
  // Off a block boundary (of either file), or less than a block: nothing,
  // and no reason to stop trying.
  ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef("x"))));
  Expected<uint64_t> N = F->appendShared(Src, 0, 0x8000);
  ASSERT_TRUE(succeeded(N));
  EXPECT_EQ(*N, 0u);
  F->skip(0xfff);
  N = F->appendShared(Src, 0x10, 0x8000);
  ASSERT_TRUE(succeeded(N));
  EXPECT_EQ(*N, 0u);
  N = F->appendShared(Src, 0, 0x10);
  ASSERT_TRUE(succeeded(N));
  EXPECT_EQ(*N, 0u);
  EXPECT_TRUE(F->canShare());
  EXPECT_EQ(F->offset(), 0x1000u);
  // Aligned: shared where this file system clones, else nothing and never
  // again; either way the file holds what it should.
  N = F->appendShared(Src, 0x1000, 0x2800);
  ASSERT_TRUE(succeeded(N));
  if (*N == 0) {
    EXPECT_FALSE(F->canShare());
    N = F->appendShared(Src, 0x1000, 0x2000);
    ASSERT_TRUE(succeeded(N));
    EXPECT_EQ(*N, 0u);
    std::string Bytes(0x2000, '\x5a');
    ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef(Bytes))));
  } else {
    EXPECT_EQ(*N, 0x2000u); // whole blocks only
    EXPECT_EQ(F->sharedBytes(), 0x2000u);
  }
  EXPECT_EQ(F->offset(), 0x3000u);
  ::close(Src);
  ASSERT_TRUE(succeeded(F->commit()));
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  EXPECT_EQ((*Buf)->getBuffer(),
            "x" + std::string(0xfff, '\0') + std::string(0x2000, '\x5a'));
}

TEST_F(OutputFileTest, EveryWayReplacesAtomicallyAndLeavesNothingElse) {
  for (bool Unnamed : {true, false}) {
    SCOPED_TRACE(Unnamed);
    for (const char *Before : {"", "old", "symlink"}) {
      SCOPED_TRACE(Before);
      sys::fs::remove(Path);
      if (StringRef(Before) == "old") {
        std::error_code EC;
        raw_fd_ostream Old(Path, EC);
        Old << "old contents";
      } else if (StringRef(Before) == "symlink") {
        ASSERT_FALSE(sys::fs::create_link("/etc/hostname", Path));
      }
      OutputFile::Options O;
      O.Unnamed = Unnamed;
      O.Sync = Unnamed; // both, either way
      Expected<OutputFile> F = OutputFile::create(Path, O);
      ASSERT_TRUE(succeeded(F));
      EXPECT_EQ(F->isUnnamed(), Unnamed);
      ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef("new"))));
      ASSERT_TRUE(succeeded(F->commit()));
      EXPECT_EQ(entries(), 1u);
      EXPECT_FALSE(sys::fs::is_symlink_file(Path));
      auto Buf = MemoryBuffer::getFile(Path);
      ASSERT_TRUE(bool(Buf));
      EXPECT_EQ((*Buf)->getBuffer(), "new");
    }
  }
}

TEST_F(OutputFileTest, AFileSizeLimitIsAnErrorNotASignal) {
  // Without SIGXFSZ blocked around the writes, the default action of the
  // signal the kernel raises would end this test program.
  struct rlimit Old;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &Old), 0);
  struct rlimit Small = Old;
  Small.rlim_cur = 8192;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &Small), 0);
  std::string Err;
  {
    Expected<OutputFile> F = OutputFile::create(Path);
    if (F) {
      std::vector<uint8_t> Data(16384, 1);
      Err = errorOf(F->write(Data));
    }
  }
  // A hole past the limit: ftruncate raises it too.
  std::string TruncErr;
  {
    Expected<OutputFile> F = OutputFile::create(Path, named());
    if (F) {
      F->skip(1 << 20);
      TruncErr = errorOf(F->commit());
    }
  }
  ::setrlimit(RLIMIT_FSIZE, &Old);
  EXPECT_THAT(Err, testing::HasSubstr("File too large; the file-size limit"));
  EXPECT_THAT(TruncErr, testing::HasSubstr("cannot set the size of"));
  EXPECT_THAT(TruncErr, testing::HasSubstr("File too large"));
  EXPECT_EQ(entries(), 0u);
  sigset_t Pending;
  sigpending(&Pending);
  EXPECT_FALSE(sigismember(&Pending, SIGXFSZ));
}

TEST_F(OutputFileTest, CommitCreatesAPrivateFile) {
  mode_t Old = ::umask(0);
  Expected<OutputFile> F = OutputFile::create(Path, named());
  ::umask(Old);
  ASSERT_TRUE(succeeded(F));
  EXPECT_TRUE(F->tempPath().starts_with(Path));
  EXPECT_FALSE(sys::fs::exists(Path)); // nothing at the final path yet
  ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef("vmcore"))));
  F->skip(10);
  EXPECT_EQ(F->offset(), 16u);
  ASSERT_TRUE(succeeded(F->commit()));
  struct stat St;
  ASSERT_EQ(::stat(Path.c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 0777, 0600u);
  EXPECT_EQ(St.st_size, 16);
  EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFileTest, ZeroBlocksBecomeHoles) {
  Expected<OutputFile> F = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(F));
  // 64 MiB: data, 16 MiB of zeros, data, and 16 MiB of zeros at the end.
  std::vector<uint8_t> Data(48 << 20, 0);
  std::fill(Data.begin(), Data.begin() + 4096, 0x5a);
  Data[(16 << 20) + 12345] = 1; // one byte in an otherwise zero block
  std::fill(Data.begin() + (32 << 20), Data.end() - 4096, 0xa5);
  ASSERT_TRUE(succeeded(F->writeSparse(Data)));
  F->skip(16 << 20);
  ASSERT_TRUE(succeeded(F->commit()));
  struct stat St;
  ASSERT_EQ(::stat(Path.c_str(), &St), 0);
  EXPECT_EQ(uint64_t(St.st_size), uint64_t(64) << 20);
  // Written: 4 KiB + 4 KiB + 16 MiB - 4 KiB of data; 512-byte units.
  EXPECT_LT(uint64_t(St.st_blocks) * 512, uint64_t(17) << 20);
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  StringRef Back = (*Buf)->getBuffer();
  EXPECT_TRUE(
      Back.take_front(Data.size()) ==
      StringRef(reinterpret_cast<const char *>(Data.data()), Data.size()));
  EXPECT_EQ(Back.drop_front(Data.size()).find_first_not_of('\0'),
            StringRef::npos);
}

TEST_F(OutputFileTest, WriteAtFillsInWithoutMovingBack) {
  Expected<OutputFile> F = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(F));
  ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef("head"))));
  F->skip(4);
  ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef("tail"))));
  // Inside what is written: the position stays at the end.
  ASSERT_TRUE(succeeded(F->writeAt(4, arrayRefFromStringRef("body"))));
  EXPECT_EQ(F->offset(), 12u);
  // Past the end: the position moves to the end of what it wrote.
  ASSERT_TRUE(succeeded(F->writeAt(14, arrayRefFromStringRef("!"))));
  EXPECT_EQ(F->offset(), 15u);
  ASSERT_TRUE(succeeded(F->commit()));
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  EXPECT_EQ((*Buf)->getBuffer(), StringRef("headbodytail\0\0!", 15));
}

TEST_F(OutputFileTest, DiscardKeepsTheOldFileAndLeavesNothing) {
  {
    std::error_code EC;
    raw_fd_ostream Old(Path, EC);
    Old << "old contents";
  }
  {
    Expected<OutputFile> F = OutputFile::create(Path);
    ASSERT_TRUE(succeeded(F));
    ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef("new"))));
    // Destroyed without commit(): a failed dump.
  }
  EXPECT_EQ(entries(), 1u);
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  EXPECT_EQ((*Buf)->getBuffer(), "old contents");
}

TEST_F(OutputFileTest, CommitReplacesWithoutInheritingPermissions) {
  {
    std::error_code EC;
    raw_fd_ostream Old(Path, EC);
    Old << "old";
  }
  ::chmod(Path.c_str(), 0644);
  Expected<OutputFile> F = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(F));
  ASSERT_TRUE(succeeded(F->commit()));
  struct stat St;
  ASSERT_EQ(::stat(Path.c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 0777, 0600u);
  EXPECT_EQ(St.st_size, 0);
}

TEST_F(OutputFileTest, BadPathsNameTheCause) {
  EXPECT_THAT(errorOf(OutputFile::create(Dir)),
              testing::HasSubstr("is a directory"));
  SmallString<128> Missing(Dir);
  Missing += "/no/such/dir/vmcore";
  EXPECT_THAT(errorOf(OutputFile::create(Missing)),
              testing::HasSubstr("does not exist"));
  EXPECT_EQ(entries(), 0u);
}

} // namespace
