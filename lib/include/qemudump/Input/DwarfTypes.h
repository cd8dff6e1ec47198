//===- DwarfTypes.h - C types laid out as an ELF file's DWARF says -*- C++ -*-//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Where the members of QEMU's C structures lie, read straight from the DWARF
// of QEMU's binary (or of its separate debug file), without LLDB's type
// system. LLDB 19 lays out CPUX86State slowly (about 0.1 s) and reports its
// vector-register unions as "extending beyond the bounds" of their parent,
// 20 error: lines in a successful dump; the register notes need a few dozen
// offsets, which the DWARF states directly (DW_AT_data_member_location).
//
// A type is looked up in one compile unit: the one that holds the code at a
// given address (found through .debug_aranges, or the units' own ranges), so
// that only that unit's DIEs are read. Without such an address, or when
// that unit lacks the type, every unit is searched in order.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_INPUT_DWARFTYPES_H
#define QEMUDUMP_INPUT_DWARFTYPES_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace llvm {
class DWARFContext;
class DWARFDie;
class DWARFUnit;
class MemoryBuffer;
} // namespace llvm

namespace qemudump {

/// Where a member lies within its outermost structure.
struct FieldLayout {
  uint64_t Offset = 0;
  uint64_t Size = 0;
};

class DwarfTypes;

/// One structure or union type, as its defining DIE lays it out. Valid while
/// the DwarfTypes that made it lives.
class TypeLayout {
public:
  /// The type's name, as looked up.
  llvm::StringRef name() const { return Name; }
  /// DW_AT_byte_size.
  uint64_t size() const { return Size; }
  /// The member at \p Path: member names joined by '.', an array element as
  /// `[N]` ("env.segs[2].base", "env.regs[15]"). A member of an anonymous
  /// structure or union is found by its own name. An error names the part of
  /// the path that is missing, a bit-field, or out of the array's bounds.
  /// Each path found is remembered: a walk of many vCPUs looks it up once.
  llvm::Expected<FieldLayout> field(llvm::StringRef Path) const;
  /// Whether field(\p Path) would succeed (older versions lack some members).
  bool has(llvm::StringRef Path) const;

private:
  friend class DwarfTypes;
  TypeLayout(const DwarfTypes &Owner, std::string Name, uint64_t DieOffset,
             uint64_t Size)
      : Owner(&Owner), Name(std::move(Name)), DieOffset(DieOffset), Size(Size) {
  }

  const DwarfTypes *Owner;
  std::string Name;
  uint64_t DieOffset; ///< Of the defining DIE, in .debug_info.
  uint64_t Size;
  /// The paths found so far (shared by copies).
  std::shared_ptr<llvm::StringMap<FieldLayout>> Found =
      std::make_shared<llvm::StringMap<FieldLayout>>();
};

class DwarfTypes {
public:
  /// Reads the DWARF sections of the 64-bit little-endian ELF file at \p Path
  /// (mapped, not copied; compressed sections are decompressed). An error
  /// when the file cannot be read, is another kind of file, or has no
  /// .debug_info.
  static llvm::Expected<std::unique_ptr<DwarfTypes>> open(llvm::StringRef Path);
  ~DwarfTypes();

  /// The structure or union \p Name (a tag name or a typedef's, followed to
  /// its definition). \p CodeAddr, a file address in the code of the unit to
  /// look in first, or std::nullopt to search every unit. An error when no
  /// unit defines it.
  llvm::Expected<TypeLayout> type(llvm::StringRef Name,
                                  std::optional<uint64_t> CodeAddr) const;

  /// Whether any abbreviation of the DWARF declares an attribute of form
  /// \p Form (DW_FORM_data16, which LLDB before 20 cannot parse, say).
  bool usesForm(uint16_t Form) const;

  /// The file read.
  llvm::StringRef path() const { return Path; }

private:
  friend class TypeLayout;
  DwarfTypes() = default;
  /// The definition of \p Name among \p Unit's DIEs, or an invalid DIE.
  llvm::DWARFDie findIn(llvm::DWARFUnit &Unit, llvm::StringRef Name) const;

  std::string Path;
  std::unique_ptr<llvm::MemoryBuffer> File;
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> Decompressed;
  std::unique_ptr<llvm::DWARFContext> Context;
};

} // namespace qemudump

#endif // QEMUDUMP_INPUT_DWARFTYPES_H
