//===- NoteSegment.cpp - The notes of one vmcore, and what they hold ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/NoteSegment.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

std::string vmcoreInfoKind(StringRef Origin) {
  return Origin.empty() ? "VMCOREINFO" : ("VMCOREINFO (" + Origin + ")").str();
}

} // namespace

void NoteSegment::addCpuNotes(const CpuNotes &Notes) {
  if (Notes.Cpus == 0)
    return;
  Bytes.insert(Bytes.end(), Notes.Bytes.begin(), Notes.Bytes.end());
  Cpus += Notes.Cpus;
  Kinds.push_back(formatv("{0} vCPU{1} ({2})", Notes.Cpus,
                          Notes.Cpus == 1 ? "" : "s", Notes.Kinds)
                      .str());
}

Error NoteSegment::addGuestNote(ArrayRef<uint8_t> Note, StringRef Origin) {
  Expected<std::vector<NoteView>> Parsed = parseNotes(Note, LittleEndian);
  if (!Parsed)
    return Parsed.takeError();
  if (Parsed->size() != 1)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("expected one note, found {0}", Parsed->size()).str());
  if (Parsed->front().Name == "VMCOREINFO") {
    addVmcoreInfo(VmcoreInfo::fromDecoded(Note, Parsed->front()), Origin);
    return Error::success();
  }
  // Another note of the guest's: kept as it is (QEMU's dump does so).
  Bytes.insert(Bytes.end(), Note.begin(), Note.end());
  Kinds.push_back(vmcoreInfoKind(Origin));
  return Error::success();
}

void NoteSegment::addVmcoreInfo(VmcoreInfo Info, StringRef Origin) {
  GuestOffset = Bytes.size();
  Bytes.insert(Bytes.end(), Info.note().begin(), Info.note().end());
  Guest.emplace(std::move(Info));
  Kinds.push_back(vmcoreInfoKind(Origin));
}

void NoteSegment::finalize() {
  if (!Bytes.empty())
    return;
  Bytes = placeholderNote(LittleEndian);
  Kinds.push_back("placeholder NONE (no vCPU notes, no VMCOREINFO from the "
                  "guest)");
}

std::optional<NoteSegment::TextRange> NoteSegment::vmcoreInfoText() const {
  if (!Guest)
    return std::nullopt;
  return TextRange{GuestOffset + Guest->textOffset(), Guest->text().size()};
}

std::string NoteSegment::describe() const {
  return join(Kinds.begin(), Kinds.end(), ", ");
}

} // namespace qemudump
