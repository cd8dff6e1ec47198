//===- DumpSummary.cpp - The line a successful dump ends with -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Command/DumpSummary.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

std::string humanBytes(uint64_t N) {
  if (N >= (1ULL << 30))
    return formatv("{0:f2} GiB", double(N) / (1ULL << 30)).str();
  if (N >= (1ULL << 20))
    return formatv("{0:f1} MiB", double(N) / (1ULL << 20)).str();
  if (N >= (1ULL << 10))
    return formatv("{0:f1} KiB", double(N) / (1ULL << 10)).str();
  return formatv("{0} bytes", N).str();
}

std::string DumpSummary::format() const {
  std::string What = ArchName;
  if (!ArchNotes.empty())
    What += ", " + join(ArchNotes.begin(), ArchNotes.end(), "; ");
  if (KdumpFile)
    What =
        formatv("{0}, {1}; {2}", StringRef(KdumpFile->FormatName).lower(),
                KdumpFile->Form == KdumpForm::Raw ? "raw" : "flattened", What)
            .str();
  std::string Memory =
      formatv("{0} {1}, {2} of guest memory", Blocks,
              Blocks == 1 ? "block" : "blocks", humanBytes(MemoryBytes))
          .str();
  std::string Tail;
  if (!Reader.empty())
    Tail = "; QEMU's memory read " + Reader;
  if (SharedBytes)
    Tail += formatv("; {0} of it shared with the core file, not copied "
                    "(reflink)",
                    humanBytes(SharedBytes))
                .str();
  if (PartialDump) {
    // The first few ranges; `qemu guest-memory-map` has them all.
    constexpr size_t Listed = 4;
    const std::vector<std::string> &M = PartialDump->Missing;
    std::string List =
        join(M.begin(), M.begin() + std::min(M.size(), Listed), "; ");
    if (M.size() > Listed)
      List += formatv("; and {0} more (`qemu guest-memory-map` lists them)",
                      M.size() - Listed)
                  .str();
    Tail += formatv("; partial: {0} of {1} of guest RAM, missing {2}",
                    humanBytes(PartialDump->HeldBytes),
                    humanBytes(PartialDump->TotalBytes), List)
                .str();
  }
  if (!LeftOut.empty())
    Tail += "; left out as in QEMU's own dump: " +
            join(LeftOut.begin(), LeftOut.end(), ", ");
  if (!KdumpFile)
    return formatv("wrote {0} ({1}): {2}, notes: {3}; {4} bytes in {5:f3} s{6}",
                   File, What, Memory, Notes, FileSize, Seconds, Tail)
        .str();
  const KdumpStats &S = KdumpFile->Stats;
  return formatv("wrote {0} ({1}): {2} in {3} pages ({4} zero, {5} "
                 "compressed, {6} stored as is), notes: {7}, utsname from {8} "
                 "(release {9}); {10} bytes in {11:f3} s, {12} compression "
                 "thread{13}{14}",
                 File, What, Memory, S.Pages, S.ZeroPages, S.CompressedPages,
                 S.PlainPages, Notes, KdumpFile->UtsSource, KdumpFile->Release,
                 FileSize, Seconds, S.Threads, S.Threads == 1 ? "" : "s", Tail)
      .str();
}

std::string DumpSummary::formatPhases() const {
  SmallVector<std::string, 10> Parts;
  for (const auto &[Name, Secs] : Phases)
    Parts.push_back(formatv("{0} {1:f3} s", Name, Secs).str());
  return formatv("steps: {0} (of {1:f3} s)",
                 join(Parts.begin(), Parts.end(), ", "), Seconds)
      .str();
}

} // namespace qemudump
