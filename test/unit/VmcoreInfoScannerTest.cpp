//===- VmcoreInfoScannerTest.cpp - VMCOREINFO found in guest RAM ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/VmcoreInfoScanner.h"

#include "qemudump/Notes/Notes.h"
#include "qemudump/Notes/VmcoreNotes.h"
#include "qemudump/Vmcore/VmcoreWriter.h"

#include "BufferMemory.h"
#include "TestUtil.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <cstring>
#include <unistd.h>

using namespace llvm;
using namespace qemudump;

namespace {

const Arch &x86_64() { return cantFail(parseArch("X86_64")); }

constexpr uint64_t Host = 0x10000000; ///< QEMU's address of guest RAM.
constexpr uint64_t RamSize = 64 << 20;
/// Where the kernel image's init_uts_ns sits: 0xffffffff82e1b000 -
/// __START_KERNEL_map + phys_base (-0x1000000).
constexpr uint64_t UtsPhys = 0x1e1b000;

std::string vmcoreInfo(StringRef Release, unsigned PageSize = 4096) {
  return formatv("OSRELEASE={0}\nPAGESIZE={1}\n"
                 "SYMBOL(init_uts_ns)=ffffffff82e1b000\n"
                 "OFFSET(uts_namespace.name)=0\nNUMBER(phys_base)=-16777216\n",
                 Release, PageSize)
      .str();
}

/// A Linux guest of 64 MiB whose init_uts_ns says 6.1.0-56-amd64.
class Guest {
public:
  Guest() {
    Ram().assign(RamSize, 0);
    cantFail(Map.addRange(0, RamSize, Host));
    const char *Fields[] = {"Linux",  "guest",  "6.1.0-56-amd64",
                            "#1 SMP", "x86_64", "(none)"};
    for (size_t I = 0; I < 6; ++I)
      std::strcpy(reinterpret_cast<char *>(&Ram()[UtsPhys + I * 65]),
                  Fields[I]);
  }
  std::vector<uint8_t> &Ram() { return M.Buffers[Host]; }
  /// Puts a VMCOREINFO note with \p Text at guest-physical \p At.
  std::vector<uint8_t> plant(uint64_t At, StringRef Text) {
    std::vector<uint8_t> Note;
    appendNote(Note, true, "VMCOREINFO", 0, arrayRefFromStringRef(Text));
    std::copy(Note.begin(), Note.end(), Ram().begin() + At);
    return Note;
  }
  /// Reads all of guest RAM through \p S in 4 MiB chunks, as a writer does.
  void copy(VmcoreInfoScanner &S) {
    std::vector<uint8_t> Buf(4 << 20);
    for (uint64_t Pos = 0; Pos < RamSize; Pos += Buf.size())
      cantFail(S.read(Host + Pos, Buf));
  }

