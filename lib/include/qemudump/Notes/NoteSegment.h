//===- NoteSegment.h - The notes of one vmcore, and what they hold -*- C++ -*-//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The PT_NOTE segment of a vmcore, built once, in QEMU's order: the vCPUs'
// notes (CpuNotes, from the guest arch's encoding), then the guest's own note
// (its VMCOREINFO). It remembers what it holds, so that no writer parses it
// again: how many vCPUs (NT_PRSTATUS notes), the guest's VMCOREINFO and
// where its text is (the kdump sub-header points into the notes at it).
// Finished by finalize(): a segment with no note gets the NONE placeholder
// that crash expects.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_NOTES_NOTESEGMENT_H
#define QEMUDUMP_NOTES_NOTESEGMENT_H

#include "qemudump/Guest/VmcoreInfo.h"
#include "qemudump/Notes/CpuNotes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

class NoteSegment {
public:
  /// Notes encoded in the vmcore's byte order.
  explicit NoteSegment(bool LittleEndian) : LittleEndian(LittleEndian) {}

  /// The vCPUs' notes (nothing when \p Notes describes no vCPU).
  void addCpuNotes(const CpuNotes &Notes);

  /// The guest's note exactly as extractGuestNote() took it from guest RAM:
  /// its VMCOREINFO when it is named so, else kept as it is. \p Origin says
  /// where it came from, for describe() ("vmcoreinfo device"). Fails
  /// (adding nothing) when \p Note is not one well-formed note.
  llvm::Error addGuestNote(llvm::ArrayRef<uint8_t> Note,
                           llvm::StringRef Origin = "");
  /// The guest's VMCOREINFO (\p Origin: "found in guest RAM at 0x...").
  void addVmcoreInfo(VmcoreInfo Info, llvm::StringRef Origin = "");

  /// Adds the NONE placeholder when no note was added. Call once, last.
  void finalize();

  /// The encoded segment (finalize() first).
  llvm::ArrayRef<uint8_t> bytes() const { return Bytes; }
  /// The number of vCPUs whose NT_PRSTATUS notes are in the segment.
  unsigned cpuCount() const { return Cpus; }

  /// The guest's VMCOREINFO, when the segment has it.
  const VmcoreInfo *vmcoreInfo() const { return Guest ? &*Guest : nullptr; }
  /// Where the VMCOREINFO text is in bytes().
  struct TextRange {
    uint64_t Offset = 0;
    uint64_t Size = 0;
  };
  std::optional<TextRange> vmcoreInfoText() const;

  /// What the segment holds, for the summary line: "2 vCPUs (CORE, QEMU),
  /// VMCOREINFO (vmcoreinfo device)", or "placeholder NONE (...)".
  std::string describe() const;

private:
  bool LittleEndian;
  std::vector<uint8_t> Bytes;
  unsigned Cpus = 0;
  std::optional<VmcoreInfo> Guest;
  uint64_t GuestOffset = 0; ///< Where Guest's note is in Bytes.
  llvm::SmallVector<std::string, 3> Kinds;
};

} // namespace qemudump

#endif // QEMUDUMP_NOTES_NOTESEGMENT_H
