//===- ValueReader.h - QEMU's structures read through SBValue ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The one way the plugin reads QEMU's memory structures: a cursor over
// SBValues that remembers its first failure, so that a walk of QEMU's
// structures reads as a list of fields and is checked once. After a failure
// every read returns a default (0, an invalid SBValue) and records nothing
// more: the first failure is the one reported.
//
// A failure says which field (the path, e.g. "FlatRange.addr.start") and
// why: missing from the debug info (this QEMU version's structures differ),
// or unreadable (the core does not hold it, or the pointer is garbage).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_VALUEREADER_H
#define QEMUDUMP_PLUGIN_QEMU_VALUEREADER_H

#include "lldb/API/SBTarget.h"
#include "lldb/API/SBType.h"
#include "lldb/API/SBValue.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qemudump {

/// QEMU's Int128 as two halves.
struct U128 {
  uint64_t Lo = 0, Hi = 0;
};

class ValueReader {
public:
  /// The first failure.
  struct Failure {
    enum Kind { Missing, Unreadable, Corrupt } K = Unreadable;
    std::string Path;   ///< The field: "FlatView.nr".
    std::string Reason; ///< LLDB's reason, or what is wrong with the value.
  };

  /// \p LittleEndian: QEMU's (the host's) byte order, for Int128.
  ValueReader(lldb::SBTarget Target, bool LittleEndian)
      : Target(Target), LittleEndian(LittleEndian) {}

  /// The member \p Name of \p V (whose type is called \p Type in messages);
  /// a failure when the debug info has no such member or it cannot be read.
  lldb::SBValue member(lldb::SBValue V, const char *Name, llvm::StringRef Type);
  /// The member when the debug info has it (older QEMU versions lack some);
  /// an invalid SBValue, and no failure, when it has not.
  lldb::SBValue optionalMember(lldb::SBValue V, const char *Name);

  /// \p V as an unsigned integer (a pointer's address, an enum's value).
  uint64_t u64(lldb::SBValue V, const llvm::Twine &Path);
  /// A flag member that older versions lack: missing counts as false.
  bool optionalFlag(lldb::SBValue V, const char *Name, llvm::StringRef Type);
  /// QEMU's Int128: `__int128` on most 64-bit builds, a {lo, hi} struct
  /// otherwise. Either way its 16 bytes are a host-endian 128-bit integer;
  /// the struct's members are read by name since their order changed in 6.2.
  U128 int128(lldb::SBValue V, const llvm::Twine &Path);
  /// An Int128 that must fit in 64 bits (a failure otherwise).
  uint64_t int128As64(lldb::SBValue V, const llvm::Twine &Path);
  /// An Int128 size, which may be 2^64: QEMU's int128_2_64(), the size of
  /// a region made with size UINT64_MAX. None for 2^64; a failure (and 0)
  /// above it, as int128As64.
  std::optional<uint64_t> int128Size(lldb::SBValue V, const llvm::Twine &Path);

  /// What \p Pointer points at; \p Path names the pointee in messages.
  lldb::SBValue deref(lldb::SBValue Pointer, const llvm::Twine &Path);
  /// A value of type \p T at QEMU address \p Addr.
  lldb::SBValue at(uint64_t Addr, lldb::SBType T, const llvm::Twine &Path);
  /// Element \p I of the array member \p Array.
  lldb::SBValue element(lldb::SBValue Array, uint32_t I);

  /// Records a failure of the walk's own checks (a NULL pointer, a count
  /// out of range), unless one is recorded already.
  void fail(Failure::Kind K, const llvm::Twine &Path,
            const llvm::Twine &Reason);

  bool ok() const { return !First; }
  const std::optional<Failure> &failure() const { return First; }
  /// The failure as an error (structuresError(): an Unreadable one is a
  /// StructuresUnreadable), or success.
  llvm::Error takeError();
  /// Forgets the failure (of a read whose failure costs nothing).
  void reset() { First.reset(); }

private:
  bool record(lldb::SBValue V, Failure::Kind K, const llvm::Twine &Path);

  lldb::SBTarget Target;
  bool LittleEndian;
  std::optional<Failure> First;
};

/// "QEMU's STRUCTURE is unreadable or corrupt: WHAT; the core may be
/// damaged, or it does not match this QEMU binary".
llvm::Error structureCorruptError(llvm::StringRef Structure,
                                  const llvm::Twine &What);

/// structureCorruptError() of QEMU's memory map.
inline llvm::Error corruptError(const llvm::Twine &What) {
  return structureCorruptError("memory map", What);
}

/// \p F as the user reads it: a member missing from the debug info is an
/// unsupported QEMU version; anything else is corruptError().
llvm::Error structuresError(const ValueReader::Failure &F);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_VALUEREADER_H
