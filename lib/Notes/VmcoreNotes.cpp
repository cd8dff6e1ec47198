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

const VmcoreInfo *ScannedNotes::vmcoreInfoBeforeCopy(bool MayScan) {
  if (MayScan && !ScannedEarly) {
    ScannedEarly = true;
    Scanner.scanAll(Map);
    Early = Scanner.find(Map, EarlyWarnings);
  }
  return Early ? &Early->Info : nullptr;
}

Expected<const NoteSegment &> ScannedNotes::finish() {
  // A note found before the copy is the one the copy's scan would find:
  // the copy reads (a part of) the same RAM again.
  std::optional<VmcoreInfoScanner::Found> F = std::move(Early);
  Early.reset();
  if (F)
    Warnings.insert(Warnings.end(), EarlyWarnings.begin(), EarlyWarnings.end());
  else
    F = Scanner.find(Map, Warnings);
  if (F)
    Segment.addVmcoreInfo(std::move(F->Info), F->Origin);
  Segment.finalize();
  return Segment;
}

} // namespace qemudump
