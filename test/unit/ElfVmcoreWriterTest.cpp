// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Input/MemoryFault.h"
#include "qemudump/Notes/NoteSegment.h"
#include "qemudump/Notes/Notes.h"
#include "qemudump/Notes/VmcoreNotes.h"
#include "qemudump/Vmcore/VmcoreWriter.h"

#include "BufferMemory.h"
#include "TestUtil.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <sys/stat.h>

#include <map>

using namespace llvm;
using namespace llvm::object;
using namespace qemudump;

namespace {

/// Host memory whose byte at address A is (A * 7 + A >> 8) & 0xff, with
/// optional holes.
class PatternMemory : public MemorySource {
public:
  static uint8_t byteAt(uint64_t A) { return uint8_t(A * 7 + (A >> 8)); }
  uint64_t HoleStart = ~0ULL, HoleEnd = ~0ULL;
  size_t LargestRead = 0;

  Error read(uint64_t Addr, MutableArrayRef<uint8_t> Buf) override {
    LargestRead = std::max(LargestRead, Buf.size());
    for (size_t I = 0; I < Buf.size(); ++I) {
      if (Addr + I >= HoleStart && Addr + I < HoleEnd)
        return createStringError(inconvertibleErrorCode(), "hole in memory");
      Buf[I] = byteAt(Addr + I);
    }
    return Error::success();
  }
};

/// The ELF vmcore of \p Map, laid out and written as the dump does.
Expected<VmcoreStats> writeElf(OutputFile &Out, const Arch &A, uint8_t ElfClass,
                               const GuestMemoryMap &Map, VmcoreNotes &Notes,
                               MemorySource &M, ProgressFn Progress) {
  std::vector<std::string> Warnings;
  VmcoreInput In{A, Map, Map, Notes, M, Warnings};
  std::unique_ptr<VmcoreWriter> W = createElfWriter(In, ElfClass);
  if (Error E = W->layOut())
    return std::move(E);
  return W->write(Out, Progress);
}

/// The finalized segment of \p Raw: one note, or the placeholder alone.
NoteSegment segmentOf(ArrayRef<uint8_t> Raw, bool LittleEndian) {
  NoteSegment S(LittleEndian);
  if (Raw != ArrayRef<uint8_t>(placeholderNote(LittleEndian)))
    cantFail(S.addGuestNote(Raw));
  S.finalize();
  return S;
}

class ElfVmcoreWriterTest : public TempDirTest {
protected:
  ElfVmcoreWriterTest() : TempDirTest("out.vmcore") {}

