//===- CoreLayout.cpp - What a non-ELF core file says of its memory -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Input/CoreLayout.h"

#include "llvm/BinaryFormat/MachO.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>

using namespace llvm;

namespace qemudump {

StringRef coreFormatName(CoreFormat F) {
  switch (F) {
  case CoreFormat::Elf:
    return "ELF";
  case CoreFormat::Minidump:
    return "minidump";
  case CoreFormat::MachO:
    return "Mach-O";
  case CoreFormat::Unknown:
    break;
  }
  return "unknown";
}

CoreFormat identifyCoreFormat(ArrayRef<uint8_t> Head) {
  StringRef H(reinterpret_cast<const char *>(Head.data()), Head.size());
  if (H.size() >= 18 && H.starts_with("\x7f"
                                      "ELF")) {
    bool Little = H[5] == 1;
    uint16_t Type = Little ? support::endian::read16le(H.data() + 16)
                           : support::endian::read16be(H.data() + 16);
    return Type == 4 /*ET_CORE*/ ? CoreFormat::Elf : CoreFormat::Unknown;
  }
  if (H.starts_with("MDMP"))
    return CoreFormat::Minidump;
  if (H.size() >= 16) {
    uint32_t Magic = support::endian::read32le(H.data());
    uint32_t FileType = support::endian::read32le(H.data() + 12);
    if (Magic == MachO::MH_MAGIC_64 || Magic == MachO::MH_MAGIC)
      return FileType == MachO::MH_CORE ? CoreFormat::MachO
                                        : CoreFormat::Unknown;
    if (Magic == MachO::MH_CIGAM_64 || Magic == MachO::MH_CIGAM)
      return support::endian::read32be(H.data() + 12) == MachO::MH_CORE
                 ? CoreFormat::MachO
                 : CoreFormat::Unknown;
  }
  return CoreFormat::Unknown;
}

CoreFormat identifyCoreFile(StringRef Path) {
  auto Head = MemoryBuffer::getFileSlice(Path, 32, 0, /*IsVolatile=*/true);
  if (!Head)
    return CoreFormat::Unknown;
  StringRef B = (*Head)->getBuffer();
  return identifyCoreFormat(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(B.data()), B.size()));
}

namespace {

template <typename T>
const T *rangeAt(const std::vector<T> &V, uint64_t Addr,
                 function_ref<const CoreLayout::Range &(const T &)> RangeOf) {
  auto It =
      std::upper_bound(V.begin(), V.end(), Addr, [&](uint64_t A, const T &E) {
        return A < RangeOf(E).Start;
      });
  if (It == V.begin())
    return nullptr;
  --It;
  return RangeOf(*It).contains(Addr) ? &*It : nullptr;
}

const CoreLayout::Range &self(const CoreLayout::Range &R) { return R; }

} // namespace

const CoreLayout::Range *CoreLayout::storedAt(uint64_t Addr) const {
  return rangeAt<Range>(Stored, Addr, self);
}

const CoreLayout::Range *CoreLayout::zeroAt(uint64_t Addr) const {
  return rangeAt<Range>(Zero, Addr, self);
}

const CoreLayout::Range *CoreLayout::cutAt(uint64_t Addr) const {
  return rangeAt<Range>(Cut, Addr, self);
}

const CoreLayout::Region *CoreLayout::regionAt(uint64_t Addr) const {
  return rangeAt<Region>(Regions, Addr,
                         [](const Region &G) -> const Range & { return G.R; });
}

