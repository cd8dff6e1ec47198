// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Input/CoreFileMemory.h"
#include "qemudump/Input/MemoryFault.h"

#include "TestUtil.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace llvm;
using namespace qemudump;

namespace {

using Ehdr = object::ELF64LE::Ehdr;
using Phdr = object::ELF64LE::Phdr;

/// A core with three PT_LOADs: 0x10000 fully present (bytes 0x11), 0x20000
/// with only its first page in the file (filesz < memsz), 0x30000 listed in
/// NT_FILE with no bytes in the file; optionally cut short.
class CoreFileMemoryTest : public TempDirTest {
protected:
  CoreFileMemoryTest() : TempDirTest("core") {}

  /// Makes [Offset, Offset + Length) of the core a hole, where the file
  /// system can.
  bool punchHole(off_t Offset, off_t Length) {
    int FD = ::open(Path.c_str(), O_RDWR);
    if (FD < 0)
      return false;
    int Punched = ::fallocate(FD, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                              Offset, Length);
    ::close(FD);
    return Punched == 0;
  }

  void writeCore(uint64_t CutAt = ~0ULL) {
    std::vector<uint8_t> F(0x4000, 0);
    Ehdr E;
    std::memset(&E, 0, sizeof(E));
    std::memcpy(E.e_ident, ELF::ElfMagic, 4);
    E.e_ident[ELF::EI_CLASS] = ELF::ELFCLASS64;
    E.e_ident[ELF::EI_DATA] = ELF::ELFDATA2LSB;
    E.e_type = ELF::ET_CORE;
    E.e_machine = ELF::EM_X86_64;
    E.e_phoff = sizeof(Ehdr);
    E.e_phentsize = sizeof(Phdr);
    E.e_phnum = 4;
    std::memcpy(F.data(), &E, sizeof(E));
    Phdr P[4];
    std::memset(P, 0, sizeof(P));
    // NT_FILE: one mapping [0x30000, 0x32000).
    uint64_t NoteOff = 0x200;
    uint32_t NHdr[3] = {5, 5 * 8, ELF::NT_FILE};
    uint64_t Desc[5] = {1, 0x1000, 0x30000, 0x32000, 0};
    std::memcpy(&F[NoteOff], NHdr, 12);
    std::memcpy(&F[NoteOff + 12], "CORE\0\0\0", 8);
    std::memcpy(&F[NoteOff + 20], Desc, sizeof(Desc));
    P[0].p_type = ELF::PT_NOTE;
    P[0].p_offset = NoteOff;
    P[0].p_filesz = 20 + sizeof(Desc);
    P[1].p_type = ELF::PT_LOAD;
    P[1].p_vaddr = 0x10000;
    P[1].p_offset = 0x1000;
    P[1].p_filesz = 0x2000;
    P[1].p_memsz = 0x2000;
    P[2].p_type = ELF::PT_LOAD;
    P[2].p_vaddr = 0x20000;
    P[2].p_offset = 0x3000;
    P[2].p_filesz = 0x1000;
    P[2].p_memsz = 0x3000;
    P[3].p_type = ELF::PT_LOAD;
    P[3].p_vaddr = 0x30000;
    P[3].p_offset = 0x4000;
    P[3].p_filesz = 0;
    P[3].p_memsz = 0x2000;
    std::memcpy(&F[sizeof(Ehdr)], P, sizeof(P));
    std::memset(&F[0x1000], 0x11, 0x2000);
    std::memset(&F[0x3000], 0x22, 0x1000);
    F.resize(std::min<uint64_t>(F.size(), CutAt));
    std::error_code EC;
    raw_fd_ostream OS(Path, EC);
    ASSERT_FALSE(EC);
    OS.write(reinterpret_cast<const char *>(F.data()), F.size());
  }
};

TEST_F(CoreFileMemoryTest, ReadsSegmentsAndZeroFillsUnwrittenPages) {
  writeCore();
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  EXPECT_EQ((*M)->segments().size(), 3u);
  std::vector<uint8_t> Buf(0x3000, 0xff);
  ASSERT_TRUE(succeeded((*M)->read(0x20000, Buf)));
  EXPECT_EQ(Buf[0], 0x22);
  EXPECT_EQ(Buf[0xfff], 0x22);
  EXPECT_EQ(Buf[0x1000], 0); // beyond p_filesz: never written
  EXPECT_EQ(Buf[0x2fff], 0);
  std::vector<uint8_t> Small(0x10);
  ASSERT_TRUE(succeeded((*M)->read(0x11ff0, Small)));
  EXPECT_EQ(Small[0], 0x11);
}

TEST_F(CoreFileMemoryTest, ExtentsKnowWhatIsZeroWithoutReading) {
  writeCore();
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  // In the file: to be read, up to the end of the segment's file bytes.
  auto E = (*M)->extent(0x20000, 0x3000);
  EXPECT_FALSE(E.Zero);
  EXPECT_EQ(E.Length, 0x1000u);
  // Past p_filesz of an anonymous mapping: zeros.
  E = (*M)->extent(0x21000, 0x10000);
  EXPECT_TRUE(E.Zero);
  EXPECT_EQ(E.Length, 0x2000u);
  // Past p_filesz of a file-backed mapping: not zeros (read() refuses).
  E = (*M)->extent(0x30000, 0x2000);
  EXPECT_FALSE(E.Zero);

  // A hole in the core file (a page the kernel never populated) is zero.
  if (!punchHole(0x1000, 0x1000))
    GTEST_SKIP() << "this file system cannot punch holes";
  auto M2 = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M2));
  E = (*M2)->extent(0x10000, 0x2000);
  EXPECT_TRUE(E.Zero);
  EXPECT_EQ(E.Length, 0x1000u);
  E = (*M2)->extent(0x11000, 0x1000);
  EXPECT_FALSE(E.Zero);
}

