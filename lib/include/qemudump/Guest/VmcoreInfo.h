//===- VmcoreInfo.h - The guest kernel's VMCOREINFO, once -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The guest Linux kernel describes itself in VMCOREINFO: KEY=VALUE lines
// (OSRELEASE, PAGESIZE, SYMBOL(init_uts_ns), NUMBER(phys_base), ...) in one
// ELF note named "VMCOREINFO", which the vmcore carries as the guest wrote
// it. One VmcoreInfo holds that note and its lines, parsed once, for every
// user: the note segment (and the kdump sub-header that points into it), the
// scan that proves a note found in guest RAM, the kdump header's utsname and
// phys_base, the block size of a kdump file.
//
// Values are kept as the kernel printed them; the accessors say how to read
// one: NUMBER(x) is signed decimal (NUMBER(phys_base)=-715128832), SYMBOL(x)
// hex without 0x, arm64's NUMBER(kimage_voffset) and NUMBER(PHYS_OFFSET) hex
// with it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_GUEST_VMCOREINFO_H
#define QEMUDUMP_GUEST_VMCOREINFO_H

#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

class VmcoreInfo {
public:
  /// \p Note: one ELF note named "VMCOREINFO" in the guest's byte order, as
  /// the guest wrote it. Fails, saying why, when it is not.
  static llvm::Expected<VmcoreInfo> fromNote(llvm::ArrayRef<uint8_t> Note,
                                             bool LittleEndian);
  /// \p Note, already decoded as \p N, a note named "VMCOREINFO".
  static VmcoreInfo fromDecoded(llvm::ArrayRef<uint8_t> Note,
                                const NoteView &N);
  /// The note of \p Text, built in the guest's byte order.
  static VmcoreInfo fromText(llvm::StringRef Text, bool LittleEndian);
  /// The file at \p Path: one such note (what /sys/kernel/vmcoreinfo's
  /// address points at), or the text itself (KEY=VALUE lines, OSRELEASE
  /// among them). Fails, naming the file, otherwise.
  static llvm::Expected<VmcoreInfo> fromFile(llvm::StringRef Path,
                                             bool LittleEndian);

  /// The encoded note.
  llvm::ArrayRef<uint8_t> note() const { return Note; }
  /// Where the text (the note's descriptor) is in note().
  uint64_t textOffset() const { return TextOffset; }
  llvm::StringRef text() const;

  /// The value of \p Key, white space trimmed; none when the text lacks it.
  std::optional<llvm::StringRef> value(llvm::StringRef Key) const;
  /// The value of \p Key as a signed decimal number (NUMBER(x), OFFSET(x)).
  std::optional<int64_t> decimal(llvm::StringRef Key) const;
  /// The value of \p Key as a hexadecimal number, with or without 0x
  /// (SYMBOL(x), arm64's NUMBER(kimage_voffset)).
  std::optional<uint64_t> hex(llvm::StringRef Key) const;
  /// OSRELEASE, or "".
  llvm::StringRef release() const;
  /// PAGESIZE, when it is a number.
  std::optional<uint64_t> pageSize() const;

private:
  VmcoreInfo(std::vector<uint8_t> Note, uint64_t TextOffset, uint64_t TextSize);

  std::vector<uint8_t> Note;
  uint64_t TextOffset = 0, TextSize = 0;
  /// The KEY=VALUE lines of the text (a later key wins).
  llvm::StringMap<std::string> Values;
};

} // namespace qemudump

#endif // QEMUDUMP_GUEST_VMCOREINFO_H
