#include "qemudump/OutputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "TestUtil.h"

#include "gtest/gtest.h"

#include <sys/stat.h>

using namespace llvm;
using namespace qemudump;

namespace {

class OutputFileTest : public testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("qemudump-unit", Dir));
    Path = Dir;
    Path += "/vmcore";
  }
  void TearDown() override { sys::fs::remove_directories(Dir); }
  unsigned entries() {
    unsigned N = 0;
    std::error_code EC;
    for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
         It.increment(EC))
      ++N;
    return N;
  }
  SmallString<128> Dir, Path;
};

TEST_F(OutputFileTest, CommitCreatesAPrivateFile) {
  mode_t Old = ::umask(0);
  Expected<OutputFile> F = OutputFile::create(Path);
  ::umask(Old);
  ASSERT_TRUE(succeeded(F));
  EXPECT_TRUE(F->tempPath().starts_with(Path));
  EXPECT_FALSE(sys::fs::exists(Path)); // nothing at the final path yet
  ASSERT_TRUE(succeeded(F->write(arrayRefFromStringRef("vmcore"))));
  ASSERT_TRUE(succeeded(F->writeZeros(10)));
  EXPECT_EQ(F->offset(), 16u);
  ASSERT_TRUE(succeeded(F->commit()));
  struct stat St;
  ASSERT_EQ(::stat(Path.c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 0777, 0600u);
  EXPECT_EQ(St.st_size, 16);
  EXPECT_EQ(entries(), 1u);
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
  EXPECT_THAT(errorOf(OutputFile::create(Dir)), testing::HasSubstr("is a directory"));
  SmallString<128> Missing(Dir);
  Missing += "/no/such/dir/vmcore";
  EXPECT_THAT(errorOf(OutputFile::create(Missing)), testing::HasSubstr("does not exist"));
  EXPECT_EQ(entries(), 0u);
}

} // namespace
