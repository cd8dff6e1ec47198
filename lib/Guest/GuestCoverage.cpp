//===- GuestCoverage.cpp - What of guest RAM a core holds -----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/GuestCoverage.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace llvm;

namespace qemudump {

namespace {

MissingCause causeOf(MemoryFault::Kind K) {
  switch (K) {
  case MemoryFault::Truncated:
    return MissingCause::Truncated;
  case MemoryFault::FileBacked:
    return MissingCause::SharedFile;
  default:
    return MissingCause::NotInCore;
  }
}

/// Adds \p M to \p Out, joined to the last range when it continues it.
void addMissing(std::vector<MissingRange> &Out, MissingRange M) {
  if (!Out.empty()) {
    MissingRange &Last = Out.back();
    if (Last.GuestEnd == M.GuestStart &&
        Last.HostAddr + Last.size() == M.HostAddr && Last.Cause == M.Cause &&
        Last.Region == M.Region) {
      Last.GuestEnd = M.GuestEnd;
      return;
    }
  }
  Out.push_back(std::move(M));
}

/// The part of \p Known that overlaps guest-physical [Start, End), the
/// first one at or after Start; null when none does.
const MissingRange *knownAt(ArrayRef<MissingRange> Known, uint64_t Start,
                            uint64_t End) {
  const MissingRange *First = nullptr;
  for (const MissingRange &K : Known)
    if (K.GuestEnd > Start && K.GuestStart < End &&
        (!First || K.GuestStart < First->GuestStart))
      First = &K;
  return First;
}

} // namespace

std::string MissingRange::why() const {
  switch (Cause) {
  case MissingCause::Truncated:
    return formatv("past the end of the cut core (file offset {0:x})",
                   FileOffset);
  case MissingCause::NotInCore:
    return formatv("in no segment of the core (QEMU address {0:x})", HostAddr);
  case MissingCause::SharedFile:
    return "a shared file mapping, left out by coredump_filter (bit 3, 0x08)";
  case MissingCause::SharedHugetlb:
    return "shared hugetlbfs pages, left out by coredump_filter (bit 6, 0x40)";
  case MissingCause::DumpOffBackend:
    return formatv("memory backend '{0}', run with dump=off", Region);
  }
  llvm_unreachable("a missing cause without words");
}

uint64_t GuestCoverage::missingBytes(MissingCause C) const {
  uint64_t N = 0;
  for (const MissingRange &M : Missing)
    if (M.Cause == C)
      N += M.size();
  return N;
}

GuestCoverage coverageOf(const GuestMemoryMap &Map, MemorySource &Memory,
                         ArrayRef<MissingRange> Known, ClassifyFn Classify) {
  GuestCoverage C;
  C.TotalBytes = Map.totalBytes();
  for (const MemoryBlock &B : Map.blocks()) {
    for (uint64_t Pos = 0; Pos < B.size();) {
      uint64_t Guest = B.GuestStart + Pos, Host = B.HostAddr + Pos;
      uint64_t Left = B.size() - Pos;
      // Left out beforehand (QEMU's side knows), up to its end.
      if (const MissingRange *K = knownAt(Known, Guest, Guest + Left)) {
        if (K->GuestStart <= Guest) {
          uint64_t N = std::min(Left, K->GuestEnd - Guest);
          MissingRange M = *K;
          M.GuestStart = Guest;
          M.GuestEnd = Guest + N;
          M.HostAddr = Host;
          addMissing(C.Missing, std::move(M));
          Pos += N;
          continue;
        }
        Left = K->GuestStart - Guest; // the source's, up to it
      }
      MemorySource::Availability A = Memory.availability(Host, Left);
      uint64_t N = std::clamp<uint64_t>(A.Length, 1, Left);
      if (A.Held) {
        // Within a block: the same continuity, so addRange cannot fail.
        cantFail(C.Held.addRange(Guest, N, Host));
      } else {
        MissingRange M;
        M.GuestStart = Guest;
        M.GuestEnd = Guest + N;
        M.HostAddr = Host;
        M.Cause = causeOf(A.Why);
        M.FileOffset = A.FileOffset;
        if (M.Cause == MissingCause::SharedFile && Classify)
          Classify(M);
        addMissing(C.Missing, std::move(M));
      }
      Pos += N;
    }
  }
  return C;
}

std::string coreCutExplanation(uint64_t CoreSize) {
  constexpr uint64_t GiB = 1ULL << 30, MiB = 1ULL << 20;
  const char *Raise =
      "for whole cores, raise ProcessSizeMax= and ExternalSizeMax= above "
      "QEMU's size in /etc/systemd/coredump.conf (or a drop-in in "
      "/etc/systemd/coredump.conf.d/) before the next crash";
  if (CoreSize == 2 * GiB)
    return formatv("as systemd-coredump's default ProcessSizeMax=2G (systemd "
                   "250 and earlier) cuts cores; {0}",
                   Raise);
  if (CoreSize == 32 * GiB)
    return formatv("as systemd-coredump's default ProcessSizeMax=32G (systemd "
                   "251 and later, 64-bit) cuts cores; {0}",
                   Raise);
  if (CoreSize % MiB == 0)
    return formatv("a round size, as a size limit cuts cores: "
                   "systemd-coredump's ProcessSizeMax= or ExternalSizeMax=, "
                   "or the shell's ulimit -c; {0}, or raise ulimit -c",
                   Raise);
  return "not a round size, so likely not a configured size limit: a full "
         "disk, a copy that stopped, or the shell's ulimit -c (which stops "
         "at the last write that fits)";
}

} // namespace qemudump