  /// The vmcore of \p A, of A's ELF class unless \p ElfClass says.
  Expected<VmcoreStats> write(const Arch &A, const GuestMemoryMap &Map,
                              ArrayRef<uint8_t> Notes, MemorySource &M,
                              uint8_t ElfClass = 0) {
    Expected<OutputFile> Out = OutputFile::create(Path);
    if (!Out)
      return Out.takeError();
    NoteSegment Segment = segmentOf(Notes, A.isLittleEndian());
    ReadyNotes Ready(Segment);
    Expected<VmcoreStats> S = writeElf(
        *Out, A, ElfClass ? ElfClass : A.ElfClass, Map, Ready, M, nullptr);
    if (!S)
      return S.takeError();
    if (Error E = Out->commit())
      return std::move(E);
    return S;
  }
};

template <class ELFT>
void checkLayout(StringRef Path, const Arch &A, const GuestMemoryMap &Map,
                 ArrayRef<uint8_t> Notes) {
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  Expected<ELFFile<ELFT>> F = ELFFile<ELFT>::create((*Buf)->getBuffer());
  ASSERT_TRUE(succeeded(F));
  const typename ELFT::Ehdr &E = F->getHeader();
  EXPECT_EQ(E.e_type, ELF::ET_CORE);
  EXPECT_EQ(E.e_machine, A.Machine);
  EXPECT_EQ(E.e_ident[ELF::EI_CLASS],
            ELFT::Is64Bits ? ELF::ELFCLASS64 : ELF::ELFCLASS32);
  EXPECT_EQ(E.e_ident[ELF::EI_DATA], A.ElfData);
  // makedumpfile reads program headers right after the ELF header.
  EXPECT_EQ(uint64_t(E.e_phoff), sizeof(typename ELFT::Ehdr));
  // The program headers as makedumpfile and crash find them, with the real
  // count in section 0's sh_info under PN_XNUM (LLVM 19's ELFFile does not
  // follow PN_XNUM).
  uint64_t PhNum = E.e_phnum;
  if (PhNum == 0xffff) {
    auto Sections = F->sections();
    ASSERT_TRUE(succeeded(Sections));
    PhNum = (*Sections)[0].sh_info;
  }
  ASSERT_EQ(PhNum, 1 + Map.blocks().size());
  ASSERT_LE(E.e_phoff + PhNum * sizeof(typename ELFT::Phdr),
            (*Buf)->getBufferSize());
  ArrayRef<typename ELFT::Phdr> Phdrs(
      reinterpret_cast<const typename ELFT::Phdr *>((*Buf)->getBufferStart() +
                                                    E.e_phoff),
      PhNum);
  const auto &Note = Phdrs[0];
  EXPECT_EQ(Note.p_type, ELF::PT_NOTE);
  EXPECT_EQ(uint64_t(Note.p_filesz), Notes.size());
  ArrayRef<uint8_t> Data = arrayRefFromStringRef((*Buf)->getBuffer());
  EXPECT_EQ(Data.slice(Note.p_offset, Note.p_filesz), Notes);
  for (size_t I = 0; I < Map.blocks().size(); ++I) {
    const MemoryBlock &B = Map.blocks()[I];
    const auto &P = Phdrs[I + 1];
    EXPECT_EQ(P.p_type, ELF::PT_LOAD);
    EXPECT_EQ(uint64_t(P.p_paddr), B.GuestStart);
    EXPECT_EQ(uint64_t(P.p_vaddr), B.GuestStart);
    EXPECT_EQ(uint64_t(P.p_filesz), B.size());
    EXPECT_EQ(uint64_t(P.p_memsz), B.size());
    EXPECT_EQ(uint64_t(P.p_align), 0u);
    EXPECT_EQ(uint32_t(P.p_flags), 0u);
    ASSERT_LE(uint64_t(P.p_offset) + B.size(), Data.size());
    for (uint64_t J = 0; J < B.size(); J += 997)
      ASSERT_EQ(Data[P.p_offset + J], PatternMemory::byteAt(B.HostAddr + J))
          << "block " << I << " offset " << J;
    EXPECT_EQ(Data[P.p_offset + B.size() - 1],
              PatternMemory::byteAt(B.HostAddr + B.size() - 1));
  }
}

TEST_F(ElfVmcoreWriterTest, EveryArchRoundTripsThroughELFFile) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0, 0xa0000, 0x10000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0xc0000, 0x740000, 0x20000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0x10000000, 0x5000, 0x30000000)));
  for (const Arch *Row : allArches()) {
    const Arch &A = *Row;
    SCOPED_TRACE(A.Name.str());
    std::vector<uint8_t> Notes;
    appendNote(Notes, A.isLittleEndian(), "VMCOREINFO", 0,
               arrayRefFromStringRef("PAGESIZE=4096\n"));
    PatternMemory M;
    Expected<VmcoreStats> S = write(A, Map, Notes, M);
    ASSERT_TRUE(succeeded(S));
    EXPECT_EQ(S->MemoryBytes, Map.totalBytes());
    EXPECT_LE(M.LargestRead, CopyChunkSize);
    EXPECT_GE(M.LargestRead, size_t(1) << 20); // large chunks, not pages
    if (A.is64Bit() && A.isLittleEndian())
      checkLayout<ELF64LE>(Path, A, Map, Notes);
    else if (A.is64Bit())
      checkLayout<ELF64BE>(Path, A, Map, Notes);
    else if (A.isLittleEndian())
      checkLayout<ELF32LE>(Path, A, Map, Notes);
    else
      checkLayout<ELF32BE>(Path, A, Map, Notes);
  }
}

