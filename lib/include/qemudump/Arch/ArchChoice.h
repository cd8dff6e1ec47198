//===- ArchChoice.h - Which guest architecture a vmcore is for --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The ARCH policy of `qemu dump-guest-memory`: an ARCH the user gave must be
// one of the QEMU target's; otherwise ARCH is inferred as QEMU's own dump
// decides it (cpu_get_dump_info), each arch by its own facts (X86.h,
// Aarch64.h, Ppc64.h, Riscv.h), or from the binary's name alone. Also the
// ELF class of the vmcore, which is the guest's except where QEMU widens it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_ARCHCHOICE_H
#define QEMUDUMP_ARCH_ARCHCHOICE_H

#include "qemudump/Arch/Arch.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qemudump {

struct ArchChoice {
  const Arch *Guest = nullptr;
  /// How it was inferred ("inferred: vCPU 0 is in long mode"); empty when
  /// the user gave ARCH.
  std::string Origin;
};

/// \p Requested, when it is one of the arches of QEMU target \p Target (any,
/// for a target qemudump does not know); else an error naming those.
llvm::Expected<ArchChoice> checkRequestedArch(const Arch &Requested,
                                              llvm::StringRef Target);

/// The default arch of QEMU target \p Target, inferred from the binary's
/// name alone ("inferred from qemu-system-ppc64; little-endian assumed, give
/// ARCH otherwise (WHY)"): \p Why says why vCPU 0 did not tell. An error
/// asking for ARCH when qemudump does not know the target ("" when neither
/// the vCPU type nor the binary's name told it).
llvm::Expected<ArchChoice> inferFromTargetName(llvm::StringRef Target,
                                               llvm::StringRef Why = "");

/// "cannot infer ARCH: WHY; give ARCH (X86_64 or 386)": for a target whose
/// inference needs vCPU 0 and could not read it.
llvm::Error cannotInferArch(llvm::StringRef Target, const llvm::Twine &Why);

/// The ELF class of an ELF vmcore of guest RAM that ends at \p RamEnd: the
/// guest's, but ELF64 for an arch QEMU widens (i386) whose RAM reaches above
/// 4 GiB (32-bit program headers could not say where). \p Why says so in
/// that case.
struct ElfClassChoice {
  uint8_t ElfClass = 0;
  std::string Why;
};
ElfClassChoice vmcoreElfClass(const Arch &A, uint64_t RamEnd);

} // namespace qemudump

#endif // QEMUDUMP_ARCH_ARCHCHOICE_H
