//===- ElfVmcoreWriter.h - Write the guest's memory as an ELF core -*- C++ -*-//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vmcore layout that crash, makedumpfile and drgn read:
//
//   ELF header
//   program headers (right after the ELF header: makedumpfile requires it)
//     PT_NOTE   the notes, exactly sized
//     PT_LOAD   one per memory block, p_paddr = p_vaddr = guest-physical start,
//               p_align = 0, p_flags = 0
//   [section header 0, only with PN_XNUM: sh_info holds the real phnum]
//   notes
//   the rest of the notes' room (VmcoreNotes::capacity()), zeros
//   padding to the guest page size
//   block contents, in order
//
// The blocks are written first, the headers and notes last: the notes may
// need what the copy read (VmcoreNotes.h).
//
// The file is sparse: memory the source knows to be zero, and every all-zero
// 4 KiB block of what it reads, become holes; the apparent size and contents
// are those of the full layout. Memory the source stores as is in a file
// (a core file's PT_LOAD bytes) is shared with that file where the file
// systems can (a reflink: OutputFile::appendShared), run by run, and copied
// where they cannot; shared zero blocks stay shared blocks, not holes.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ELFVMCOREWRITER_H
#define QEMUDUMP_ELFVMCOREWRITER_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Input/MemorySource.h"
#include "qemudump/Vmcore/OutputFile.h"
#include "qemudump/Notes/VmcoreNotes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace qemudump {

/// Called after each chunk with the bytes of guest memory copied so far and
/// the total; returning false stops the dump with an "interrupted" error.
using ProgressFn = llvm::function_ref<bool(uint64_t Done, uint64_t Total)>;

struct ElfVmcoreStats {
  uint64_t FileSize = 0;
  uint64_t MemoryBytes = 0;
  unsigned ProgramHeaders = 0;
  /// Of MemoryBytes, those shared with the source file rather than written
  /// (OutputFile::appendShared).
  uint64_t SharedBytes = 0;
};

/// The size of each read from the memory source.
constexpr size_t CopyChunkSize = 4 << 20;

/// Writes the vmcore of the guest \p A for \p Map to \p Out, as an ELF file
/// of class \p ElfClass (ELFCLASS32 or ELFCLASS64: vmcoreElfClass() says
/// which) with A's byte order and e_machine, and the notes \p Notes gives
/// once guest memory is copied (they must not be empty). Memory is read from
/// \p Memory in chunks of at most CopyChunkSize (three buffers, whatever
/// the guest size, written on a thread of their own: BackgroundWriter.h); a
/// read that fails aborts the dump with a MemoryFault naming the guest-physical
/// range.
llvm::Expected<ElfVmcoreStats>
writeElfVmcore(OutputFile &Out, const Arch &A, uint8_t ElfClass,
               const GuestMemoryMap &Map, VmcoreNotes &Notes,
               MemorySource &Memory, ProgressFn Progress);

} // namespace qemudump

#endif // QEMUDUMP_ELFVMCOREWRITER_H
