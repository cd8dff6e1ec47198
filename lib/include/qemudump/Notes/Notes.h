//===- Notes.h - ELF notes: encoded, decoded, the guest's -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Encoding of the notes that go into the vmcore's PT_NOTE segment, and the
// validation of the guest's own VMCOREINFO note.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_NOTES_NOTES_H
#define QEMUDUMP_NOTES_NOTES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qemudump {

/// QEMU's limit for the guest's note (MAX_GUEST_NOTE_SIZE in dump.c): the
/// buffer it reads and each of namesz and descsz.
constexpr uint64_t MaxGuestNoteSize = 1 << 20;

/// The size of an encoded note: header, name and descriptor, each padded to 4.
uint64_t noteSize(uint64_t NameSize, uint64_t DescSize);

/// Appends one encoded note (name NUL-terminated) to \p Out.
void appendNote(std::vector<uint8_t> &Out, bool LittleEndian,
                llvm::StringRef Name, uint32_t Type,
                llvm::ArrayRef<uint8_t> Desc);

/// The note written when there is no other, so that the PT_NOTE segment is not
/// empty (crash expects one): name "NONE", descriptor "EMPTY", type 0.
std::vector<uint8_t> placeholderNote(bool LittleEndian);

/// The guest's first note in \p Buffer (what the guest wrote at the VMCOREINFO
/// address), exactly as the guest wrote it, sized by its own header. Fails
/// when the header is malformed, a size exceeds MaxGuestNoteSize, or the note
/// overruns \p Buffer.
llvm::Expected<std::vector<uint8_t>>
extractGuestNote(llvm::ArrayRef<uint8_t> Buffer, bool LittleEndian);

/// A decoded note: name without its NUL, descriptor bytes.
struct NoteView {
  llvm::StringRef Name;
  uint32_t Type = 0;
  llvm::ArrayRef<uint8_t> Desc;
};

/// Decodes the notes of an encoded note segment.
llvm::Expected<std::vector<NoteView>>
parseNotes(llvm::ArrayRef<uint8_t> Segment, bool LittleEndian);

} // namespace qemudump

#endif // QEMUDUMP_NOTES_H
