//===- fuzz-notes.cpp - Fuzz the ELF note and VMCOREINFO parsers ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Input: one byte of options (bit 0: big-endian), then the bytes the parsers
// get: as the buffer the guest announced at its VMCOREINFO address
// (extractGuestNote, then NoteSegment::addGuestNote), as a note segment
// (parseNotes, then VmcoreInfo on every VMCOREINFO descriptor) and as
// VMCOREINFO text (VmcoreInfo::fromText).
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "qemudump/Guest/VmcoreInfo.h"
#include "qemudump/Notes/NoteSegment.h"
#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace llvm;
using namespace qemudump;

static bool inside(ArrayRef<uint8_t> Outer, const void *P, size_t Size) {
  auto *B = static_cast<const uint8_t *>(P);
  return Size == 0 || (B >= Outer.begin() && B + Size <= Outer.end());
}

static void checkVmcoreInfo(StringRef Text, bool LittleEndian) {
  VmcoreInfo Info = VmcoreInfo::fromText(Text, LittleEndian);
  FUZZ_CHECK(Info.text() == Text);
  // Its note decodes to the same text.
  Expected<VmcoreInfo> Again = VmcoreInfo::fromNote(Info.note(), LittleEndian);
  FUZZ_CHECK(Again && Again->text() == Text);
  // Every KEY=VALUE line (up to a NUL) is found by its key, the last one of a
  // key winning, its value trimmed.
  std::vector<std::pair<StringRef, StringRef>> Lines;
  for (StringRef Rest = Text; !Rest.empty();) {
    auto [Line, Next] = Rest.split('\n');
    Rest = Next;
    Line = Line.take_until([](char C) { return C == '\0'; });
    auto [Key, Value] = Line.split('=');
    if (!Key.empty() && Key.size() != Line.size())
      Lines.push_back({Key, Value});
  }
  for (size_t I = 0; I < Lines.size(); ++I) {
    bool Last = true;
    for (size_t J = I + 1; J < Lines.size(); ++J)
      Last &= Lines[J].first != Lines[I].first;
    if (Last)
      FUZZ_CHECK(Info.value(Lines[I].first) == Lines[I].second.trim());
  }
  (void)Info.pageSize();
  (void)Info.decimal("NUMBER(phys_base)");
  (void)Info.hex("SYMBOL(init_uts_ns)");
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size < 1)
    return 0;
  bool LittleEndian = !(Data[0] & 1);
  ArrayRef<uint8_t> Buf(Data + 1, Size - 1);

  Expected<std::vector<uint8_t>> Note = extractGuestNote(Buf, LittleEndian);
  if (Note) {
    // A prefix of the buffer, a whole number of 4-byte words, one note.
    FUZZ_CHECK(Note->size() >= 12 && Note->size() % 4 == 0);
    FUZZ_CHECK(Note->size() <= Buf.size());
    FUZZ_CHECK(std::equal(Note->begin(), Note->end(), Buf.begin()));
    Expected<std::vector<NoteView>> One = parseNotes(*Note, LittleEndian);
    FUZZ_CHECK(One && One->size() == 1);
    // What extractGuestNote takes, a note segment takes, and it points at
    // the VMCOREINFO text in its own bytes.
    NoteSegment Seg(LittleEndian);
    FUZZ_CHECK(!Seg.addGuestNote(*Note));
    Seg.finalize();
    FUZZ_CHECK(Seg.bytes().size() == Note->size());
    bool IsVmcoreInfo = (*One)[0].Name == "VMCOREINFO";
    FUZZ_CHECK(Seg.vmcoreInfoText().has_value() == IsVmcoreInfo);
    FUZZ_CHECK((Seg.vmcoreInfo() != nullptr) == IsVmcoreInfo);
    if (IsVmcoreInfo) {
      FUZZ_CHECK(Seg.vmcoreInfo()->text() == toStringRef((*One)[0].Desc));
      FUZZ_CHECK(toStringRef(Seg.bytes().slice(Seg.vmcoreInfoText()->Offset,
                                               Seg.vmcoreInfoText()->Size)) ==
                 toStringRef((*One)[0].Desc));
    }
  } else {
    consumeError(Note.takeError());
  }

  Expected<std::vector<NoteView>> Notes = parseNotes(Buf, LittleEndian);
  if (!Notes) {
    consumeError(Notes.takeError());
  } else {
    std::vector<uint8_t> Encoded;
    for (const NoteView &N : *Notes) {
      FUZZ_CHECK(inside(Buf, N.Name.data(), N.Name.size()));
      FUZZ_CHECK(inside(Buf, N.Desc.data(), N.Desc.size()));
      FUZZ_CHECK(!N.Name.contains('\0'));
      if (N.Name == "VMCOREINFO")
        checkVmcoreInfo(toStringRef(N.Desc), LittleEndian);
      appendNote(Encoded, LittleEndian, N.Name, N.Type, N.Desc);
    }
    // What appendNote encodes decodes to the same notes.
    Expected<std::vector<NoteView>> Again = parseNotes(Encoded, LittleEndian);
    FUZZ_CHECK(Again && Again->size() == Notes->size());
    for (size_t I = 0; I < Notes->size(); ++I) {
      FUZZ_CHECK((*Again)[I].Name == (*Notes)[I].Name);
      FUZZ_CHECK((*Again)[I].Type == (*Notes)[I].Type);
      FUZZ_CHECK((*Again)[I].Desc == (*Notes)[I].Desc);
    }
  }

  checkVmcoreInfo(toStringRef(Buf), LittleEndian);
  return 0;
}
