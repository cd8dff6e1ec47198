//===- MinidumpLayout.cpp - The memory a minidump holds -------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Reads a minidump's stream directory and, of its streams, the memory lists
// (what is stored), MemoryInfoList (what the process had) and ModuleList
// (the modules and their build-ids). Every offset and count in the file is
// checked against the file's size before it is used.

#include "qemudump/Input/CoreLayout.h"

#include "llvm/BinaryFormat/Minidump.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace llvm;
namespace md = llvm::minidump;

namespace qemudump {

namespace {

/// The CodeView record signature of an ELF build-id ('BpEL', as LLDB and
/// Breakpad write it for ELF modules).
constexpr uint32_t CvElfBuildId = 0x4270454c;

constexpr uint32_t MemCommit = 0x1000;
/// The protections that allow reading (PAGE_READONLY, _READWRITE,
/// _WRITECOPY, _EXECUTE_READ, _EXECUTE_READWRITE, _EXECUTE_WRITECOPY).
constexpr uint32_t ReadableProtections =
    0x02 | 0x04 | 0x08 | 0x20 | 0x40 | 0x80;
constexpr uint32_t PageGuard = 0x100;

class MinidumpReader {
public:
  explicit MinidumpReader(MemoryBufferRef File) : File(File) {}

  Expected<CoreLayout> read();

private:
  Error fail(const Twine &What) const {
    return createStringError(
        inconvertibleErrorCode(),
        formatv("the minidump '{0}' is damaged: {1}; LLDB may have read "
                "it, but which of QEMU's memory it holds cannot be told",
                File.getBufferIdentifier(), What.str())
            .str());
  }
  uint64_t size() const { return File.getBufferSize(); }
  bool inFile(uint64_t Off, uint64_t Len) const {
    return Off <= size() && Len <= size() - Off;
  }
  template <typename T> const T *at(uint64_t Off) const {
    if (!inFile(Off, sizeof(T)))
      return nullptr;
    return reinterpret_cast<const T *>(File.getBufferStart() + Off);
  }

  Error readDirectory();
  Error readMemoryList(const md::LocationDescriptor &L);
  Error readMemory64List(const md::LocationDescriptor &L);
  Error readMemoryInfoList(const md::LocationDescriptor &L);
  Error readModuleList(const md::LocationDescriptor &L);
  void readLinuxMaps(const md::LocationDescriptor &L);
  std::string moduleName(uint32_t Rva) const;
  std::vector<uint8_t> buildId(const md::LocationDescriptor &Cv) const;
  Error addStored(uint64_t Start, uint64_t Size, uint64_t Rva);
  void noteIfPartial();
  void finish();

