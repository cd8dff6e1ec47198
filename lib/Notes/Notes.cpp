//===- Notes.cpp - ELF notes: encoded, decoded, the guest's ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

using namespace llvm;

namespace qemudump {

static constexpr uint64_t NoteHeaderSize = 12;

uint64_t noteSize(uint64_t NameSize, uint64_t DescSize) {
  return NoteHeaderSize + alignTo(NameSize, 4) + alignTo(DescSize, 4);
}

static llvm::endianness order(bool LittleEndian) {
  return LittleEndian ? llvm::endianness::little : llvm::endianness::big;
}

void appendNote(std::vector<uint8_t> &Out, bool LittleEndian, StringRef Name,
                uint32_t Type, ArrayRef<uint8_t> Desc) {
  size_t Start = Out.size();
  uint64_t NameSize = Name.size() + 1;
  Out.resize(Start + noteSize(NameSize, Desc.size()), 0);
  uint8_t *P = Out.data() + Start;
  support::endian::write32(P, NameSize, order(LittleEndian));
  support::endian::write32(P + 4, Desc.size(), order(LittleEndian));
  support::endian::write32(P + 8, Type, order(LittleEndian));
  std::copy(Name.begin(), Name.end(), P + NoteHeaderSize);
  std::copy(Desc.begin(), Desc.end(),
            P + NoteHeaderSize + alignTo(NameSize, 4));
}

std::vector<uint8_t> placeholderNote(bool LittleEndian) {
  std::vector<uint8_t> Out;
  StringRef Desc = "EMPTY";
  appendNote(Out, LittleEndian, "NONE", 0, arrayRefFromStringRef(Desc));
  return Out;
}

namespace {
struct NoteHeader {
  uint32_t NameSize, DescSize, Type;
};
} // namespace

static Expected<NoteHeader> readHeader(ArrayRef<uint8_t> Buffer,
                                       bool LittleEndian) {
  if (Buffer.size() < NoteHeaderSize)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("note header needs {0} bytes, only {1} available",
                NoteHeaderSize, Buffer.size())
            .str());
  const uint8_t *P = Buffer.data();
  return NoteHeader{support::endian::read32(P, order(LittleEndian)),
                    support::endian::read32(P + 4, order(LittleEndian)),
                    support::endian::read32(P + 8, order(LittleEndian))};
}

Expected<std::vector<uint8_t>> extractGuestNote(ArrayRef<uint8_t> Buffer,
                                                bool LittleEndian) {
  Expected<NoteHeader> H = readHeader(Buffer, LittleEndian);
  if (!H)
    return H.takeError();
  if (H->NameSize > MaxGuestNoteSize || H->DescSize > MaxGuestNoteSize)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("note header claims namesz {0} and descsz {1}; the limit is "
                "{2} bytes each",
                H->NameSize, H->DescSize, MaxGuestNoteSize)
            .str());
  if (H->NameSize == 0)
    return createStringError(inconvertibleErrorCode(),
                             "note header has namesz 0");
  uint64_t Size = noteSize(H->NameSize, H->DescSize);
  if (Size > Buffer.size())
    return createStringError(
        inconvertibleErrorCode(),
        formatv("note of {0} bytes (namesz {1}, descsz {2}) overruns the "
                "{3}-byte buffer the guest announced",
                Size, H->NameSize, H->DescSize, Buffer.size())
            .str());
  return std::vector<uint8_t>(Buffer.begin(), Buffer.begin() + Size);
}

Expected<std::vector<NoteView>> parseNotes(ArrayRef<uint8_t> Segment,
                                           bool LittleEndian) {
  std::vector<NoteView> Notes;
  while (!Segment.empty()) {
    Expected<NoteHeader> H = readHeader(Segment, LittleEndian);
    if (!H)
      return H.takeError();
    uint64_t Size = noteSize(H->NameSize, H->DescSize);
    if (Size > Segment.size())
      return createStringError(
          inconvertibleErrorCode(),
          formatv("note of {0} bytes overruns the {1} bytes left", Size,
                  Segment.size())
              .str());
    StringRef Name = toStringRef(Segment.slice(NoteHeaderSize, H->NameSize));
    Name = Name.take_until([](char C) { return C == '\0'; });
    Notes.push_back(
        {Name, H->Type,
         Segment.slice(NoteHeaderSize + alignTo(H->NameSize, 4), H->DescSize)});
    Segment = Segment.drop_front(Size);
  }
  return Notes;
}

} // namespace qemudump