namespace {

using Range = CoreLayout::Range;

/// \p V sorted, overlapping or adjacent ranges merged.
void sortAndMerge(std::vector<Range> &V) {
  llvm::sort(V,
             [](const Range &A, const Range &B) { return A.Start < B.Start; });
  std::vector<Range> Merged;
  for (const Range &R : V) {
    if (!Merged.empty() && Merged.back().end() >= R.Start)
      Merged.back().Size =
          std::max(Merged.back().end(), R.end()) - Merged.back().Start;
    else
      Merged.push_back(R);
  }
  V = std::move(Merged);
}

/// \p V (sorted, disjoint) without what \p Minus (sorted, disjoint) covers.
void subtract(std::vector<Range> &V, const std::vector<Range> &Minus) {
  std::vector<Range> Out;
  size_t M = 0;
  for (Range R : V) {
    while (M < Minus.size() && Minus[M].end() <= R.Start)
      ++M;
    for (size_t I = M; I < Minus.size() && Minus[I].Start < R.end(); ++I) {
      if (Minus[I].Start > R.Start)
        Out.push_back({R.Start, Minus[I].Start - R.Start});
      uint64_t Rest = std::max(R.Start, Minus[I].end());
      R = {Rest, R.end() > Rest ? R.end() - Rest : 0};
      if (!R.Size)
        break;
    }
    if (R.Size)
      Out.push_back(R);
  }
  V = std::move(Out);
}

} // namespace

void CoreLayout::normalize() {
  sortAndMerge(Stored);
  sortAndMerge(Cut);
  sortAndMerge(Zero);
  subtract(Cut, Stored);
  subtract(Zero, Stored);
  subtract(Zero, Cut);
  llvm::sort(Regions, [](const Region &A, const Region &B) {
    return A.R.Start < B.R.Start;
  });
}

void CoreLayout::addFileRange(uint64_t Start, uint64_t Size, uint64_t FileOff,
                              uint64_t FileSize) {
  DescribedFileSize = std::max(DescribedFileSize, FileOff + Size);
  uint64_t Have = FileOff >= FileSize ? 0 : std::min(Size, FileSize - FileOff);
  if (Have < Size) {
    Cut.push_back({Start + Have, Size - Have});
    LowestCut = std::min(LowestCut.value_or(UINT64_MAX), Start + Have);
  }
  if (Have)
    Stored.push_back({Start, Have});
}

void CoreLayout::noteTruncation(StringRef Noun, StringRef Name, StringRef Lists,
                                uint64_t FileSize) {
  if (!LowestCut)
    return;
  Damage = formatv("the {0} '{1}' is truncated: {2} of the {3} bytes its {4} "
                   "describe (the lowest of QEMU's addresses it lacks is "
                   "{5:x}); copy or save the core again",
                   Noun, Name, FileSize, DescribedFileSize, Lists, *LowestCut)
               .str();
}

CoreLayout::Missing CoreLayout::classify(uint64_t Addr) const {
  if (cutAt(Addr))
    return Missing::Cut;
  const Region *G = regionAt(Addr);
  if (G && G->Committed && G->Readable)
    return Missing::LeftOut;
  if (G || !Regions.empty())
    return Missing::NotMapped;
  return Missing::Unknown;
}

std::string CoreLayout::whyMissing(uint64_t Addr, StringRef Path) const {
  std::string Kind = coreFormatName(Format).str();
  switch (classify(Addr)) {
  case Missing::Cut:
    return formatv("QEMU's memory at {0:x} is not in the file: {1}", Addr,
                   Damage.value_or("the file is truncated"))
        .str();
  case Missing::LeftOut: {
    const Region *G = regionAt(Addr);
    return formatv("the {0} core '{1}' does not hold QEMU's memory at {2:x}: "
                   "QEMU had it ({3:x}-{4:x}, readable), but the file left it "
                   "out; save the core with all memory (LLDB: `process "
                   "save-core --plugin-name=minidump --style full`; Windows: "
                   "a full dump, MiniDumpWithFullMemory)",
                   Kind, Path, Addr, G->R.Start, G->R.end())
        .str();
  }
  case Missing::NotMapped:
    return formatv("the {0} core '{1}' does not hold QEMU's memory at {2:x}: "
                   "QEMU had no readable memory there when the core was "
                   "saved; the core is not of the QEMU whose guest RAM "
                   "this is, or QEMU's memory map is damaged",
                   Kind, Path, Addr)
        .str();
  case Missing::Unknown:
    break;
  }
  return formatv("the {0} core '{1}' does not hold QEMU's memory at {2:x}; "
                 "save the core with all of QEMU's memory",
                 Kind, Path, Addr)
      .str();
}

} // namespace qemudump