  BufferMemory M;
  GuestMemoryMap Map;
};

TEST(VmcoreInfoScannerTest, FindsTheNoteThatProvesItself) {
  Guest G;
  std::vector<uint8_t> Note = G.plant(0x3f5d000, vmcoreInfo("6.1.0-56-amd64"));
  VmcoreInfoScanner S(G.M, x86_64());
  G.copy(S);
  ASSERT_EQ(S.candidates().size(), 1u);
  EXPECT_EQ(S.candidates()[0], Host + 0x3f5d000);
  std::vector<std::string> Warnings;
  std::optional<VmcoreInfoScanner::Found> F = S.find(G.Map, Warnings);
  ASSERT_TRUE(F.has_value()) << (Warnings.empty() ? "" : Warnings[0]);
  EXPECT_TRUE(Warnings.empty());
  EXPECT_TRUE(F->Info.note() == ArrayRef<uint8_t>(Note));
  EXPECT_EQ(F->GuestAddr, 0x3f5d000u);
  EXPECT_EQ(F->Origin, "found in guest RAM at 0x3f5d000");
}

TEST(VmcoreInfoScannerTest, A64KiBPageKernelProvesItselfOnAarch64) {
  // arm64 (and ppc64) kernels of 64 KiB pages are common: their VMCOREINFO
  // proves itself (init_uts_ns through kimage_voffset) as a 4 KiB one does.
  Guest G;
  const Arch &Arm = cantFail(parseArch("aarch64-le"));
  auto Text = [](unsigned PageSize) {
    return formatv("OSRELEASE=6.1.0-56-amd64\nPAGESIZE={0}\n"
                   "SYMBOL(init_uts_ns)=ffff800081e1b000\n"
                   "OFFSET(uts_namespace.name)=0\n"
                   "NUMBER(kimage_voffset)=0xffff800080000000\n",
                   PageSize)
        .str();
  };
  for (unsigned PageSize : {4096, 16384, 65536}) {
    std::vector<uint8_t> Note = G.plant(0x3f50000, Text(PageSize));
    EXPECT_TRUE(succeeded(VmcoreInfoScanner::prove(
        Arm, cantFail(VmcoreInfo::fromNote(Note, true)), G.Map, G.M)))
        << PageSize;
  }
  std::vector<uint8_t> Odd = G.plant(0x3f50000, Text(8192));
  EXPECT_EQ(errorOf(VmcoreInfoScanner::prove(
                Arm, cantFail(VmcoreInfo::fromNote(Odd, true)), G.Map, G.M)),
            "PAGESIZE is '8192', not a page size of aarch64-le (4096, 16384, "
            "65536)");
}

TEST(VmcoreInfoScannerTest, ARunTheWriterSharedIsStillScanned) {
  Guest G;
  std::vector<uint8_t> Note = G.plant(0x3f5d000, vmcoreInfo("6.1.0-56-amd64"));
  VmcoreInfoScanner S(G.M, x86_64());
  // The writer shared all of guest RAM with the core, reading nothing.
  ASSERT_TRUE(succeeded(S.tookFileRun(Host, {-1, 0x1000, RamSize})));
  ASSERT_EQ(S.candidates().size(), 1u);
  EXPECT_EQ(S.candidates()[0], Host + 0x3f5d000);
  std::vector<std::string> Warnings;
  std::optional<VmcoreInfoScanner::Found> F = S.find(G.Map, Warnings);
  ASSERT_TRUE(F.has_value()) << (Warnings.empty() ? "" : Warnings[0]);
  EXPECT_TRUE(F->Info.note() == ArrayRef<uint8_t>(Note));
}

TEST(VmcoreInfoScannerTest, ASharedRunIsLookedAtInTheFile) {
  Guest G;
  G.plant(0x3f5d000, vmcoreInfo("6.1.0-56-amd64"));
  // The core: one page of headers, then guest RAM. The scan finds the note
  // in the file (not through the source, which holds another note).
  SmallString<128> Path;
  int FD = -1;
  ASSERT_FALSE(sys::fs::createTemporaryFile("scanner", "core", FD, Path));
  FileRemover RemoveCore(Path);
  auto CloseCore = make_scope_exit([&] { ::close(FD); });
  std::vector<uint8_t> Core(0x1000);
  Core.insert(Core.end(), G.Ram().begin(), G.Ram().end());
  ASSERT_EQ(::write(FD, Core.data(), Core.size()), ssize_t(Core.size()));
  G.plant(0x2000000, vmcoreInfo("6.1.0-56-amd64"));
  VmcoreInfoScanner S(G.M, x86_64());
  EXPECT_TRUE(succeeded(S.tookFileRun(Host, {FD, 0x1000, RamSize})));
  EXPECT_EQ(S.candidates(), std::vector<uint64_t>{Host + 0x3f5d000});

  // The core cut short after the first 32 MiB of RAM: the slice past the cut
  // faults, and is read through the source instead (no SIGBUS).
  ASSERT_EQ(::ftruncate(FD, 0x1000 + (32 << 20)), 0);
  VmcoreInfoScanner T(G.M, x86_64());
  EXPECT_TRUE(succeeded(T.tookFileRun(Host, {FD, 0x1000, RamSize})));
  EXPECT_EQ(T.candidates(),
            (std::vector<uint64_t>{Host + 0x2000000, Host + 0x3f5d000}));
}

TEST(VmcoreInfoScannerTest, AnUnreadableSharedRunIsAnError) {
  Guest G;
  VmcoreInfoScanner S(G.M, x86_64());
  EXPECT_FALSE(succeeded(S.tookFileRun(Host + RamSize, {-1, 0, 0x1000})));
}

TEST(VmcoreInfoScannerTest, OnlyPageStartsAreLookedAt) {
  Guest G;
  G.plant(0x3f5d010, vmcoreInfo("6.1.0-56-amd64"));
  VmcoreInfoScanner S(G.M, x86_64());
  G.copy(S);
  EXPECT_TRUE(S.candidates().empty());
  std::vector<std::string> Warnings;
  EXPECT_FALSE(S.find(G.Map, Warnings).has_value());
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0], testing::StartsWith("no VMCOREINFO note in guest "
                                               "RAM (QEMU had no vmcoreinfo "
                                               "device"));
}

TEST(VmcoreInfoScannerTest, RamTooSmallForANoteHasNone) {
  // 16 bytes of guest RAM that start like the note: no room for its header.
  BufferMemory M;
  std::vector<uint8_t> Note;
  appendNote(Note, true, "VMCOREINFO", 0, arrayRefFromStringRef("A=1\n"));
  M.Buffers[Host].assign(Note.begin(), Note.begin() + 16);
  GuestMemoryMap Map;
  cantFail(Map.addRange(0, 16, Host));
  VmcoreInfoScanner S(M, x86_64());
  std::vector<uint8_t> Buf(16);
  ASSERT_TRUE(succeeded(S.read(Host, Buf)));
  EXPECT_TRUE(S.candidates().empty());
  std::vector<std::string> Warnings;
  EXPECT_FALSE(S.find(Map, Warnings).has_value());
  EXPECT_EQ(Warnings.size(), 1u);
}

