//===- MemoryFault.h - A read of QEMU's memory that failed ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The one error every MemorySource fails with: the QEMU (host-virtual)
// address and length asked for, and the source's reason ("core file 'X': is
// truncated: ..."). A caller that knows what the read was for adds the
// guest-physical context with addGuestContext(), so that the message names
// both; the reason itself is never rewritten.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_INPUT_MEMORYFAULT_H
#define QEMUDUMP_INPUT_MEMORYFAULT_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qemudump {

class MemoryFault : public llvm::ErrorInfo<MemoryFault> {
public:
  static char ID;

  /// What the failed read was for, in guest-physical terms.
  struct GuestContext {
    uint64_t Start = 0, End = 0; ///< Guest-physical [Start, End).
    uint64_t HostAddr = 0;       ///< QEMU's address of Start.
    /// Set when [Start, End) is a whole block of guest RAM that was being
    /// checked, rather than the bytes being copied.
    bool WholeBlock = false;
  };

  /// What kind of failure: one the caller may explain better.
  enum Kind {
    Other,
    NotMapped,  ///< No mapping of the process holds the address.
    Truncated,  ///< The core file ends before the address's bytes.
    FileBacked, ///< A file mapping the core left out (coredump filter).
  };

  MemoryFault(uint64_t HostAddr, uint64_t Length, std::string Reason,
              Kind K = Other)
      : HostAddr(HostAddr), Length(Length), Reason(std::move(Reason)), K(K) {}

  Kind kind() const { return K; }

  uint64_t hostAddress() const { return HostAddr; }
  uint64_t length() const { return Length; }
  const std::string &reason() const { return Reason; }
  const std::optional<GuestContext> &guestContext() const { return Guest; }

  void log(llvm::raw_ostream &OS) const override;
  std::error_code convertToErrorCode() const override;

  /// \p E with \p C added when it is a MemoryFault without a context yet; any
  /// other error becomes a MemoryFault of [HostAddr, HostAddr + Length) with
  /// its message as the reason, so that the context is never lost.
  static llvm::Error addGuestContext(llvm::Error E, const GuestContext &C,
                                     uint64_t Length);

private:
  uint64_t HostAddr, Length;
  std::string Reason;
  Kind K;
  std::optional<GuestContext> Guest;
};

/// QEMU's own structures (its memory map) could not be read because the
/// source does not hold their bytes: not corrupt, absent (past the cut of a
/// truncated core, say). The message says which structure.
class StructuresUnreadable : public llvm::ErrorInfo<StructuresUnreadable> {
public:
  static char ID;
  explicit StructuresUnreadable(std::string Message)
      : Message(std::move(Message)) {}
  void log(llvm::raw_ostream &OS) const override { OS << Message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

private:
  std::string Message;
};

} // namespace qemudump

#endif // QEMUDUMP_INPUT_MEMORYFAULT_H
