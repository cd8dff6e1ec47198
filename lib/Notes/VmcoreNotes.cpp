//===- VmcoreNotes.cpp - The notes as a writer gets them ------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/VmcoreNotes.h"

#include "qemudump/Notes/Notes.h"

using namespace llvm;

namespace qemudump {

VmcoreNotes::~VmcoreNotes() = default;

uint64_t ScannedNotes::roomFor(const NoteSegment &Base) {
  return Base.bytes().size() +
         noteSize(sizeof("VMCOREINFO"), MaxScannedVmcoreInfoText);
}

Expected<const NoteSegment &> ScannedNotes::finish() {
  if (std::optional<VmcoreInfoScanner::Found> F = Scanner.find(Map, Warnings))
    if (Error E = Segment.addGuestNote(F->Note, F->Origin))
      return std::move(E); // find() proved it a note: cannot happen
  Segment.finalize();
  return Segment;
}

} // namespace qemudump