TEST_F(CoreFileMemoryTest, FileRunsAreTheStoredBytesOnly) {
  writeCore();
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  // A stored run: the core's offset, bounded by the segment's file bytes.
  std::optional<MemorySource::FileRun> R = (*M)->fileRun(0x10800, 0x10000);
  ASSERT_TRUE(R.has_value());
  EXPECT_EQ(R->Offset, 0x1800u);
  EXPECT_EQ(R->Length, 0x1800u);
  R = (*M)->fileRun(0x20000, 0x3000);
  ASSERT_TRUE(R.has_value());
  EXPECT_EQ(R->Length, 0x1000u);
  // What read() makes of no file bytes is never a run: zeros past p_filesz,
  // a file-backed mapping left out, no segment at all.
  EXPECT_FALSE((*M)->fileRun(0x21000, 0x1000).has_value());
  EXPECT_FALSE((*M)->fileRun(0x30000, 0x1000).has_value());
  EXPECT_FALSE((*M)->fileRun(0x40000, 0x1000).has_value());
  // The file's bytes are what read() gives.
  std::vector<uint8_t> Via(0x100), Direct(0x100);
  ASSERT_EQ(::pread(R->FD, Via.data(), Via.size(), R->Offset), 0x100);
  ASSERT_TRUE(succeeded((*M)->read(0x20000, Direct)));
  EXPECT_EQ(Via, Direct);
}

TEST_F(CoreFileMemoryTest, ATruncatedCoreHasNoRunPastItsEnd) {
  writeCore(0x3800); // the second segment's page cut in half
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  std::optional<MemorySource::FileRun> R = (*M)->fileRun(0x20000, 0x1000);
  ASSERT_TRUE(R.has_value());
  EXPECT_EQ(R->Length, 0x800u);
  EXPECT_FALSE((*M)->fileRun(0x20800, 0x800).has_value());
}

TEST_F(CoreFileMemoryTest, AHoleEndsARun) {
  writeCore();
  if (!punchHole(0x2000, 0x1000))
    GTEST_SKIP() << "this file system cannot punch holes";
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  std::optional<MemorySource::FileRun> R = (*M)->fileRun(0x10000, 0x2000);
  ASSERT_TRUE(R.has_value());
  EXPECT_EQ(R->Length, 0x1000u);
  EXPECT_FALSE((*M)->fileRun(0x11000, 0x1000).has_value()); // zeros
}

TEST_F(CoreFileMemoryTest, AddressesOutsideEverySegmentAreErrors) {
  writeCore();
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  std::vector<uint8_t> Buf(0x10);
  EXPECT_THAT(errorOf((*M)->read(0x50000, Buf)),
              testing::HasSubstr("holds no mapping at 0x50000"));
  // Running off the end of a segment into a gap is an error too.
  std::vector<uint8_t> Across(0x2000);
  EXPECT_THAT(errorOf((*M)->read(0x11000, Across)),
              testing::HasSubstr("holds no mapping at 0x12000"));
}

TEST_F(CoreFileMemoryTest, FileBackedPagesLeftOutAreNotZeros) {
  writeCore();
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  std::vector<uint8_t> Buf(0x10);
  EXPECT_THAT(errorOf((*M)->read(0x30000, Buf)),
              testing::HasSubstr("file-backed mapping that the kernel's "
                                 "coredump filter left out"));
}