TEST_F(ElfVmcoreWriterTest, PnXnumCarriesTheCountInSectionZero) {
  // 70000 discontiguous blocks: 70001 program headers > 0xffff.
  GuestMemoryMap Map;
  for (uint64_t I = 0; I < 70000; ++I)
    ASSERT_TRUE(succeeded(Map.addRange(I * 0x2000, 0x10, 0x100000 + I * 0x20)));
  const Arch &A = cantFail(parseArch("X86_64"));
  std::vector<uint8_t> Notes = placeholderNote(true);
  PatternMemory M;
  ASSERT_TRUE(succeeded(write(A, Map, Notes, M)));
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  auto F = ELFFile<ELF64LE>::create((*Buf)->getBuffer());
  ASSERT_TRUE(succeeded(F));
  EXPECT_EQ(F->getHeader().e_phnum, 0xffff);
  EXPECT_EQ(F->getHeader().e_phoff, sizeof(ELF64LE::Ehdr));
  EXPECT_EQ(F->getHeader().e_shnum, 1);
  auto Sections = F->sections();
  ASSERT_TRUE(succeeded(Sections));
  EXPECT_EQ((*Sections)[0].sh_info, 70001u);
  checkLayout<ELF64LE>(Path, A, Map, Notes);
}

TEST_F(ElfVmcoreWriterTest, Elf32CannotDescribeMemoryAbove4GiB) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0x100000000, 0x1000, 0x1000)));
  PatternMemory M;
  EXPECT_THAT(
      errorOf(write(cantFail(parseArch("386")), Map, placeholderNote(true), M)),
      testing::HasSubstr("32-bit ELF"));
  EXPECT_FALSE(sys::fs::exists(Path));
}

TEST_F(ElfVmcoreWriterTest, A32BitGuestInAnElf64File) {
  // As QEMU: a 386 guest with RAM above 4 GiB is written as ELF64, EM_386;
  // the guest's Arch itself stays 32-bit.
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0, 0x1000, 0x1000)));
  ASSERT_TRUE(succeeded(Map.addRange(0x100000000, 0x1000, 0x3000)));
  const Arch &I386 = cantFail(parseArch("386"));
  PatternMemory M;
  ASSERT_TRUE(
      succeeded(write(I386, Map, placeholderNote(true), M, ELF::ELFCLASS64)));
  EXPECT_FALSE(I386.is64Bit());
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  auto F = ELFFile<ELF64LE>::create((*Buf)->getBuffer());
  ASSERT_TRUE(succeeded(F));
  EXPECT_EQ(F->getHeader().e_ident[ELF::EI_CLASS], ELF::ELFCLASS64);
  EXPECT_EQ(F->getHeader().e_machine, ELF::EM_386);
  checkLayout<ELF64LE>(Path, I386, Map, placeholderNote(true));
}

TEST_F(ElfVmcoreWriterTest, UnreadableMemoryIsAFaultWithItsGuestRange) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0x100000, 0x800000, 0x40000000)));
  BufferMemory M;
  M.Buffers[0x40000000].assign(0x800000, 1);
  M.FailAt = 0x40600010;
  Expected<VmcoreStats> S =
      write(cantFail(parseArch("x86_64")), Map, placeholderNote(true), M);
  ASSERT_FALSE(bool(S));
  bool Typed = false;
  handleAllErrors(S.takeError(), [&](const MemoryFault &F) {
    Typed = true;
    // The source said where; the writer added the guest-physical chunk.
    EXPECT_EQ(F.hostAddress(), 0x40400000u);
    EXPECT_EQ(F.reason(), "unreadable");
    ASSERT_TRUE(F.guestContext().has_value());
    EXPECT_EQ(F.guestContext()->Start, 0x500000u);
    EXPECT_EQ(F.guestContext()->End, 0x900000u);
    EXPECT_FALSE(F.guestContext()->WholeBlock);
  });
  EXPECT_TRUE(Typed);
}

