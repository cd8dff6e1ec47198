//===- KdumpWriter.h - Write the guest's memory as a kdump file -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Writes makedumpfile's kdump-compressed format (KdumpFormat.h) as crash,
// makedumpfile and libkdumpfile/drgn read it: the layout is computed first
// (kdump::layOut), then the bitmaps, the shared zero page and the pages are
// emitted, and last the headers and notes (which may need what the copy read:
// VmcoreNotes.h). Two forms of the same file: raw (the seekable file itself,
// QEMU's kdump-raw-*) and flattened (makedumpfile's streamable form, what
// QEMU's kdump-* write; its records may come in any order, `makedumpfile -R`
// and crash place each at its offset).
//
// Pages are compressed by a pool of worker threads (CompressorPool.h) while
// the calling thread reads guest memory and writes the results in order;
// memory use is bounded (a few batches of 1 MiB per thread).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_KDUMPWRITER_H
#define QEMUDUMP_KDUMPWRITER_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Vmcore/ElfVmcoreWriter.h"
#include "qemudump/Guest/GuestKernelInfo.h"
#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Vmcore/KdumpCompression.h"
#include "qemudump/Input/MemorySource.h"
#include "qemudump/Notes/NoteSegment.h"
#include "qemudump/Vmcore/OutputFile.h"
#include "qemudump/Notes/VmcoreNotes.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <optional>

namespace qemudump {

/// The raw (seekable) file, or makedumpfile's flattened stream of it.
enum class KdumpForm { Raw, Flattened };

struct KdumpOptions {
  KdumpCompression Compression = KdumpCompression::Zlib;
  KdumpForm Form = KdumpForm::Raw;
  /// Compression threads; 0 picks defaultKdumpThreads().
  unsigned Threads = 0;
  /// The block (page) size: the guest kernel's page size; 0: the arch's
  /// default page size.
  uint32_t BlockSize = 0;
  /// nr_cpus; 0: the note segment's vCPU count (at least 1).
  unsigned NrCpus = 0;
  /// The header's time stamp (seconds since the epoch); unset: now.
  std::optional<int64_t> Timestamp;
  /// The guest kernel's utsname and phys_base for the headers, given the
  /// finished notes' VMCOREINFO text (if any).
  std::function<GuestKernelInfo(std::optional<llvm::StringRef>)> GuestInfo;
};

/// min(2, the number of hardware threads), at least 1.
unsigned defaultKdumpThreads();

struct KdumpStats {
  uint64_t FileSize = 0;
  uint64_t MemoryBytes = 0;
  uint64_t Pages = 0;           ///< Pages dumped (all of guest RAM's).
  uint64_t ZeroPages = 0;       ///< Pointing at the shared zero page.
  uint64_t CompressedPages = 0; ///< Stored compressed.
  uint64_t PlainPages = 0;      ///< Stored as is (compression did not help).
  unsigned Threads = 0;
  GuestKernelInfo Guest; ///< What the headers say of the guest kernel.
};

/// Writes the kdump file for \p Map to \p Out, with the notes \p Notes
/// gives once guest memory is copied. Fails when \p Options' compression is
/// not built in, a read fails (a MemoryFault naming the guest-physical
/// range), or a write fails; \p Progress as for writeElfVmcore.
llvm::Expected<KdumpStats>
writeKdumpVmcore(OutputFile &Out, const Arch &A, const GuestMemoryMap &Map,
                 VmcoreNotes &Notes, MemorySource &Memory,
                 const KdumpOptions &Options, ProgressFn Progress);

} // namespace qemudump

#endif // QEMUDUMP_KDUMPWRITER_H
