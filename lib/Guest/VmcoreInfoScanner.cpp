//===- VmcoreInfoScanner.cpp - The guest's VMCOREINFO found in its RAM ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/VmcoreInfoScanner.h"

#include "Input/MappedFileRange.h"
#include "qemudump/Guest/GuestKernelInfo.h"
#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstring>

using namespace llvm;

namespace qemudump {

namespace {

constexpr char NoteName[12] = "VMCOREINFO"; // padded to 4: 12 bytes
constexpr uint64_t HeaderSize = 12 + sizeof(NoteName);

Error notProved(const Twine &Why) {
  return createStringError(inconvertibleErrorCode(), Why.str());
}

/// Whether \p P starts like the kernel's VMCOREINFO note: namesz 11,
/// 0 < descsz <= a page, type 0, the name.
bool looksLikeNote(const uint8_t *P, bool LittleEndian) {
  endianness E = LittleEndian ? endianness::little : endianness::big;
  uint32_t NameSize = support::endian::read32(P, E);
  uint32_t DescSize = support::endian::read32(P + 4, E);
  uint32_t Type = support::endian::read32(P + 8, E);
  return NameSize == 11 && DescSize > 0 &&
         DescSize <= MaxScannedVmcoreInfoText && Type == 0 &&
         std::memcmp(P + 12, NoteName, sizeof(NoteName)) == 0;
}

} // namespace

Error VmcoreInfoScanner::read(uint64_t HostAddr, MutableArrayRef<uint8_t> Buf) {
  if (Error E = Inner.read(HostAddr, Buf))
    return E;
  scan(HostAddr, Buf);
  return Error::success();
}

Error VmcoreInfoScanner::tookFileRun(uint64_t HostAddr, const FileRun &Run) {
  if (Error E = Inner.tookFileRun(HostAddr, Run))
    return E;
  // The writer shared the run without reading it; the scan looks at it in
  // place, a slice at a time (of a warm 768 MiB run on XFS: ~35 ms mapped,
  // ~110 ms read into a buffer, ~300 ms with a pread of each page's
  // header). A slice that cannot be mapped, or faults, is read instead:
  // read() then fails with the byte and the cause, never a SIGBUS.
  constexpr uint64_t Slice = 64 << 20;
  std::vector<uint8_t> Buf;
  for (uint64_t Pos = 0; Pos < Run.Length;) {
    uint64_t N = std::min(Slice, Run.Length - Pos);
    if (!lookAtMapped(Run.FD, Run.Offset + Pos, N,
                      [&](ArrayRef<uint8_t> D) { scan(HostAddr + Pos, D); })) {
      Buf.resize(std::min<uint64_t>(N, 4 << 20));
      for (uint64_t Done = 0; Done < N;) {
        MutableArrayRef<uint8_t> Chunk(
            Buf.data(), std::min<uint64_t>(Buf.size(), N - Done));
        if (Error E = read(HostAddr + Pos + Done, Chunk))
          return E;
        Done += Chunk.size();
      }
    }
    Pos += N;
  }
  return Error::success();
}

void VmcoreInfoScanner::scan(uint64_t HostAddr, ArrayRef<uint8_t> Data) {
  // QEMU's RAM is page-aligned in QEMU's memory as in the guest's: a page
  // start of one is a page start of the other.
  uint64_t PS = A.pageSize();
  uint64_t First = alignTo(HostAddr, PS) - HostAddr;
  for (uint64_t Off = First; Off + HeaderSize <= Data.size(); Off += PS)
    if (Data[Off] == 11 || Data[Off + 3] == 11) // namesz, either order
      if (looksLikeNote(Data.data() + Off, A.isLittleEndian()))
        addCandidate(HostAddr + Off);
}

void VmcoreInfoScanner::addCandidate(uint64_t Host) {
  // A page read twice (a kdump writer's two passes) is one candidate.
  if (Candidates.size() == MaxCandidates) {
    llvm::sort(Candidates);
    Candidates.erase(std::unique(Candidates.begin(), Candidates.end()),
                     Candidates.end());
  }
  if (Candidates.size() < MaxCandidates)
    Candidates.push_back(Host);
  else if (!std::binary_search(Candidates.begin(), Candidates.end(), Host))
    TooMany = true; // a guest writing note headers everywhere
}

void VmcoreInfoScanner::scanAll(const GuestMemoryMap &Map) {
  std::vector<uint8_t> Buf(4 << 20);
  for (const MemoryBlock &B : Map.blocks())
    for (uint64_t Pos = 0; Pos < B.size();) {
      uint64_t N = std::min<uint64_t>(Buf.size(), B.size() - Pos);
      // Known zeros (holes of the core) hold no note.
      MemorySource::Extent X = extent(B.HostAddr + Pos, N);
      if (X.Zero) {
        Pos += std::max<uint64_t>(X.Length, 1);
        continue;
      }
      N = std::min<uint64_t>(N, std::max<uint64_t>(X.Length, 1));
      consumeError(
          read(B.HostAddr + Pos, MutableArrayRef<uint8_t>(Buf.data(), N)));
      Pos += N;
    }
}

Error VmcoreInfoScanner::prove(const Arch &A, const VmcoreInfo &Info,
                               const GuestMemoryMap &Map,
                               MemorySource &Memory) {
  StringRef Release = Info.release();
  if (Release.empty())
    return notProved("no OSRELEASE");
  std::optional<uint64_t> PageSize = Info.pageSize();
  if (!PageSize || !is_contained(A.PageSizes, *PageSize))
    return notProved(
        formatv("PAGESIZE is '{0}', not a page size of {1} "
                "({2:$[, ]})",
                Info.value("PAGESIZE").value_or(""), A.Name,
                make_range(A.PageSizes.begin(), A.PageSizes.end())));
  if (Info.value("SYMBOL(init_uts_ns)").value_or("").empty())
    return notProved("no SYMBOL(init_uts_ns)");
  std::optional<InitUtsNsAddress> Where = locateInitUtsNs(A, Info);
  if (!Where)
    return notProved(formatv("its SYMBOL(init_uts_ns) cannot be translated "
                             "to a guest-physical address on {0}",
                             A.Name));
  Expected<std::array<std::string, 6>> Uts =
      readInitUtsname(Map, Memory, Info, *Where);
  if (!Uts)
    return notProved(formatv("init_uts_ns (physical {0:x}): {1}", Where->Paddr,
                             toString(Uts.takeError())));
  if ((*Uts)[2] != Release)
    return notProved(formatv("init_uts_ns says release '{0}', the note '{1}'",
                             (*Uts)[2], Release));
  return Error::success();
}

Expected<VmcoreInfo> VmcoreInfoScanner::readNote(uint64_t Host, uint64_t Room) {
  // The header, then exactly the note it announces (no more: what follows
  // the note need not be readable).
  if (Room < HeaderSize)
    return notProved("its header overruns its block");
  std::vector<uint8_t> Buf(HeaderSize);
  if (Error E = Inner.read(Host, Buf))
    return std::move(E);
  endianness E = A.isLittleEndian() ? endianness::little : endianness::big;
  uint64_t Size = noteSize(support::endian::read32(Buf.data(), E),
                           support::endian::read32(Buf.data() + 4, E));
  if (Size > Room)
    return notProved(formatv("note of {0} bytes overruns its block", Size));
  Buf.resize(Size);
  if (Error Err = Inner.read(Host, Buf))
    return std::move(Err);
  return VmcoreInfo::fromNote(Buf, A.isLittleEndian());
}

std::optional<VmcoreInfoScanner::Found>
VmcoreInfoScanner::find(const GuestMemoryMap &Map,
                        std::vector<std::string> &Warnings) {
  llvm::sort(Candidates);
  Candidates.erase(std::unique(Candidates.begin(), Candidates.end()),
                   Candidates.end());
  std::vector<Found> Proved;
  std::vector<std::string> Rejected;
  for (uint64_t Host : Candidates) {
    const MemoryBlock *B = Map.blockOfHost(Host);
    if (!B)
      continue;
    uint64_t Guest = B->GuestStart + (Host - B->HostAddr);
    uint64_t Room = std::min<uint64_t>(B->HostAddr + B->size() - Host,
                                       HeaderSize + MaxScannedVmcoreInfoText);
    Expected<VmcoreInfo> Note = readNote(Host, Room);
    Error Why = Note ? prove(A, *Note, Map, Inner) : Note.takeError();
    if (Why) {
      Rejected.push_back(
          formatv("{0:x}: {1}", Guest, toString(std::move(Why))).str());
      continue;
    }
    Proved.push_back({std::move(*Note), Guest, ""});
  }
  if (TooMany)
    Warnings.push_back(formatv("more than {0} pages of guest RAM start with a "
                               "VMCOREINFO note header; only the first {0} "
                               "were looked at",
                               MaxCandidates)
                           .str());
  if (Rejected.size() > 8) {
    size_t More = Rejected.size() - 8;
    Rejected.resize(8);
    Rejected.push_back(formatv("{0} more", More).str());
  }
  if (Proved.empty()) {
    Warnings.push_back(
        Candidates.empty()
            ? "no VMCOREINFO note in guest RAM (QEMU had no vmcoreinfo "
              "device, or the guest did not use it): the vmcore has no "
              "VMCOREINFO note; --vmcoreinfo FILE gives one"
            : formatv("no VMCOREINFO note in guest RAM proves itself ({0}): "
                      "the vmcore has no VMCOREINFO note; --vmcoreinfo FILE "
                      "gives one",
                      join(Rejected, "; "))
                  .str());
    return std::nullopt;
  }
  for (const Found &F : Proved)
    if (F.Info.note() != Proved.front().Info.note()) {
      Warnings.push_back(
          formatv("different VMCOREINFO notes in guest RAM prove themselves, "
                  "at {0:x} and {1:x}: the vmcore has no VMCOREINFO note "
                  "rather than a wrong one; --vmcoreinfo FILE gives one",
                  Proved.front().GuestAddr, F.GuestAddr)
              .str());
      return std::nullopt;
    }
  Found F = std::move(Proved.front());
  F.Origin = formatv("found in guest RAM at {0:x}", F.GuestAddr).str();
  size_t Others = Candidates.size() - 1;
  if (Others)
    F.Origin +=
        formatv(", {0} other candidate{1}", Others, Others == 1 ? "" : "s")
            .str();
  return F;
}

} // namespace qemudump
