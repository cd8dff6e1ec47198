//===- CoreFileMemory.cpp - QEMU's memory read from its core file ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Input/CoreFileMemory.h"

#include "qemudump/Input/MemoryFault.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFTypes.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Errno.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

using namespace llvm;

namespace qemudump {

static Error coreError(StringRef Path, const Twine &What) {
  return createStringError(inconvertibleErrorCode(),
                           ("core file '" + Path + "': " + What).str());
}

/// A read of [HostAddr, HostAddr + Length) that failed for \p What.
static Error coreFault(StringRef Path, uint64_t HostAddr, uint64_t Length,
                       const Twine &What,
                       MemoryFault::Kind K = MemoryFault::Other) {
  return make_error<MemoryFault>(
      HostAddr, Length, ("core file '" + Path + "': " + What).str(), K);
}

/// Reads [Offset, Offset + Size) of \p FD, short at the end of the file.
static std::string readAt(int FD, uint64_t Offset, uint64_t Size) {
  std::string Data(Size, '\0');
  uint64_t Done = 0;
  while (Done < Size) {
    ssize_t N = sys::RetryAfterSignal(-1, ::pread, FD, &Data[Done], Size - Done,
                                      Offset + Done);
    if (N <= 0)
      break;
    Done += N;
  }
  Data.resize(Done);
  return Data;
}

namespace {
struct ParsedCore {
  std::vector<CoreFileMemory::Segment> Segments;
  std::vector<CoreFileMemory::MappedFile> Files;
  std::optional<uint64_t> Pid;
};
} // namespace

/// The program headers of the core open as \p FD. Read by hand rather than
/// with ELFFile so that PN_XNUM (more than 65534 mappings, which a large
/// QEMU can have) is followed.
template <class ELFT>
static Expected<std::vector<typename ELFT::Phdr>>
readProgramHeaders(StringRef Path, int FD, uint64_t FileSize) {
  using Ehdr = typename ELFT::Ehdr;
  using Phdr = typename ELFT::Phdr;
  using Shdr = typename ELFT::Shdr;
  std::string EData = readAt(FD, 0, sizeof(Ehdr));
  if (EData.size() < sizeof(Ehdr))
    return coreError(Path, "too short for an ELF header");
  Ehdr E;
  std::memcpy(&E, EData.data(), sizeof(E));
  if (E.e_type != ELF::ET_CORE)
    return coreError(Path, "not a core file (e_type is not ET_CORE)");
  uint64_t PhNum = E.e_phnum;
  if (PhNum == 0xffff) {
    std::string S = readAt(FD, E.e_shoff, sizeof(Shdr));
    if (E.e_shoff == 0 || S.size() < sizeof(Shdr))
      return coreError(Path, "PN_XNUM without a section header 0");
    Shdr Sh;
    std::memcpy(&Sh, S.data(), sizeof(Sh));
    PhNum = Sh.sh_info;
  }
  if (E.e_phentsize != sizeof(Phdr) || E.e_phoff > FileSize ||
      (FileSize - E.e_phoff) / sizeof(Phdr) < PhNum)
    return coreError(Path, "program headers run past the end of the file "
                           "(the core is truncated)");
  std::string PData = readAt(FD, E.e_phoff, PhNum * sizeof(Phdr));
  if (PData.size() != PhNum * sizeof(Phdr))
    return coreError(Path, "cannot read the program headers");
  std::vector<Phdr> Phdrs(PhNum);
  if (PhNum)
    std::memcpy(Phdrs.data(), PData.data(), PData.size());
  return Phdrs;
}

/// The PT_LOAD segments, sorted by address.
template <class ELFT>
static Expected<std::vector<CoreFileMemory::Segment>>
loadSegments(StringRef Path, ArrayRef<typename ELFT::Phdr> Phdrs) {
  std::vector<CoreFileMemory::Segment> Segments;
  for (size_t I = 0; I < Phdrs.size(); ++I) {
    const typename ELFT::Phdr &P = Phdrs[I];
    if (P.p_type != ELF::PT_LOAD || P.p_memsz == 0)
      continue;
    // Offsets and addresses past 2^64 are a corrupt header, not memory.
    uint64_t Offset = P.p_offset, FileSz = P.p_filesz;
    uint64_t VAddr = P.p_vaddr, MemSz = P.p_memsz;
    if (Offset + FileSz < Offset || VAddr + MemSz < VAddr)
      return coreError(
          Path, formatv("program header {0} (PT_LOAD at {1:x}) runs past the "
                        "end of the 64-bit space; the core is corrupt",
                        I, VAddr));
    Segments.push_back({VAddr, MemSz, std::min(FileSz, MemSz), Offset});
  }
  llvm::sort(Segments,
             [](const auto &A, const auto &B) { return A.VAddr < B.VAddr; });
  return Segments;
}

/// One NT_FILE descriptor: count, page size, count x {start, end, file
/// offset in pages}, then count NUL-terminated file names. Marks the
/// segments it covers file-backed.
template <class ELFT>
static void takeFileNote(StringRef Desc, ParsedCore &Core) {
  using Word = typename ELFT::uint;
  if (Desc.size() < 2 * sizeof(Word))
    return;
  const auto *D =
      reinterpret_cast<const support::detail::packed_endian_specific_integral<
          Word, ELFT::Endianness, support::unaligned> *>(Desc.data());
  uint64_t Count = D[0], PageSize = D[1];
  if (Count > (Desc.size() / sizeof(Word) - 2) / 3)
    return;
  StringRef Names = Desc.drop_front((2 + 3 * Count) * sizeof(Word));
  for (uint64_t J = 0; J < Count; ++J) {
    uint64_t Start = D[2 + 3 * J], End = D[3 + 3 * J];
    auto [Name, Rest] = Names.split('\0');
    Names = Rest;
    Core.Files.push_back(
        {Start, End, uint64_t(D[4 + 3 * J]) * PageSize, Name.str()});
    for (CoreFileMemory::Segment &S : Core.Segments)
      if (S.VAddr < End && Start < S.VAddr + S.MemSize)
        S.FileBacked = true;
  }
}

/// The notes of the PT_NOTE segments: the first NT_PRSTATUS's pid, and
/// NT_FILE. Pages that the kernel left out of a file-backed mapping were not
/// "never written": the coredump filter skipped a shared file mapping
/// (memory-backend-file,share=on), whose contents are not zeros. They are
/// marked so that reading them is an error.
template <class ELFT>
static void takeNotes(int FD, uint64_t FileSize,
                      ArrayRef<typename ELFT::Phdr> Phdrs, ParsedCore &Core) {
  using Word = typename ELFT::uint;
  for (const typename ELFT::Phdr &P : Phdrs) {
    if (P.p_type != ELF::PT_NOTE || P.p_filesz > (64u << 20) ||
        P.p_offset >= FileSize)
      continue;
    // No more than the file holds, whatever the header claims.
    std::string NoteData = readAt(
        FD, P.p_offset, std::min<uint64_t>(P.p_filesz, FileSize - P.p_offset));
    StringRef Notes = NoteData;
    while (Notes.size() >= 12) {
      const auto *W = reinterpret_cast<
          const support::detail::packed_endian_specific_integral<
              uint32_t, ELFT::Endianness, support::unaligned> *>(Notes.data());
      uint64_t NameSize = W[0], DescSize = W[1], Type = W[2];
      uint64_t DescOff = 12 + alignTo(NameSize, 4);
      uint64_t Size = DescOff + alignTo(DescSize, 4);
      if (Size > Notes.size())
        break;
      // The first NT_PRSTATUS: pr_pid follows pr_info (12 bytes), pr_cursig
      // (2 + 2 padding) and pr_sigpend and pr_sighold (a word each).
      constexpr uint64_t PidOffset = 16 + 2 * sizeof(Word);
      if (Type == ELF::NT_PRSTATUS && !Core.Pid && DescSize >= PidOffset + 4)
        Core.Pid = support::endian::read32(Notes.data() + DescOff + PidOffset,
                                           ELFT::Endianness);
      if (Type == ELF::NT_FILE)
        takeFileNote<ELFT>(Notes.substr(DescOff, DescSize), Core);
      Notes = Notes.drop_front(Size);
    }
  }
}

template <class ELFT>
static Expected<ParsedCore> parseCore(StringRef Path, int FD,
                                      uint64_t FileSize) {
  Expected<std::vector<typename ELFT::Phdr>> Phdrs =
      readProgramHeaders<ELFT>(Path, FD, FileSize);
  if (!Phdrs)
    return Phdrs.takeError();
  ParsedCore Core;
  Expected<std::vector<CoreFileMemory::Segment>> Segments =
      loadSegments<ELFT>(Path, *Phdrs);
  if (!Segments)
    return Segments.takeError();
  Core.Segments = std::move(*Segments);
  takeNotes<ELFT>(FD, FileSize, *Phdrs, Core);
  return Core;
}

Expected<std::unique_ptr<CoreFileMemory>> CoreFileMemory::open(StringRef Path) {
  std::unique_ptr<CoreFileMemory> M(new CoreFileMemory());
  M->Path = Path.str();
  M->FD = ::open(M->Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (M->FD < 0)
    return coreError(Path, std::strerror(errno));
  struct stat St;
  if (::fstat(M->FD, &St) != 0)
    return coreError(Path, std::strerror(errno));
  M->FileSize = St.st_size;
  // The headers and notes: everything but the memory, which sits in the
  // PT_LOADs after them. Read the ELF and program headers, then the notes.
  std::string Head = readAt(M->FD, 0, 64);
  if (Head.size() < ELF::EI_NIDENT || !StringRef(Head).starts_with("\x7f"
                                                                   "ELF"))
    return coreError(Path, "not an ELF file");
  uint8_t Class = Head[ELF::EI_CLASS], Enc = Head[ELF::EI_DATA];
  auto Parse = [&](auto Tag) -> Expected<ParsedCore> {
    using ELFT = decltype(Tag);
    return parseCore<ELFT>(Path, M->FD, M->FileSize);
  };
  Expected<ParsedCore> Core =
      Class == ELF::ELFCLASS64
          ? (Enc == ELF::ELFDATA2MSB ? Parse(object::ELF64BE())
                                     : Parse(object::ELF64LE()))
          : (Enc == ELF::ELFDATA2MSB ? Parse(object::ELF32BE())
                                     : Parse(object::ELF32LE()));
  if (!Core)
    return Core.takeError();
  M->Segments = std::move(Core->Segments);
  M->Files = std::move(Core->Files);
  M->Pid = Core->Pid;
  return std::move(M);
}

CoreFileMemory::~CoreFileMemory() {
  if (FD >= 0)
    ::close(FD);
}

const CoreFileMemory::Segment *CoreFileMemory::find(uint64_t Addr) const {
  auto It = std::upper_bound(
      Segments.begin(), Segments.end(), Addr,
      [](uint64_t A, const Segment &S) { return A < S.VAddr; });
  if (It == Segments.begin())
    return nullptr;
  --It;
  return Addr - It->VAddr < It->MemSize ? &*It : nullptr;
}

Error CoreFileMemory::read(uint64_t HostAddr, MutableArrayRef<uint8_t> Buf) {
  while (!Buf.empty()) {
    const Segment *S = find(HostAddr);
    if (!S)
      return coreFault(
          Path, HostAddr, Buf.size(),
          formatv("holds no mapping at {0:x}; QEMU probably ran with "
                  "-machine dump-guest-core=off, or the core does not belong "
                  "to this QEMU",
                  HostAddr),
          MemoryFault::NotMapped);
    uint64_t Off = HostAddr - S->VAddr;
    uint64_t N = std::min<uint64_t>(Buf.size(), S->MemSize - Off);
    uint64_t InFile = Off < S->FileSize ? std::min(N, S->FileSize - Off) : 0;
    if (InFile) {
      uint64_t Start = S->Offset + Off;
      if (Start > FileSize || FileSize - Start < InFile)
        return coreFault(
            Path, HostAddr, Buf.size(),
            formatv("is truncated: QEMU's memory at {0:x} is at file offset "
                    "{1:x}, beyond the end of the file ({2:x} bytes); take "
                    "the core again, or check the disk that holds it",
                    HostAddr + (FileSize > Start ? FileSize - Start : 0),
                    std::max(Start, FileSize), FileSize),
            MemoryFault::Truncated);
      for (uint64_t Done = 0; Done < InFile;) {
        ssize_t R = sys::RetryAfterSignal(-1, ::pread, FD, Buf.data() + Done,
                                          InFile - Done, Start + Done);
        if (R <= 0)
          return coreFault(
              Path, HostAddr + Done, InFile - Done,
              formatv("cannot read at offset {0:x}: {1}", Start + Done,
                      R < 0 ? std::strerror(errno) : "unexpected end of file"));
        Done += R;
      }
    }
    if (InFile < N && S->FileBacked)
      return coreFault(
          Path, HostAddr + InFile, N - InFile,
          formatv("does not hold QEMU's memory at {0:x}: it is a file-backed "
                  "mapping that the kernel's coredump filter left out (e.g. "
                  "memory-backend-file with share=on); add to QEMU's "
                  "/proc/PID/coredump_filter the bit of shared file "
                  "mappings (3, 0x08: 0x3b), or of shared hugetlb pages "
                  "(6, 0x40: 0x73), before the next crash",
                  HostAddr + InFile),
          MemoryFault::FileBacked);
    // Anonymous pages the kernel left out of the core were never written:
    // they are zeros.
    std::memset(Buf.data() + InFile, 0, N - InFile);
    Buf = Buf.drop_front(N);
    HostAddr += N;
  }
  return Error::success();
}

std::optional<std::string> CoreFileMemory::knownDamage() const {
  std::optional<uint64_t> Want = truncatedFrom();
  if (!Want)
    return std::nullopt;
  return formatv("the core file '{0}' is truncated: {1} of the {2} bytes its "
                 "program headers describe",
                 Path, FileSize, *Want)
      .str();
}

MemorySource::Extent CoreFileMemory::extent(uint64_t HostAddr,
                                            uint64_t MaxLen) {
  const Segment *S = find(HostAddr);
  if (!S)
    return {false, MaxLen}; // read() will name the problem
  uint64_t Off = HostAddr - S->VAddr;
  uint64_t Len = std::min(MaxLen, S->MemSize - Off);
  if (Off >= S->FileSize)
    // Left out of the core: zeros, unless file-backed (read() refuses those).
    return {!S->FileBacked, Len};
  Len = std::min(Len, S->FileSize - Off);
  uint64_t Start = S->Offset + Off;
  if (Start >= FileSize)
    return {false, Len};                 // truncated: read() says so
  Len = std::min(Len, FileSize - Start); // the rest, if any, is truncated
  // A hole in the core file is a page the kernel skipped as never populated.
  off_t Data = ::lseek(FD, Start, SEEK_DATA);
  if (Data < 0)
    // ENXIO: no data after Start (a hole to the end of the file); any other
    // error: the file system cannot tell, so read.
    return errno == ENXIO ? Extent{true, Len} : Extent{false, Len};
  if (uint64_t(Data) > Start)
    return {true, std::min<uint64_t>(Len, Data - Start)};
  off_t Hole = ::lseek(FD, Start, SEEK_HOLE);
  if (Hole < 0 || uint64_t(Hole) <= Start)
    return {false, Len};
  return {false, std::min<uint64_t>(Len, Hole - Start)};
}

MemorySource::Availability CoreFileMemory::availability(uint64_t HostAddr,
                                                        uint64_t MaxLen) {
  const Segment *S = find(HostAddr);
  if (!S) {
    // Up to the next segment, if any.
    auto Next = std::upper_bound(
        Segments.begin(), Segments.end(), HostAddr,
        [](uint64_t A, const Segment &Seg) { return A < Seg.VAddr; });
    uint64_t Len = MaxLen;
    if (Next != Segments.end())
      Len = std::min(Len, Next->VAddr - HostAddr);
    return {false, Len, MemoryFault::NotMapped, 0};
  }
  uint64_t Off = HostAddr - S->VAddr;
  uint64_t Len = std::min(MaxLen, S->MemSize - Off);
  if (Off >= S->FileSize)
    return S->FileBacked ? Availability{false, Len, MemoryFault::FileBacked, 0}
                         : Availability{true, Len}; // zeros
  Len = std::min(Len, S->FileSize - Off);
  uint64_t Start = S->Offset + Off;
  if (Start >= FileSize)
    return {false, Len, MemoryFault::Truncated, Start};
  return {true, std::min(Len, FileSize - Start)};
}

std::optional<MemorySource::FileRun> CoreFileMemory::fileRun(uint64_t HostAddr,
                                                             uint64_t MaxLen) {
  const Segment *S = find(HostAddr);
  if (!S || HostAddr - S->VAddr >= S->FileSize)
    return std::nullopt;
  // extent() bounds a stored run by the segment's bytes, the file's end
  // and the file's next hole.
  Extent E = extent(HostAddr, MaxLen);
  uint64_t Start = S->Offset + (HostAddr - S->VAddr);
  if (E.Zero || Start >= FileSize)
    return std::nullopt;
  return FileRun{FD, Start, E.Length};
}

} // namespace qemudump
