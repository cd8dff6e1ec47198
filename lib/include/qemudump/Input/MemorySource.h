//===- MemorySource.h - Where QEMU's memory is read from -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The writers pull guest memory from a MemorySource by host (QEMU-virtual)
// address: CoreFileMemory reads a core file, the plugin's ProcessMemory goes
// through SBProcess::ReadMemory, tests use in-memory sources. Every read
// fails with a MemoryFault (MemoryFault.h).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_INPUT_MEMORYSOURCE_H
#define QEMUDUMP_INPUT_MEMORYSOURCE_H

#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Input/MemoryFault.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qemudump {

class MemorySource {
public:
  virtual ~MemorySource();

  /// A run of memory starting at some address: either known to be all zero
  /// without reading it (pages the core file does not store), or to be read.
  struct Extent {
    bool Zero = false;
    uint64_t Length = 0; ///< > 0
  };

  /// What is known of [HostAddr, HostAddr + MaxLen) before reading it: the
  /// first run, at most \p MaxLen long. The default knows nothing: all of it
  /// is to be read. A wrong "zero" here would be a silently wrong vmcore, so
  /// a source says Zero only for memory it knows to be zero.
  virtual Extent extent(uint64_t HostAddr, uint64_t MaxLen) {
    (void)HostAddr;
    return {false, MaxLen};
  }

  /// Memory stored as is in a file the source has open: the bytes of \p FD
  /// at [Offset, Offset + Length).
  struct FileRun {
    int FD = -1;
    uint64_t Offset = 0;
    uint64_t Length = 0; ///< > 0
  };

  /// The first run of [HostAddr, HostAddr + MaxLen) that read() would copy
  /// unchanged from a file, at most \p MaxLen long, for a writer that can
  /// share the file's blocks instead of copying them (OutputFile::
  /// appendShared); none where the memory there is not stored as is (the
  /// default), e.g. zeros the file leaves out. Never a run read() would fail
  /// on.
  virtual std::optional<FileRun> fileRun(uint64_t HostAddr, uint64_t MaxLen) {
    (void)HostAddr;
    (void)MaxLen;
    return std::nullopt;
  }

  /// Tells the source that the writer put \p Run, the memory at \p HostAddr
  /// that fileRun() gave, in its output without read(). A source that must
  /// see all that passes through it (VmcoreInfoScanner) reads what it needs
  /// of the run here. Nothing by default.
  virtual llvm::Error tookFileRun(uint64_t HostAddr, const FileRun &Run) {
    (void)HostAddr;
    (void)Run;
    return llvm::Error::success();
  }

  /// Whether the source holds a run of memory (stored, or known zeros), or
  /// lacks it altogether: its bytes are not there, and are not zeros.
  struct Availability {
    bool Held = true;
    uint64_t Length = 0; ///< > 0
    /// Why not held: MemoryFault::Truncated, NotMapped or FileBacked.
    MemoryFault::Kind Why = MemoryFault::Other;
    /// Truncated: where the run's bytes would be in the source's file.
    uint64_t FileOffset = 0;
  };

  /// What the source holds of [HostAddr, HostAddr + MaxLen): the first run,
  /// at most \p MaxLen long. The default holds all of it (read() says what
  /// it cannot read). A source that knows what it lacks (a core file cut
  /// short, or without some mappings) says so here, so that a dump can leave
  /// that memory out instead of failing on it.
  virtual Availability availability(uint64_t HostAddr, uint64_t MaxLen) {
    (void)HostAddr;
    return {true, MaxLen};
  }
  /// Whether availability() knows what the source lacks (else it says all
  /// is held, and read() finds out).
  virtual bool knowsAvailability() const { return false; }

  /// Fills all of \p Buf from host address \p HostAddr, or fails with a
  /// MemoryFault saying which address could not be read and why. Never fills
  /// what it could not read with zeros.
  virtual llvm::Error read(uint64_t HostAddr,
                           llvm::MutableArrayRef<uint8_t> Buf) = 0;

  /// What is known to be wrong with the source as a whole, for errors about
  /// anything read from it ("the core file 'X' is truncated: ..."); none by
  /// default.
  virtual std::optional<std::string> knownDamage() const {
    return std::nullopt;
  }

  /// The size of the source's file when it is shorter than its own headers
  /// say (a core cut short), for what a cut at that size suggests
  /// (coreCutExplanation); none when whole, or not a file.
  virtual std::optional<uint64_t> truncatedSize() const { return std::nullopt; }

  /// How the memory is read, for the summary line: "directly from the ELF
  /// core", "through LLDB from the minidump core", "through LLDB from the
  /// live process". Empty when there is nothing to say (tests' sources).
  virtual std::string reader() const { return ""; }
};

/// Reads the first and last byte of every block of \p Map, so that a core
/// without guest RAM fails before any file is created: a MemoryFault naming
/// the block.
llvm::Error checkBlocksReadable(const GuestMemoryMap &Map,
                                MemorySource &Memory);

/// \p E, with the source's known damage (if any) added in parentheses: the
/// likely cause of whatever could not be read.
llvm::Error withKnownDamage(llvm::Error E, const MemorySource &Source);

} // namespace qemudump

#endif // QEMUDUMP_INPUT_MEMORYSOURCE_H