TEST_F(ElfVmcoreWriterTest, UnreadableMemoryNamesTheGuestRangeAndLeavesNoFile) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0x100000, 0x800000, 0x40000000)));
  PatternMemory M;
  M.HoleStart = 0x40600000;
  M.HoleEnd = 0x40700000;
  Expected<VmcoreStats> S =
      write(cantFail(parseArch("x86_64")), Map, placeholderNote(true), M);
  EXPECT_THAT(
      errorOf(std::move(S)),
      testing::AllOf(testing::HasSubstr("guest-physical [0x500000, 0x900000)"),
                     testing::HasSubstr("hole in memory"),
                     testing::HasSubstr("QEMU address 0x40400000")));
  EXPECT_EQ(entries(), 0u); // no vmcore, no temporary file
}

TEST_F(ElfVmcoreWriterTest, ProgressCanInterrupt) {
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0, 0x1000000, 0x40000000)));
  PatternMemory M;
  Expected<OutputFile> Out = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(Out));
  unsigned Calls = 0;
  const Arch &A = cantFail(parseArch("X86_64"));
  NoteSegment Segment = segmentOf(placeholderNote(true), true);
  ReadyNotes Ready(Segment);
  Expected<VmcoreStats> S = writeElf(*Out, A, A.ElfClass, Map, Ready, M,
                                     [&](uint64_t Done, uint64_t Total) {
                                       EXPECT_EQ(Total, 0x1000000u);
                                       EXPECT_LE(Done, Total);
                                       return ++Calls < 2;
                                     });
  EXPECT_THAT(errorOf(std::move(S)), testing::HasSubstr("interrupted"));
  EXPECT_EQ(Calls, 2u);
}

/// 1 TiB of which only the first page is stored: the rest is known zeros.
class MostlyZeroMemory : public MemorySource {
public:
  static constexpr uint64_t Base = 0x7f0000000000;
  unsigned Extents = 0, Reads = 0;

  Extent extent(uint64_t Addr, uint64_t MaxLen) override {
    ++Extents;
    if (Addr < Base + 4096)
      return {false, std::min<uint64_t>(MaxLen, Base + 4096 - Addr)};
    return {true, MaxLen};
  }
  Error read(uint64_t Addr, MutableArrayRef<uint8_t> Buf) override {
    ++Reads;
    std::fill(Buf.begin(), Buf.end(), uint8_t(Addr >> 4));
    return Error::success();
  }
};

TEST_F(ElfVmcoreWriterTest, KnownZerosAreSkippedInOneGo) {
  GuestMemoryMap Map;
  ASSERT_TRUE(
      succeeded(Map.addRange(0, uint64_t(1) << 40, MostlyZeroMemory::Base)));
  MostlyZeroMemory M;
  Expected<VmcoreStats> S =
      write(cantFail(parseArch("X86_64")), Map, placeholderNote(true), M);
  ASSERT_TRUE(succeeded(S));
  EXPECT_EQ(S->MemoryBytes, uint64_t(1) << 40);
  // One stored page read, one run of zeros: not one query per buffer
  // (262144 of them for 1 TiB).
  EXPECT_EQ(M.Reads, 1u);
  EXPECT_LE(M.Extents, 3u);
  struct stat St;
  ASSERT_EQ(::stat(Path.c_str(), &St), 0);
  EXPECT_EQ(uint64_t(St.st_size), S->FileSize);
  EXPECT_LT(uint64_t(St.st_blocks) * 512, uint64_t(1) << 20);
}

} // namespace