  MemoryBufferRef File;
  CoreLayout L;
  std::vector<std::pair<md::StreamType, md::LocationDescriptor>> Streams;
};

Error MinidumpReader::readDirectory() {
  const auto *H = at<md::Header>(0);
  if (!H || H->Signature != md::Header::MagicSignature)
    return fail("it does not start with a minidump header");
  if ((H->Version & 0xffff) != md::Header::MagicVersion)
    return fail(formatv("unknown version {0:x}", uint32_t(H->Version)));
  uint64_t Dir = H->StreamDirectoryRVA;
  uint64_t N = H->NumberOfStreams;
  if (!inFile(Dir, N * sizeof(md::Directory)))
    return fail(formatv("its stream directory ({0} entries at offset {1:x}) "
                        "is beyond the end of the file ({2} bytes)",
                        N, Dir, size()));
  for (uint64_t I = 0; I < N; ++I) {
    const auto *D = at<md::Directory>(Dir + I * sizeof(md::Directory));
    Streams.emplace_back(D->Type, D->Location);
  }
  return Error::success();
}

Error MinidumpReader::addStored(uint64_t Start, uint64_t Size, uint64_t Rva) {
  if (Start + Size < Start)
    return fail(formatv("its memory range at {0:x} of {1} bytes wraps around "
                        "the address space",
                        Start, Size));
  L.addFileRange(Start, Size, Rva, size());
  return Error::success();
}

Error MinidumpReader::readMemoryList(const md::LocationDescriptor &Loc) {
  const auto *Count = at<support::ulittle32_t>(Loc.RVA);
  if (!Count || !inFile(uint64_t(Loc.RVA) + 4, uint64_t(*Count) * 16))
    return fail("its MemoryList stream is beyond the end of the file");
  for (uint64_t I = 0; I < *Count; ++I) {
    const auto *D = at<md::MemoryDescriptor>(uint64_t(Loc.RVA) + 4 + I * 16);
    if (Error E =
            addStored(D->StartOfMemoryRange, D->Memory.DataSize, D->Memory.RVA))
      return E;
  }
  return Error::success();
}

Error MinidumpReader::readMemory64List(const md::LocationDescriptor &Loc) {
  // NumberOfMemoryRanges, BaseRva; then the descriptors, whose data follow
  // each other from BaseRva.
  const auto *Count = at<support::ulittle64_t>(Loc.RVA);
  const auto *Base = at<support::ulittle64_t>(uint64_t(Loc.RVA) + 8);
  if (!Count || !Base || *Count > size() / 16 ||
      !inFile(uint64_t(Loc.RVA) + 16, *Count * 16))
    return fail("its Memory64List stream is beyond the end of the file");
  uint64_t Rva = *Base;
  for (uint64_t I = 0; I < *Count; ++I) {
    const auto *D =
        at<md::MemoryDescriptor_64>(uint64_t(Loc.RVA) + 16 + I * 16);
    uint64_t Size = D->DataSize;
    if (Rva + Size < Rva)
      return fail(formatv("range {0} of its Memory64List overflows", I));
    if (Error E = addStored(D->StartOfMemoryRange, Size, Rva))
      return E;
    Rva += Size;
  }
  return Error::success();
}

Error MinidumpReader::readMemoryInfoList(const md::LocationDescriptor &Loc) {
  const auto *H = at<md::MemoryInfoListHeader>(Loc.RVA);
  if (!H || H->SizeOfHeader < sizeof(md::MemoryInfoListHeader) ||
      H->SizeOfEntry < sizeof(md::MemoryInfo) ||
      H->NumberOfEntries > size() / H->SizeOfEntry ||
      !inFile(uint64_t(Loc.RVA) + H->SizeOfHeader,
              H->NumberOfEntries * H->SizeOfEntry))
    return fail("its MemoryInfoList stream is damaged or beyond the end of "
                "the file");
  for (uint64_t I = 0; I < H->NumberOfEntries; ++I) {
    const auto *E = at<md::MemoryInfo>(uint64_t(Loc.RVA) + H->SizeOfHeader +
                                       I * H->SizeOfEntry);
    uint32_t State = static_cast<uint32_t>(md::MemoryState(E->State));
    uint32_t Protect = static_cast<uint32_t>(md::MemoryProtection(E->Protect));
    CoreLayout::Region G;
    G.R = {E->BaseAddress, E->RegionSize};
    G.Committed = State == MemCommit;
    G.Readable = (Protect & ReadableProtections) && !(Protect & PageGuard);
    if (G.R.Size && G.R.end() > G.R.Start) // (one that wraps explains nothing)
      L.Regions.push_back(G);
  }
  return Error::success();
}

std::string MinidumpReader::moduleName(uint32_t Rva) const {
  const auto *Len = at<support::ulittle32_t>(Rva);
  if (!Len || !inFile(uint64_t(Rva) + 4, *Len) || *Len % 2)
    return "";
  std::vector<UTF16> Native; // the file's UTF-16LE, in host order
  for (uint64_t I = 0; I < *Len / 2; ++I) {
    const auto *U = at<support::ulittle16_t>(uint64_t(Rva) + 4 + 2 * I);
    Native.push_back(*U);
  }
  std::string Name;
  if (!convertUTF16ToUTF8String(Native, Name))
    return "";
  return Name;
}

std::vector<uint8_t>
MinidumpReader::buildId(const md::LocationDescriptor &Cv) const {
  const auto *Sig = at<support::ulittle32_t>(Cv.RVA);
  if (!Sig || Cv.DataSize < 4 || !inFile(Cv.RVA, Cv.DataSize))
    return {};
  const uint8_t *P = reinterpret_cast<const uint8_t *>(File.getBufferStart()) +
                     uint64_t(Cv.RVA) + 4;
  if (*Sig == CvElfBuildId)
    return std::vector<uint8_t>(P, P + Cv.DataSize - 4);
  // A PDB 7.0 record (GUID, age) is not taken: LLDB's UUID of a PE file
  // orders the GUID's bytes its own way, so a comparison could refuse the
  // right binary.
  return {};
}

Error MinidumpReader::readModuleList(const md::LocationDescriptor &Loc) {
  const auto *Count = at<support::ulittle32_t>(Loc.RVA);
  if (!Count ||
      !inFile(uint64_t(Loc.RVA) + 4, uint64_t(*Count) * sizeof(md::Module)))
    return fail("its ModuleList stream is beyond the end of the file");
  for (uint64_t I = 0; I < *Count; ++I) {
    const auto *M =
        at<md::Module>(uint64_t(Loc.RVA) + 4 + I * sizeof(md::Module));
    L.Modules.push_back(
        {moduleName(M->ModuleNameRVA), M->BaseOfImage, buildId(M->CvRecord)});
  }
  return Error::success();
}

void MinidumpReader::readLinuxMaps(const md::LocationDescriptor &Loc) {
  // /proc/PID/maps as text ("start-end perms offset dev inode path"), which
  // LLDB and Breakpad write on Linux instead of a MemoryInfoList. Lines that
  // do not parse are skipped: this only explains what is missing.
  if (!inFile(Loc.RVA, Loc.DataSize))
    return;
  StringRef Text(File.getBufferStart() + Loc.RVA, Loc.DataSize);
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Text = Rest;
    auto [Range, Tail] = Line.split(' ');
    auto [From, To] = Range.split('-');
    uint64_t Start, End;
    if (From.getAsInteger(16, Start) || To.getAsInteger(16, End) ||
        End <= Start)
      continue;
    L.Regions.push_back({{Start, End - Start},
                         /*Committed=*/true,
                         Tail.starts_with("r")});
  }
}

/// A minidump saved with a partial style (LLDB's `--style stack`, a Windows
/// "mini" dump) stores a fraction of the memory its regions list as
/// readable: said in Partial, the cause of whatever cannot be read. (A full
/// one lacks at most the odd page a kernel would not give out, [vvar] say.)
void MinidumpReader::noteIfPartial() {
  uint64_t Readable = 0, Held = 0;
  for (const CoreLayout::Region &G : L.Regions) {
    if (!G.Committed || !G.Readable)
      continue;
    Readable += G.R.Size;
    // Stored is sorted and disjoint (normalize): from the first range that
    // ends after the region's start.
    auto S = llvm::partition_point(L.Stored, [&](const CoreLayout::Range &R) {
      return R.end() <= G.R.Start;
    });
    for (; S != L.Stored.end() && S->Start < G.R.end(); ++S)
      Held += std::min(S->end(), G.R.end()) - std::max(S->Start, G.R.Start);
  }
  if (Readable == 0 || Held >= Readable / 10 * 9)
    return;
  L.Partial = formatv("the minidump '{0}' holds {1} of the {2} bytes of memory "
                      "QEMU could read (it was saved without all memory, e.g. "
                      "LLDB's --style stack); save it with `process save-core "
                      "--plugin-name=minidump --style full`",
                      File.getBufferIdentifier(), Held, Readable)
                  .str();
}

void MinidumpReader::finish() {
  L.normalize();
  noteIfPartial();
  L.noteTruncation("minidump", File.getBufferIdentifier(), "memory lists",
                   size());
}

Expected<CoreLayout> MinidumpReader::read() {
  L.Format = CoreFormat::Minidump;
  if (Error E = readDirectory())
    return std::move(E);
  for (auto &[Type, Loc] : Streams) {
    Error E = Error::success();
    switch (Type) {
    case md::StreamType::MemoryList:
      E = readMemoryList(Loc);
      break;
    case md::StreamType::Memory64List:
      E = readMemory64List(Loc);
      break;
    case md::StreamType::MemoryInfoList:
      E = readMemoryInfoList(Loc);
      break;
    case md::StreamType::ModuleList:
      E = readModuleList(Loc);
      break;

    default:
      break;
    }
    if (E)
      return std::move(E);
  }
  if (L.Regions.empty())
    for (auto &[Type, Loc] : Streams)
      if (Type == md::StreamType::LinuxMaps)
        readLinuxMaps(Loc);
  finish();
  return std::move(L);
}

} // namespace

Expected<CoreLayout> readMinidumpLayout(MemoryBufferRef File) {
  return MinidumpReader(File).read();
}

} // namespace qemudump
