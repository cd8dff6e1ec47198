//===- VmcoreInfoScanner.h - The guest's VMCOREINFO found in its RAM -*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// A Linux kernel keeps the very note QEMU's vmcoreinfo device would have
// read in its own memory: crash_save_vmcoreinfo_init() (kernel/crash_core.c;
// kernel/vmcore_info.c since 6.9) allocates vmcoreinfo_note with
// alloc_pages_exact, so it starts on a page boundary, and writes one ELF note
// there: name "VMCOREINFO", type 0, the VMCOREINFO text (at most a page).
// The device only tells QEMU that page's address, so a note found in guest
// RAM is the same bytes.
//
// The scanner is the MemorySource a writer copies guest memory through: it
// looks at the start of every page it passes on (the copy reads guest RAM
// once, the scan adds no read; a run the writer shares with the core
// without reading it, the scan looks at in place, MappedFileRange.h), and
// find()
// then proves each candidate: its PAGESIZE is the guest's, and its
// SYMBOL(init_uts_ns), translated with its own phys_base or kimage_voffset,
// points at a utsname whose release is its OSRELEASE.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_GUEST_VMCOREINFOSCANNER_H
#define QEMUDUMP_GUEST_VMCOREINFOSCANNER_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Guest/VmcoreInfo.h"
#include "qemudump/Input/MemorySource.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

/// The largest VMCOREINFO text a kernel writes: one page, and pages are at
/// most 64 KiB. The room a writer reserves for a note found by a scan.
constexpr uint64_t MaxScannedVmcoreInfoText = 64 << 10;

class VmcoreInfoScanner : public MemorySource {
public:
  /// Reads through \p Inner, looking for the note of a guest \p A.
  VmcoreInfoScanner(MemorySource &Inner, const Arch &A) : Inner(Inner), A(A) {}

  Extent extent(uint64_t HostAddr, uint64_t MaxLen) override {
    return Inner.extent(HostAddr, MaxLen);
  }
  llvm::Error read(uint64_t HostAddr,
                   llvm::MutableArrayRef<uint8_t> Buf) override;
  Availability availability(uint64_t HostAddr, uint64_t MaxLen) override {
    return Inner.availability(HostAddr, MaxLen);
  }
  bool knowsAvailability() const override { return Inner.knowsAvailability(); }
  std::optional<FileRun> fileRun(uint64_t HostAddr, uint64_t MaxLen) override {
    return Inner.fileRun(HostAddr, MaxLen);
  }
  /// Scans a run the writer shared without reading it: mapped, or read
  /// where the mapping cannot be had or faults.
  llvm::Error tookFileRun(uint64_t HostAddr, const FileRun &Run) override;
  std::optional<std::string> knownDamage() const override {
    return Inner.knownDamage();
  }
  std::optional<uint64_t> truncatedSize() const override {
    return Inner.truncatedSize();
  }
  std::string reader() const override { return Inner.reader(); }

  /// The most candidates kept; that there were more is said, not read.
  static constexpr size_t MaxCandidates = 64;

  /// The QEMU addresses of page starts that hold a VMCOREINFO note header.
  const std::vector<uint64_t> &candidates() const { return Candidates; }

  /// Reads all of \p Map through the scanner, skipping what the inner
  /// source knows to be zeros and going on past what it cannot read (the
  /// copy reports that): a scan before the copy, whose find() is then the
  /// copy's (a candidate seen twice counts once).
  void scanAll(const GuestMemoryMap &Map);

  struct Found {
    VmcoreInfo Info; ///< The note as the guest wrote it.
    uint64_t GuestAddr = 0;
    /// What was found: "found in guest RAM at 0x...", with how many other
    /// candidates were dropped.
    std::string Origin;
  };
  /// The candidate that proves itself, read again from the inner source
  /// through \p Map. None, with a warning saying why, when no candidate
  /// proves itself, or when several different notes do.
  std::optional<Found> find(const GuestMemoryMap &Map,
                            std::vector<std::string> &Warnings);

  /// Whether \p Info (of a guest \p A) proves itself against guest memory;
  /// else why not.
  static llvm::Error prove(const Arch &A, const VmcoreInfo &Info,
                           const GuestMemoryMap &Map, MemorySource &Memory);

private:
  void scan(uint64_t HostAddr, llvm::ArrayRef<uint8_t> Data);
  void addCandidate(uint64_t Host);
  /// The note at \p Host, in at most \p Room bytes.
  llvm::Expected<VmcoreInfo> readNote(uint64_t Host, uint64_t Room);

  MemorySource &Inner;
  const Arch &A;
  std::vector<uint64_t> Candidates;
  bool TooMany = false;
};

} // namespace qemudump

#endif // QEMUDUMP_GUEST_VMCOREINFOSCANNER_H
