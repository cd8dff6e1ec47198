//===- VmcoreWriter.h - One vmcore format: lay out, then write --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every vmcore format is one VmcoreWriter, as llvm-objcopy's writers are:
// layOut() places everything before a byte is written (and may read guest
// memory for it: a kdump file's block size is the guest kernel's page
// size), write() then copies guest memory into the file and puts the
// headers and notes in last (the notes may need what the copy read:
// VmcoreNotes.h). The formats: ELF (ElfVmcoreWriter.h) and makedumpfile's
// kdump-compressed file (KdumpWriter.h).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_VMCORE_VMCOREWRITER_H
#define QEMUDUMP_VMCORE_VMCOREWRITER_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Guest/GuestKernelInfo.h"
#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Input/MemorySource.h"
#include "qemudump/Notes/VmcoreNotes.h"
#include "qemudump/Vmcore/KdumpCompression.h"
#include "qemudump/Vmcore/OutputFile.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

/// Called after each chunk with the bytes of guest memory copied so far and
/// the total; returning false stops the dump with an "interrupted" error.
using ProgressFn = llvm::function_ref<bool(uint64_t Done, uint64_t Total)>;

/// The size of each read from the memory source.
constexpr size_t CopyChunkSize = 4 << 20;

/// What a vmcore is written from.
struct VmcoreInput {
  const Arch &Guest;
  /// The blocks the vmcore holds (all of guest RAM, or what --begin and
  /// --length select).
  const GuestMemoryMap &Map;
  /// All of guest RAM: where the guest kernel's own structures (its
  /// init_uts_ns) are looked for.
  const GuestMemoryMap &GuestRam;
  VmcoreNotes &Notes;
  /// Guest memory, read a chunk at a time (through the VMCOREINFO scanner
  /// when the notes wait for one).
  MemorySource &Memory;
  /// What costs the vmcore a part (its utsname, say), not the whole.
  std::vector<std::string> &Warnings;
  /// A partial dump: the RAM Map would hold had the core all of it (Map is
  /// the part the core holds). A kdump file marks the pages of Ram that Map
  /// lacks excluded; an ELF vmcore has no PT_LOAD for them. Null: Map.
  const GuestMemoryMap *Ram = nullptr;
};

/// The raw (seekable) kdump file, or makedumpfile's flattened stream of it.
enum class KdumpForm { Raw, Flattened };

struct KdumpOptions {
  KdumpCompression Compression = KdumpCompression::Zlib;
  KdumpForm Form = KdumpForm::Raw;
  /// Compression threads; 0 picks defaultKdumpThreads().
  unsigned Threads = 0;
  /// The block (page) size; 0: the guest kernel's page size where its
  /// VMCOREINFO says, else the arch's default page size.
  uint32_t BlockSize = 0;
  /// nr_cpus; 0: the note segment's vCPU count (at least 1).
  unsigned NrCpus = 0;
  /// The header's time stamp (seconds since the epoch); unset: now.
  std::optional<int64_t> Timestamp;
  /// What the headers say of the guest kernel; unset: what its VMCOREINFO
  /// (as the copy finished the notes) and its init_uts_ns say
  /// (readGuestKernelInfo).
  std::optional<GuestKernelInfo> Guest;
};

struct KdumpStats {
  uint64_t Pages = 0;           ///< Pages dumped (all of guest RAM's).
  uint64_t ZeroPages = 0;       ///< Pointing at the shared zero page.
  uint64_t CompressedPages = 0; ///< Stored compressed.
  uint64_t PlainPages = 0;      ///< Stored as is (compression did not help).
  unsigned Threads = 0;
  uint32_t BlockSize = 0;
  GuestKernelInfo Guest; ///< What the headers say of the guest kernel.
};

struct VmcoreStats {
  uint64_t FileSize = 0;
  uint64_t MemoryBytes = 0;
  /// Of MemoryBytes, those shared with the source file rather than written
  /// (OutputFile::appendShared).
  uint64_t SharedBytes = 0;
  /// A kdump file's pages and headers.
  std::optional<KdumpStats> Kdump;
};

class VmcoreWriter {
public:
  virtual ~VmcoreWriter();
  /// "ELF", "kdump": what the dump's steps call the writing.
  virtual llvm::StringRef formatName() const = 0;
  /// Where everything goes, before a byte is written: fails when the
  /// vmcore cannot hold the guest (a 32-bit ELF above 4 GiB, say).
  virtual llvm::Error layOut() = 0;
  /// The file, into \p Out (after layOut()). A read that fails aborts it
  /// with a MemoryFault naming the guest-physical range.
  virtual llvm::Expected<VmcoreStats> write(OutputFile &Out,
                                            ProgressFn Progress) = 0;
};

/// An ELF vmcore of class \p ElfClass (vmcoreElfClass() says which): one
/// PT_LOAD per block (ElfVmcoreWriter.h).
std::unique_ptr<VmcoreWriter> createElfWriter(const VmcoreInput &In,
                                              uint8_t ElfClass);

/// makedumpfile's kdump-compressed file (KdumpWriter.h).
std::unique_ptr<VmcoreWriter> createKdumpWriter(const VmcoreInput &In,
                                                const KdumpOptions &Options);

/// min(2, the number of hardware threads), at least 1.
unsigned defaultKdumpThreads();

} // namespace qemudump

#endif // QEMUDUMP_VMCORE_VMCOREWRITER_H
