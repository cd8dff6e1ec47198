//===- ArchChoice.h - Which guest architecture a vmcore is for --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The ARCH policy of `qemu dump-guest-memory`, as a function from facts to a
// choice: the facts are what the QEMU in the core says (its target family,
// vCPU 0's mode or endianness), the choice is an entry of the arch table and
// where it came from. Also the ELF class of the vmcore, which is the guest's
// except where QEMU widens it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCHCHOICE_H
#define QEMUDUMP_ARCHCHOICE_H

#include "qemudump/Arch/Arch.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace qemudump {

/// What the QEMU in the core says about its guest's architecture.
struct TargetFacts {
  /// "x86" when QEMU's debug info has X86CPU; otherwise NAME of the
  /// executable's qemu-system-NAME; "" when neither tells.
  std::string Family;
  /// x86: whether vCPU 0 is in long mode, or (unset) why it is not known.
  std::optional<bool> X86LongMode;
  std::string X86Problem;
  /// aarch64: whether vCPU 0's SCTLR_EL1.EE is set, or (unset) why it is not
  /// known. Only needed, and so only read, when ARCH is not given.
  std::optional<bool> Aarch64BigEndian;
  std::string Aarch64Problem;
  /// ARM (qemu-system-aarch64 or -arm): whether vCPU 0 has AArch64 (an ELF64
  /// vmcore) or not (ELF32, "arm"); unset when not known.
  std::optional<bool> ArmAarch64;
  /// RISC-V: whether vCPU 0's mstatus.UBE is set (QEMU's dump would be
  /// big-endian, which no ARCH of qemudump's is).
  std::optional<bool> RiscvBigEndian;
  /// ppc64: whether vCPU 0's interrupts are little-endian (QEMU's choice of
  /// the dump's byte order), or (unset) why it is not known.
  std::optional<bool> PpcLittleEndian;
  std::string PpcProblem;
};

/// The ARCH names that fit a QEMU target family (qemu-system-FAMILY, or
/// "x86" for both x86 targets), the default first; empty when unknown.
llvm::ArrayRef<llvm::StringRef> archesOfFamily(llvm::StringRef Family);

struct ArchChoice {
  const Arch *Guest = nullptr;
  /// How it was inferred ("inferred: vCPU 0 is in long mode"); empty when
  /// the user gave ARCH.
  std::string Origin;
};

/// The guest architecture: \p Requested (the ARCH the user gave, checked
/// against the family) when not null, else inferred as QEMU's own dump
/// decides it: x86 from vCPU 0's long mode, ARM from vCPU 0's AArch64
/// feature and SCTLR_EL1.EE, other targets the family's default. Fails, saying
/// what to give, when it cannot be inferred or \p Requested does not fit.
llvm::Expected<ArchChoice> resolveArch(const Arch *Requested,
                                       const TargetFacts &Facts);

/// The ELF class of an ELF vmcore of guest RAM that ends at \p RamEnd: the
/// guest's, but ELF64 for a 32-bit x86 guest whose RAM reaches above 4 GiB,
/// as QEMU does (32-bit program headers could not say where). \p Why says so
/// in that case.
struct ElfClassChoice {
  uint8_t ElfClass = 0;
  std::string Why;
};
ElfClassChoice vmcoreElfClass(const Arch &A, uint64_t RamEnd);

} // namespace qemudump

#endif // QEMUDUMP_ARCHCHOICE_H