TEST(VmcoreInfoScannerTest, ANoteCutByTheEndOfItsBlockIsNotTaken) {
  // The header at the last page start of the block, the text past its end.
  BufferMemory M;
  M.Buffers[Host].assign(0x2000, 0);
  std::vector<uint8_t> Note;
  std::string Text = vmcoreInfo("6.1.0-56-amd64");
  appendNote(Note, true, "VMCOREINFO", 0, arrayRefFromStringRef(Text));
  std::copy(Note.begin(), Note.begin() + 64, M.Buffers[Host].begin() + 0x1fc0);
  std::copy(Note.begin(), Note.begin() + 64, M.Buffers[Host].begin() + 0x1000);
  GuestMemoryMap Map;
  cantFail(Map.addRange(0, 0x1040, Host));
  VmcoreInfoScanner S(M, x86_64());
  std::vector<uint8_t> Buf(0x1040);
  ASSERT_TRUE(succeeded(S.read(Host, Buf)));
  ASSERT_EQ(S.candidates().size(), 1u);
  std::vector<std::string> Warnings;
  EXPECT_FALSE(S.find(Map, Warnings).has_value());
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0], testing::HasSubstr("0x1000: note of"));
}

TEST(VmcoreInfoScannerTest, CandidatesThatDoNotProveThemselvesAreDropped) {
  Guest G;
  // Another release than init_uts_ns's; another page size; init_uts_ns
  // outside guest RAM; a copy that proves itself.
  G.plant(0x100000, vmcoreInfo("5.10.0-9-amd64"));
  G.plant(0x200000, vmcoreInfo("6.1.0-56-amd64", 65536));
  G.plant(0x300000, "OSRELEASE=6.1.0-56-amd64\nPAGESIZE=4096\n"
                    "SYMBOL(init_uts_ns)=ffffffffa31fb000\n");
  std::vector<uint8_t> Good = G.plant(0x400000, vmcoreInfo("6.1.0-56-amd64"));
  VmcoreInfoScanner S(G.M, x86_64());
  G.copy(S);
  EXPECT_EQ(S.candidates().size(), 4u);
  std::vector<std::string> Warnings;
  std::optional<VmcoreInfoScanner::Found> F = S.find(G.Map, Warnings);
  ASSERT_TRUE(F.has_value());
  EXPECT_TRUE(F->Info.note() == ArrayRef<uint8_t>(Good));
  EXPECT_EQ(F->Origin, "found in guest RAM at 0x400000, 3 other candidates");

  // Without the good one: none, and why each was dropped.
  std::fill_n(G.Ram().begin() + 0x400000, Good.size(), 0);
  VmcoreInfoScanner S2(G.M, x86_64());
  G.copy(S2);
  Warnings.clear();
  EXPECT_FALSE(S2.find(G.Map, Warnings).has_value());
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0],
              testing::AllOf(
                  testing::HasSubstr("no VMCOREINFO note in guest RAM proves "
                                     "itself"),
                  testing::HasSubstr("0x100000: init_uts_ns says release "
                                     "'6.1.0-56-amd64', the note "
                                     "'5.10.0-9-amd64'"),
                  testing::HasSubstr("0x200000: PAGESIZE is '65536', not a "
                                     "page size of X86_64 (4096)"),
                  testing::HasSubstr("0x300000: init_uts_ns (physical"),
                  testing::HasSubstr("is not in guest RAM")));
}

TEST(VmcoreInfoScannerTest, AGuestFullOfNoteHeadersIsLookedAtInPart) {
  Guest G;
  // Read twice (as a kdump writer does), 10 candidates stay 10.
  for (uint64_t I = 0; I < 10; ++I)
    G.plant(0x100000 + I * 4096, vmcoreInfo("5.10.0-9-amd64"));
  VmcoreInfoScanner S(G.M, x86_64());
  for (int Pass = 0; Pass < 8; ++Pass)
    G.copy(S);
  std::vector<std::string> Warnings;
  EXPECT_FALSE(S.find(G.Map, Warnings).has_value());
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0], testing::HasSubstr("; 2 more"));
  EXPECT_THAT(Warnings[0], testing::Not(testing::HasSubstr("more than")));

  // 100 of them: the first 64 are looked at, and that is said.
  for (uint64_t I = 10; I < 100; ++I)
    G.plant(0x100000 + I * 4096, vmcoreInfo("5.10.0-9-amd64"));
  VmcoreInfoScanner S2(G.M, x86_64());
  G.copy(S2);
  G.copy(S2);
  EXPECT_EQ(S2.candidates().size(), VmcoreInfoScanner::MaxCandidates);
  Warnings.clear();
  EXPECT_FALSE(S2.find(G.Map, Warnings).has_value());
  ASSERT_EQ(Warnings.size(), 2u);
  EXPECT_EQ(Warnings[0], "more than 64 pages of guest RAM start with a "
                         "VMCOREINFO note header; only the first 64 were "
                         "looked at");
  EXPECT_THAT(Warnings[1], testing::HasSubstr("; 56 more"));
}

