//===- VmcoreInfo.cpp - The guest kernel's VMCOREINFO, parsed once --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/VmcoreInfo.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace qemudump {

namespace {

Error notVmcoreInfo(const Twine &Why) {
  return createStringError(inconvertibleErrorCode(), Why.str());
}

} // namespace

VmcoreInfo::VmcoreInfo(std::vector<uint8_t> NoteBytes, uint64_t Offset,
                       uint64_t Size)
    : Note(std::move(NoteBytes)), TextOffset(Offset), TextSize(Size) {
  StringRef Text = text();
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Text = Rest;
    Line = Line.take_until([](char C) { return C == '\0'; });
    auto [Key, Value] = Line.split('=');
    if (Key.empty() || Key.size() == Line.size())
      continue;
    Values[Key] = Value.str();
  }
}

Expected<VmcoreInfo> VmcoreInfo::fromNote(ArrayRef<uint8_t> Note,
                                          bool LittleEndian) {
  Expected<std::vector<NoteView>> Parsed = parseNotes(Note, LittleEndian);
  if (!Parsed)
    return Parsed.takeError();
  if (Parsed->size() != 1)
    return notVmcoreInfo(
        formatv("expected one note, found {0}", Parsed->size()));
  const NoteView &N = Parsed->front();
  if (N.Name != "VMCOREINFO")
    return notVmcoreInfo(formatv("a note named '{0}', not VMCOREINFO", N.Name));
  return fromDecoded(Note, N);
}

VmcoreInfo VmcoreInfo::fromDecoded(ArrayRef<uint8_t> Note, const NoteView &N) {
  return VmcoreInfo(std::vector<uint8_t>(Note.begin(), Note.end()),
                    N.Desc.data() - Note.data(), N.Desc.size());
}

VmcoreInfo VmcoreInfo::fromText(StringRef Text, bool LittleEndian) {
  std::vector<uint8_t> Note;
  appendNote(Note, LittleEndian, "VMCOREINFO", 0, arrayRefFromStringRef(Text));
  // Header (12 bytes), then "VMCOREINFO\0" padded to 12.
  return VmcoreInfo(std::move(Note), 24, Text.size());
}

Expected<VmcoreInfo> VmcoreInfo::fromFile(StringRef Path, bool LittleEndian) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> File =
      MemoryBuffer::getFile(Path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!File)
    return createFileError(Path, File.getError());
  ArrayRef<uint8_t> Bytes = arrayRefFromStringRef((*File)->getBuffer());
  if (Bytes.size() > MaxGuestNoteSize)
    return createFileError(Path,
                           notVmcoreInfo("larger than any VMCOREINFO (1 MiB)"));
  // One note named VMCOREINFO, as the guest wrote it.
  if (Expected<std::vector<uint8_t>> Note =
          extractGuestNote(Bytes, LittleEndian)) {
    if (Expected<VmcoreInfo> Info = fromNote(*Note, LittleEndian))
      return Info;
    else
      consumeError(Info.takeError());
  } else {
    consumeError(Note.takeError());
  }
  // Or the text.
  VmcoreInfo Info = fromText(toStringRef(Bytes), LittleEndian);
  if (!Info.value("OSRELEASE"))
    return createFileError(Path,
                           notVmcoreInfo("neither a VMCOREINFO note nor "
                                         "VMCOREINFO text (KEY=VALUE lines "
                                         "with OSRELEASE)"));
  return Info;
}

StringRef VmcoreInfo::text() const {
  return toStringRef(ArrayRef<uint8_t>(Note).slice(TextOffset, TextSize));
}

std::optional<StringRef> VmcoreInfo::value(StringRef Key) const {
  auto It = Values.find(Key);
  if (It == Values.end())
    return std::nullopt;
  return StringRef(It->second).trim();
}

std::optional<int64_t> VmcoreInfo::decimal(StringRef Key) const {
  std::optional<StringRef> V = value(Key);
  int64_t N;
  if (!V || V->getAsInteger(10, N))
    return std::nullopt;
  return N;
}

std::optional<uint64_t> VmcoreInfo::hex(StringRef Key) const {
  std::optional<StringRef> V = value(Key);
  if (!V)
    return std::nullopt;
  StringRef S = *V;
  S.consume_front_insensitive("0x");
  uint64_t N;
  if (S.empty() || S.getAsInteger(16, N))
    return std::nullopt;
  return N;
}

StringRef VmcoreInfo::release() const {
  return value("OSRELEASE").value_or("");
}

std::optional<uint64_t> VmcoreInfo::pageSize() const {
  std::optional<int64_t> N = decimal("PAGESIZE");
  if (!N || *N <= 0)
    return std::nullopt;
  return uint64_t(*N);
}

} // namespace qemudump