TEST_F(CoreFileMemoryTest, AvailabilitySaysWhatTheCoreLacksAndWhy) {
  writeCore(/*CutAt=*/0x2800);
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  EXPECT_TRUE((*M)->knowsAvailability());
  EXPECT_EQ((*M)->truncatedSize(), std::optional<uint64_t>(0x2800));
  // Held up to the cut, then lacking: where the bytes would be.
  MemorySource::Availability A = (*M)->availability(0x10000, 0x2000);
  EXPECT_TRUE(A.Held);
  EXPECT_EQ(A.Length, 0x1800u);
  A = (*M)->availability(0x11800, 0x800);
  EXPECT_FALSE(A.Held);
  EXPECT_EQ(A.Why, MemoryFault::Truncated);
  EXPECT_EQ(A.FileOffset, 0x2800u);
  EXPECT_EQ(A.Length, 0x800u);
  // Pages past p_filesz of an anonymous mapping are zeros: held.
  A = (*M)->availability(0x21000, 0x2000);
  EXPECT_TRUE(A.Held);
  EXPECT_EQ(A.Length, 0x2000u);
  // A file-backed mapping without bytes; an address in no segment, up to
  // the next one.
  A = (*M)->availability(0x30000, 0x2000);
  EXPECT_FALSE(A.Held);
  EXPECT_EQ(A.Why, MemoryFault::FileBacked);
  A = (*M)->availability(0x12000, 0x20000);
  EXPECT_FALSE(A.Held);
  EXPECT_EQ(A.Why, MemoryFault::NotMapped);
  EXPECT_EQ(A.Length, 0xe000u);
}

TEST_F(CoreFileMemoryTest, AWholeCoreIsNotTruncated) {
  writeCore();
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  EXPECT_FALSE((*M)->truncatedSize().has_value());
}

TEST_F(CoreFileMemoryTest, TruncatedCoreIsNamed) {
  writeCore(/*CutAt=*/0x2800);
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  std::vector<uint8_t> Buf(0x2000);
  EXPECT_THAT(errorOf((*M)->read(0x10000, Buf)),
              testing::AllOf(testing::HasSubstr("is truncated"),
                             testing::HasSubstr("QEMU's memory at 0x11800")));
}

TEST_F(CoreFileMemoryTest, SegmentsPastTheEndOfTheAddressSpaceAreCorrupt) {
  // Found by the corefile fuzzer: p_offset + offset wrapped around, and the
  // bytes were read from the wrong file offset.
  writeCore();
  int FD = ::open(Path.c_str(), O_RDWR);
  ASSERT_GE(FD, 0);
  uint64_t Offset = ~uint64_t(0) - 0xfff; // p_offset of the first PT_LOAD
  ASSERT_EQ(::pwrite(FD, &Offset, 8, sizeof(Ehdr) + sizeof(Phdr) + 8), 8);
  ::close(FD);
  EXPECT_THAT(errorOf(CoreFileMemory::open(Path)),
              testing::HasSubstr("runs past the end of the 64-bit space; the "
                                 "core is corrupt"));
}

TEST_F(CoreFileMemoryTest, ACoreWithoutProgramHeadersHoldsNothing) {
  // Found by the corefile fuzzer while the parser was split up: e_phnum 0
  // copied zero headers through a null pointer.
  writeCore();
  int FD = ::open(Path.c_str(), O_RDWR);
  ASSERT_GE(FD, 0);
  uint16_t PhNum = 0;
  ASSERT_EQ(::pwrite(FD, &PhNum, 2, offsetof(Ehdr, e_phnum)), 2);
  ::close(FD);
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  EXPECT_TRUE((*M)->segments().empty());
  EXPECT_TRUE((*M)->mappedFiles().empty());
  uint8_t Byte;
  EXPECT_THAT(errorOf((*M)->read(0x10000, {&Byte, 1})),
              testing::HasSubstr("holds no mapping at 0x10000"));
}

TEST_F(CoreFileMemoryTest, FaultsCarryTheAddressAndTruncationIsKnownDamage) {
  writeCore(/*CutAt=*/0x2800);
  auto M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  std::vector<uint8_t> Buf(0x100);
  bool Typed = false;
  handleAllErrors((*M)->read(0x11900, Buf), [&](const MemoryFault &F) {
    Typed = true;
    EXPECT_EQ(F.hostAddress(), 0x11900u);
    EXPECT_EQ(F.length(), 0x100u);
    EXPECT_FALSE(F.guestContext().has_value());
  });
  EXPECT_TRUE(Typed);
  std::optional<std::string> Damage = (*M)->knownDamage();
  ASSERT_TRUE(Damage.has_value());
  EXPECT_THAT(*Damage, testing::EndsWith("is truncated: 10240 of the 16384 "
                                         "bytes its program headers "
                                         "describe"));
  writeCore();
  M = CoreFileMemory::open(Path);
  ASSERT_TRUE(succeeded(M));
  EXPECT_FALSE((*M)->knownDamage().has_value());
}

TEST_F(CoreFileMemoryTest, NotACore) {
  {
    std::error_code EC;
    raw_fd_ostream OS(Path, EC);
    OS << "hello";
  }
  EXPECT_THAT(errorOf(CoreFileMemory::open(Path)),
              testing::HasSubstr("not an ELF file"));
}

} // namespace
