//===- CoverageReport.cpp - What a dump says of RAM a core lacks ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Command/CoverageReport.h"

#include "qemudump/Command/DumpSummary.h"
#include "qemudump/Input/MemoryFault.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

/// "1 range", "3 ranges".
std::string ranges(size_t N) {
  return formatv("{0} range{1}", N, N == 1 ? "" : "s").str();
}

/// The missing ranges of cause \p Cause: how many, and their bytes.
std::pair<size_t, uint64_t> countOf(const GuestCoverage &C,
                                    MissingCause Cause) {
  size_t N = 0;
  for (const MissingRange &M : C.Missing)
    N += M.Cause == Cause;
  return {N, C.missingBytes(Cause)};
}

/// The backends of the dump=off ranges, quoted and comma separated.
std::string dumpOffBackends(const GuestCoverage &C) {
  std::vector<std::string> Names;
  for (const MissingRange &M : C.Missing)
    if (M.Cause == MissingCause::DumpOffBackend &&
        !is_contained(Names, "'" + M.Region + "'"))
      Names.push_back("'" + M.Region + "'");
  return join(Names, ", ");
}

/// What the cause keeps out of the vmcore, and how to keep it in the next
/// core: the tail of its warning.
std::string causeWarning(const GuestCoverage &C, MissingCause Cause,
                         std::optional<uint64_t> CoreSize) {
  switch (Cause) {
  case MissingCause::Truncated:
    if (CoreSize)
      return formatv("it lies past the end of the core file, cut at {0} bytes "
                     "({1})",
                     *CoreSize, coreCutExplanation(*CoreSize));
    return "it lies past the end of the core file";
  case MissingCause::NotInCore:
    return "it is at QEMU addresses no segment of the core holds (a core "
           "written without them, or a corrupt RAMBlock.host)";
  case MissingCause::SharedFile:
    return "it is a shared file mapping, which the kernel's coredump_filter "
           "left out of the core (set its bit 3, 0x08, before the next "
           "crash: echo 0x3b > /proc/QEMU_PID/coredump_filter)";
  case MissingCause::SharedHugetlb:
    return "it is shared hugetlbfs pages, which the kernel's coredump_filter "
           "left out of the core (set its bit 6, 0x40, before the next "
           "crash: echo 0x73 > /proc/QEMU_PID/coredump_filter)";
  case MissingCause::DumpOffBackend:
    return formatv("it is memory backend {0}, which QEMU ran with dump=off "
                   "(give it dump=on for the next core)",
                   dumpOffBackends(C));
  }
  llvm_unreachable("a missing cause without words");
}

} // namespace

std::string heldSentence(const GuestCoverage &C, bool Selected) {
  if (Selected)
    return formatv("the core holds {0} of the {1} of guest RAM that "
                   "--begin/--length select",
                   humanBytes(C.heldBytes()), humanBytes(C.TotalBytes));
  return formatv("the core holds {0} of the guest's {1} of RAM",
                 humanBytes(C.heldBytes()), humanBytes(C.TotalBytes));
}

std::string partialOffer(const GuestCoverage &C, bool Selected) {
  std::string Held = heldSentence(C, Selected);
  Held[0] = toUpper(Held[0]);
  if (C.heldBytes() == 0)
    return Held + ": nothing to dump, not even with --partial";
  return formatv("{0}: --partial writes those and leaves the rest out of the "
                 "vmcore (not as zeros: readers see it missing)",
                 Held);
}

std::string truncatedRefusal(const MissingRange &First, StringRef Region,
                             const GuestCoverage &C,
                             std::optional<uint64_t> CoreSize) {
  auto [N, Bytes] = countOf(C, MissingCause::Truncated);
  std::string Cut =
      CoreSize ? formatv("the core file is truncated at {0} bytes ({1})",
                         *CoreSize, coreCutExplanation(*CoreSize))
                     .str()
               : std::string("the core file is truncated");
  return formatv("{0}: guest RAM from guest-physical [{1:x}, {2:x}) of "
                 "region '{3}' onward ({4} in {5} in all) lies past its end, "
                 "and QEMU is gone: its core cannot be taken again",
                 Cut, First.GuestStart, First.GuestEnd, Region,
                 humanBytes(Bytes), ranges(N))
      .str();
}

Error structuresUnreadable(Error E, const MemorySource &Source) {
  std::optional<uint64_t> Size = Source.truncatedSize();
  std::optional<std::string> Damage = Source.knownDamage();
  if (!E || !Size || !Damage || !E.isA<StructuresUnreadable>())
    return withKnownDamage(std::move(E), Source);
  return createStringError(
      inconvertibleErrorCode(),
      formatv("{0} ({1}), and QEMU's own structures lie past its end: {2}. "
              "Without QEMU's memory map no dump can be made, not even a "
              "partial one (--partial)",
              *Damage, coreCutExplanation(*Size), toString(std::move(E)))
          .str());
}

std::vector<std::string> partialWarnings(const GuestCoverage &C,
                                         std::optional<uint64_t> CoreSize) {
  std::vector<std::string> W;
  for (MissingCause Cause :
       {MissingCause::Truncated, MissingCause::NotInCore,
        MissingCause::SharedFile, MissingCause::SharedHugetlb,
        MissingCause::DumpOffBackend}) {
    auto [N, Bytes] = countOf(C, Cause);
    if (N == 0)
      continue;
    W.push_back(formatv("partial dump: {0} of guest RAM in {1} is not in "
                        "the vmcore: {2}",
                        humanBytes(Bytes), ranges(N),
                        causeWarning(C, Cause, CoreSize))
                    .str());
  }
  return W;
}

std::string otherCauses(const GuestCoverage &C, MissingCause Said) {
  std::string Out;
  for (MissingCause Cause :
       {MissingCause::Truncated, MissingCause::NotInCore,
        MissingCause::SharedFile, MissingCause::SharedHugetlb,
        MissingCause::DumpOffBackend}) {
    auto [N, Bytes] = countOf(C, Cause);
    if (N == 0 || Cause == Said)
      continue;
    const MissingRange *First = nullptr;
    for (const MissingRange &M : C.Missing)
      if (!First && M.Cause == Cause)
        First = &M;
    Out += formatv("{0}{1} in {2} from [{3:x}, {4:x}) on: {5}",
                   Out.empty() ? "The core also lacks " : "; and ",
                   humanBytes(Bytes), ranges(N), First->GuestStart,
                   First->GuestEnd, First->why())
               .str();
  }
  return Out.empty() ? Out : Out + ". ";
}

std::string describeMissing(const MissingRange &M) {
  return formatv("[{0:x}, {1:x}) {2}: {3}", M.GuestStart, M.GuestEnd,
                 humanBytes(M.size()), M.why())
      .str();
}

std::string coverageCell(const GuestCoverage &C) {
  if (C.complete())
    return "core: all";
  std::string Why = C.Missing.front().why();
  if (C.heldBytes() == 0)
    return "core: none, " + Why;
  return formatv("core: {0} of {1}, the rest {2}", humanBytes(C.heldBytes()),
                 humanBytes(C.TotalBytes), Why);
}

} // namespace qemudump
