//===- NoteSegment.h - The notes of one vmcore, and what they hold -*- C++ -*-//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The PT_NOTE segment of a vmcore, built once, in QEMU's order: the vCPUs'
// notes, then the guest's own note (its VMCOREINFO). It remembers what it
// holds, so that no writer parses it again: how many vCPUs (NT_PRSTATUS
// notes) and where the VMCOREINFO text is (the kdump sub-header points into
// the notes at it). Finished by finalize(): a segment with no note gets the
// NONE placeholder that crash expects.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_NOTESEGMENT_H
#define QEMUDUMP_NOTESEGMENT_H

#include "qemudump/Arch/Aarch64.h"
#include "qemudump/Arch/Ppc64.h"
#include "qemudump/Arch/Riscv.h"
#include "qemudump/Arch/S390x.h"
#include "qemudump/Arch/X86.h"

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

  /// One "CORE"/NT_PRSTATUS note per vCPU, then one "QEMU" note per vCPU
  /// (X86CpuNotes.h); \p LongLayout picks the x86_64 prstatus.
  void addX86Cpus(llvm::ArrayRef<X86CpuState> Cpus, bool LongLayout);
  /// Each vCPU's "CORE" NT_PRSTATUS and NT_PRFPREG notes
  /// (Aarch64CpuNotes.h).
  void addAarch64Cpus(llvm::ArrayRef<Aarch64CpuState> Cpus);
  /// One "CORE" NT_PRSTATUS note per vCPU (RiscvCpuNotes.h).
  void addRiscvCpus(llvm::ArrayRef<RiscvCpuState> Cpus, bool Is64Bit);
  /// Each vCPU's five "CORE" notes (PpcCpuNotes.h).
  void addPpc64Cpus(llvm::ArrayRef<PpcCpuState> Cpus);
  /// Each vCPU's ten notes, "CORE" and "LINUX" (S390CpuNotes.h).
  void addS390Cpus(llvm::ArrayRef<S390CpuState> Cpus);

  /// The guest's note exactly as extractGuestNote() took it from guest RAM.
  /// Its descriptor is the VMCOREINFO text when its name is "VMCOREINFO".
  /// \p Origin says where it came from, for describe() ("vmcoreinfo
  /// device", "found in guest RAM at 0x..."). Fails (adding nothing) when
  /// \p Note is not one well-formed note.
  llvm::Error addGuestNote(llvm::ArrayRef<uint8_t> Note,
                           llvm::StringRef Origin = "");

  /// Adds the NONE placeholder when no note was added. Call once, last.
  void finalize();

  /// The encoded segment (finalize() first).
  llvm::ArrayRef<uint8_t> bytes() const { return Bytes; }
  /// The number of vCPUs whose NT_PRSTATUS notes are in the segment.
  unsigned cpuCount() const { return Cpus; }

  /// The VMCOREINFO text: where it is in bytes(), and the text itself.
  struct VmcoreInfoText {
    uint64_t Offset = 0;
    uint64_t Size = 0;
  };
  std::optional<VmcoreInfoText> vmcoreInfo() const { return VmcoreInfo; }
  /// The VMCOREINFO text, or none.
  std::optional<llvm::StringRef> vmcoreInfoText() const;

  /// What the segment holds, for the summary line: "2 vCPUs (CORE, QEMU),
  /// VMCOREINFO (vmcoreinfo device)", or "placeholder NONE (...)".
  std::string describe() const;

private:
  /// Counts \p Count vCPUs, whose notes describe() names \p Notes.
  void addedCpus(size_t Count, llvm::StringRef Notes);

  bool LittleEndian;
  std::vector<uint8_t> Bytes;
  unsigned Cpus = 0;
  std::optional<VmcoreInfoText> VmcoreInfo;
  llvm::SmallVector<std::string, 3> Kinds;
};

} // namespace qemudump

#endif // QEMUDUMP_NOTESEGMENT_H
