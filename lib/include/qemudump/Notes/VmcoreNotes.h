//===- VmcoreNotes.h - The notes as a writer gets them ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A writer lays out room for capacity() bytes of notes before it copies
// guest memory, and asks for the finished NoteSegment with finish() once the
// copy is done: the notes may need what the copy read (the guest's
// VMCOREINFO note found in guest RAM). So the writers put headers and notes
// in last, and the PT_NOTE segment (or the kdump sub header's note range)
// still holds exactly the notes. A writer whose layout needs the guest's
// VMCOREINFO (a kdump file's block size is the guest's page size) asks for
// it before the copy: vmcoreInfoBeforeCopy().
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_NOTES_VMCORENOTES_H
#define QEMUDUMP_NOTES_VMCORENOTES_H

#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Guest/VmcoreInfoScanner.h"
#include "qemudump/Notes/NoteSegment.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

class VmcoreNotes {
public:
  virtual ~VmcoreNotes();
  /// The most bytes the finished notes take.
  virtual uint64_t capacity() const = 0;
  /// The guest's VMCOREINFO as far as it is known before the copy; with
  /// \p MayScan, a scan of guest RAM may look for it first (it costs a read
  /// of all guest RAM).
  virtual const VmcoreInfo *vmcoreInfoBeforeCopy(bool MayScan) = 0;
  /// The finished notes (called once, after the copy).
  virtual llvm::Expected<const NoteSegment &> finish() = 0;
  /// The notes as finish() left them (or as they are before it).
  virtual const NoteSegment &segment() const = 0;
};

/// Notes complete before the copy (finalized).
class ReadyNotes final : public VmcoreNotes {
public:
  explicit ReadyNotes(const NoteSegment &Segment) : Segment(Segment) {}
  uint64_t capacity() const override { return Segment.bytes().size(); }
  const VmcoreInfo *vmcoreInfoBeforeCopy(bool) override {
    return Segment.vmcoreInfo();
  }
  llvm::Expected<const NoteSegment &> finish() override { return Segment; }
  const NoteSegment &segment() const override { return Segment; }

private:
  const NoteSegment &Segment;
};

/// \p Base (not finalized: the vCPUs' notes), to which the guest's note that
/// \p Scanner finds in the memory the copy reads through it is added, proved
/// against guest memory through \p Map (all of guest RAM). Why none was
/// found goes to \p Warnings.
class ScannedNotes final : public VmcoreNotes {
public:
  ScannedNotes(NoteSegment Base, VmcoreInfoScanner &Scanner,
               const GuestMemoryMap &Map, std::vector<std::string> &Warnings)
      : Segment(std::move(Base)), Capacity(roomFor(Segment)), Scanner(Scanner),
        Map(Map), Warnings(Warnings) {}
  uint64_t capacity() const override { return Capacity; }
  const VmcoreInfo *vmcoreInfoBeforeCopy(bool MayScan) override;
  llvm::Expected<const NoteSegment &> finish() override;
  const NoteSegment &segment() const override { return Segment; }

private:
  /// The vCPUs' notes of \p Base, then the largest note a kernel writes
  /// (larger than the placeholder that stands in when none is found).
  static uint64_t roomFor(const NoteSegment &Base);

  NoteSegment Segment;
  uint64_t Capacity; ///< Fixed before the copy, whatever finish() adds.
  VmcoreInfoScanner &Scanner;
  const GuestMemoryMap &Map;
  std::vector<std::string> &Warnings;
  /// What a scan before the copy found (finish() then adds it), and what
  /// it had to say.
  std::optional<VmcoreInfoScanner::Found> Early;
  std::vector<std::string> EarlyWarnings;
  bool ScannedEarly = false;
};

} // namespace qemudump

#endif // QEMUDUMP_NOTES_VMCORENOTES_H
