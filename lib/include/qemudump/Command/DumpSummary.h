//===- DumpSummary.h - The line a successful dump ends with -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What `qemu dump-guest-memory` says when it is done: the file, its format
// and arch (and how the arch was chosen), the guest memory and notes it
// holds, its size and the time it took; for a kdump file also its pages and
// where its utsname came from. One formatter for every format.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_COMMAND_DUMPSUMMARY_H
#define QEMUDUMP_COMMAND_DUMPSUMMARY_H

#include "qemudump/Vmcore/VmcoreWriter.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qemudump {

/// "1.25 GiB", "528.1 MiB", "12.0 KiB", "512 bytes".
std::string humanBytes(uint64_t N);

struct DumpSummary {
  std::string File;
  std::string ArchName;
  /// How the arch and the file's class were chosen, each a phrase ("inferred:
  /// vCPU 0 is in long mode", "ELF64: guest RAM above 4 GiB").
  llvm::SmallVector<std::string, 2> ArchNotes;
  size_t Blocks = 0;
  uint64_t MemoryBytes = 0;
  std::string Notes; ///< NoteSegment::describe().
  /// RAM regions left out, as QEMU's own dump leaves them out, each with
  /// why: "vfio-bar (ram_device)".
  llvm::SmallVector<std::string, 2> LeftOut;
  uint64_t FileSize = 0;
  double Seconds = 0;
  /// How QEMU's memory was read: MemorySource::reader(); empty to leave it
  /// unsaid.
  std::string Reader;
  /// Guest memory shared with the core file rather than copied (reflink).
  uint64_t SharedBytes = 0;

  /// Set for a partial dump (--partial from a core that lacks RAM).
  struct Partial {
    uint64_t HeldBytes = 0, TotalBytes = 0;
    /// Each missing range: describeMissing().
    std::vector<std::string> Missing;
  };
  std::optional<Partial> PartialDump;

  /// Set for a kdump file.
  struct Kdump {
    std::string FormatName; ///< As given: kdump-zlib, kdump-raw-zstd...
    KdumpForm Form = KdumpForm::Raw;
    KdumpStats Stats;
    std::string UtsSource, Release;
  };
  std::optional<Kdump> KdumpFile;

  /// How long each step took, in order: {"QEMU's session", 0.012}...
  llvm::SmallVector<std::pair<std::string, double>, 10> Phases;

  /// The line: "wrote FILE (ARCH, ...): N blocks, ... in S s".
  std::string format() const;
  /// "steps: QEMU's session 0.012 s, ... (of S s)".
  std::string formatPhases() const;
};

} // namespace qemudump

#endif // QEMUDUMP_COMMAND_DUMPSUMMARY_H