TEST(VmcoreInfoScannerTest, DifferentNotesThatBothProveThemselvesGiveNone) {
  Guest G;
  std::string A = vmcoreInfo("6.1.0-56-amd64");
  G.plant(0x100000, A);
  G.plant(0x200000, A + "CRASHTIME=1700000000\n");
  VmcoreInfoScanner S(G.M, x86_64());
  G.copy(S);
  std::vector<std::string> Warnings;
  EXPECT_FALSE(S.find(G.Map, Warnings).has_value());
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0], testing::HasSubstr("different VMCOREINFO notes in "
                                              "guest RAM prove themselves, at "
                                              "0x100000 and 0x200000"));
  // The same note twice (a copy) is one note.
  G.plant(0x200000, A);
  std::fill_n(G.Ram().begin() + 0x200000 + 12 + 12 + A.size(), 32, 0);
  VmcoreInfoScanner S2(G.M, x86_64());
  G.copy(S2);
  Warnings.clear();
  std::optional<VmcoreInfoScanner::Found> F = S2.find(G.Map, Warnings);
  ASSERT_TRUE(F.has_value());
  EXPECT_EQ(F->GuestAddr, 0x100000u);
}

TEST(VmcoreInfoScannerTest, TheWriterPutsTheFoundNoteInPtNote) {
  // A whole ELF vmcore: the note found while the blocks were copied, in a
  // PT_NOTE segment of exactly its size, the room after it zeros.
  Guest G;
  std::vector<uint8_t> Note = G.plant(0x3f5d000, vmcoreInfo("6.1.0-56-amd64"));
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("qemudump-scan", Dir));
  std::string Path = (Dir + "/vmcore").str();
  {
    Expected<OutputFile> Out = OutputFile::create(Path);
    ASSERT_TRUE(succeeded(Out));
    VmcoreInfoScanner S(G.M, x86_64());
    std::vector<std::string> Warnings;
    ScannedNotes Notes(NoteSegment(true), S, G.Map, Warnings);
    EXPECT_GE(Notes.capacity(), Note.size());
    VmcoreInput In{x86_64(), G.Map, G.Map, Notes, S, Warnings};
    std::unique_ptr<VmcoreWriter> W = createElfWriter(In, ELF::ELFCLASS64);
    ASSERT_TRUE(succeeded(W->layOut()));
    ASSERT_TRUE(succeeded(W->write(*Out, nullptr)));
    ASSERT_TRUE(succeeded(Out->commit()));
    EXPECT_TRUE(Warnings.empty());
    EXPECT_EQ(Notes.segment().describe(),
              "VMCOREINFO (found in guest RAM at 0x3f5d000)");
  }
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  auto F = object::ELFFile<object::ELF64LE>::create((*Buf)->getBuffer());
  ASSERT_TRUE(succeeded(F));
  auto Phdrs = F->program_headers();
  ASSERT_TRUE(succeeded(Phdrs));
  ASSERT_EQ(Phdrs->size(), 2u);
  const auto &PNote = (*Phdrs)[0];
  const auto &PLoad = (*Phdrs)[1];
  ArrayRef<uint8_t> Data = arrayRefFromStringRef((*Buf)->getBuffer());
  EXPECT_EQ(PNote.p_type, ELF::PT_NOTE);
  EXPECT_EQ(uint64_t(PNote.p_filesz), Note.size());
  EXPECT_TRUE(Data.slice(PNote.p_offset, PNote.p_filesz) ==
              ArrayRef<uint8_t>(Note));
  uint64_t NotesEnd = PNote.p_offset + PNote.p_filesz;
  ASSERT_GE(uint64_t(PLoad.p_offset), NotesEnd);
  EXPECT_TRUE(llvm::all_of(Data.slice(NotesEnd, PLoad.p_offset - NotesEnd),
                           [](uint8_t B) { return B == 0; }));
  EXPECT_TRUE(Data.slice(PLoad.p_offset, RamSize) ==
              ArrayRef<uint8_t>(G.Ram()));
  sys::fs::remove_directories(Dir);
}

} // namespace
