//===- NoteSegment.cpp - The notes of one vmcore, and what they hold ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/NoteSegment.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

void NoteSegment::addedCpus(size_t Count, StringRef Notes) {
  Cpus += Count;
  Kinds.push_back(
      formatv("{0} vCPU{1} ({2})", Count, Count == 1 ? "" : "s", Notes).str());
}

void NoteSegment::addX86Cpus(ArrayRef<X86CpuState> List, bool LongLayout) {
  if (List.empty())
    return;
  appendX86CpuNotes(Bytes, List, LongLayout);
  addedCpus(List.size(), "CORE, QEMU");
}

void NoteSegment::addAarch64Cpus(ArrayRef<Aarch64CpuState> List) {
  if (List.empty())
    return;
  appendAarch64CpuNotes(Bytes, List, LittleEndian);
  addedCpus(List.size(), "PRSTATUS, PRFPREG");
}

void NoteSegment::addRiscvCpus(ArrayRef<RiscvCpuState> List, bool Is64Bit) {
  if (List.empty())
    return;
  appendRiscvCpuNotes(Bytes, List, Is64Bit, LittleEndian);
  addedCpus(List.size(), "PRSTATUS");
}

void NoteSegment::addPpc64Cpus(ArrayRef<PpcCpuState> List) {
  if (List.empty())
    return;
  appendPpc64CpuNotes(Bytes, List, LittleEndian);
  addedCpus(List.size(), "PRSTATUS, PRFPREG, VMX, VSX, SPE");
}

void NoteSegment::addS390Cpus(ArrayRef<S390CpuState> List) {
  if (List.empty())
    return;
  appendS390CpuNotes(Bytes, List);
  addedCpus(List.size(), "PRSTATUS, FPREGSET and 8 s390 notes");
}

Error NoteSegment::addGuestNote(ArrayRef<uint8_t> Note, StringRef Origin) {
  Expected<std::vector<NoteView>> Parsed = parseNotes(Note, LittleEndian);
  if (!Parsed)
    return Parsed.takeError();
  if (Parsed->size() != 1)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("expected one note, found {0}", Parsed->size()).str());
  const NoteView &N = Parsed->front();
  uint64_t Base = Bytes.size();
  if (N.Name == "VMCOREINFO")
    VmcoreInfo = VmcoreInfoText{Base + uint64_t(N.Desc.data() - Note.data()),
                                N.Desc.size()};
  Bytes.insert(Bytes.end(), Note.begin(), Note.end());
  Kinds.push_back(Origin.empty() ? "VMCOREINFO"
                                 : ("VMCOREINFO (" + Origin + ")").str());
  return Error::success();
}

void NoteSegment::finalize() {
  if (!Bytes.empty())
    return;
  Bytes = placeholderNote(LittleEndian);
  Kinds.push_back("placeholder NONE (no vCPU notes, no VMCOREINFO from the "
                  "guest)");
}

std::optional<StringRef> NoteSegment::vmcoreInfoText() const {
  if (!VmcoreInfo)
    return std::nullopt;
  return toStringRef(
      ArrayRef<uint8_t>(Bytes).slice(VmcoreInfo->Offset, VmcoreInfo->Size));
}

std::string NoteSegment::describe() const {
  return join(Kinds.begin(), Kinds.end(), ", ");
}

} // namespace qemudump
