//===- QemuLayout.h - QEMU's structures laid out from its DWARF -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The structures whose LLDB layout is slow or noisy are read at offsets that
// DwarfTypes takes from the DWARF of QEMU's binary, or of its separate debug
// file, instead of through LLDB's type system: the vCPU (X86CPU, ARMCPU),
// whose register unions LLDB 19 lays out in about 0.1 s, with 20 "extends
// beyond the bounds" error: lines (and, completed lazily, with members
// misplaced); and AddressSpace, whose QemuMutex (glibc's pthread_mutex_t
// union, QEMU 8.0 and later) draws one more such line. Each type is looked up
// first in the compile unit of a function that uses it fully (the target's
// cpu_get_dump_info in target/*/arch_dump.c, address_space_init in
// memory.c), so that one unit's DIEs are read, not QEMU's whole DWARF.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMULAYOUT_H
#define QEMUDUMP_PLUGIN_QEMU_QEMULAYOUT_H

#include "Qemu/QemuSession.h"

#include "qemudump/Input/DwarfTypes.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace qemudump {

/// The file LLDB read \p Exe's debug info from: a separate debug file (a
/// build-id tree, debuginfod's cache) or the binary itself; "" if none.
std::string debugInfoFile(lldb::SBModule Exe);

/// The layout of QEMU's \p TypeName, as the unit of the function
/// \p UnitFunction defines it (any unit when QEMU has no such function). An
/// error names the debug file and why the type could not be laid out. Valid
/// while \p S (or a copy) lives.
llvm::Expected<TypeLayout> qemuLayout(const QemuSession &S,
                                      llvm::StringRef TypeName,
                                      const char *UnitFunction);

/// One member of a QEMU structure, resolved once for every object of the
/// type (a reader of many vCPUs resolves its registers once, not per vCPU):
/// where it lies, or why the layout has no such member.
class Field {
public:
  Field() = default;
  /// \p Path of \p Layout: "env.regs[3]" (TypeLayout::field()).
  Field(const TypeLayout &Layout, const llvm::Twine &Path);

  bool present() const { return At.has_value(); }
  /// "X86CPU.env.regs[3]".
  const std::string &name() const { return Name; }

private:
  friend class FieldReader;
  std::string Name;
  std::optional<FieldLayout> At;
  std::string Missing; ///< Why not present.
};

/// Reads the members of one structure in QEMU's memory at their DWARF
/// offsets, as host-endian unsigned integers of at most 8 bytes. Remembers
/// the first failure (a member the layout lacks, or bytes the process cannot
/// give); later reads then return 0.
class FieldReader {
public:
  FieldReader(lldb::SBProcess Process, const TypeLayout &Layout, uint64_t Addr)
      : Process(Process), Layout(Layout), Addr(Addr) {}

  /// A member resolved before (the way to read the same members of many
  /// objects).
  uint64_t u64(const Field &F);
  /// A member by its path, resolved now.
  uint64_t u64(llvm::StringRef Path) { return u64(Field(Layout, Path)); }
  bool has(llvm::StringRef Path) const { return Layout.has(Path); }

  bool ok() const { return !First; }
  /// "X86CPU.env.eip: WHY".
  const std::optional<std::string> &failure() const { return First; }

private:
  lldb::SBProcess Process;
  const TypeLayout &Layout;
  uint64_t Addr;
  std::optional<std::string> First;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMULAYOUT_H
