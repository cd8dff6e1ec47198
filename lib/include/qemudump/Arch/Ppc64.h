//===- Ppc64.h - ppc64 guests: ppc64-le and ppc64-be ------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The ppc64 guest architectures (rows ppc64-le and ppc64-be of the arch
// table, in Ppc64.cpp), and ARCH as QEMU infers it. The notes QEMU's
// dump-guest-memory writes for each ppc64 vCPU, in the vmcore's byte order and
// QEMU's order (all of one vCPU's, then the next's): "CORE" NT_PRSTATUS
// (user_pt_regs), NT_PRFPREG, NT_PPC_VMX, NT_PPC_VSX and NT_PPC_SPE. Layouts as
// in QEMU 10.x's target/ppc/arch_dump.c. Also what QEMU computes at dump time
// from its split state: XER (cpu_read_xer), CR (from crf[]) and VSCR
// (ppc_get_vscr).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_PPC64_H
#define QEMUDUMP_ARCH_PPC64_H

#include "qemudump/Arch/ArchChoice.h"
#include "qemudump/Notes/CpuNotes.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qemudump {

/// One ppc64 vCPU, as its notes hold it.
struct PpcCpuState {
  uint32_t CpuIndex = 0; ///< CPUState::cpu_index; the notes' pid is this + 1.
  uint64_t Gpr[32] = {};
  uint64_t Nip = 0, Msr = 0, Ctr = 0, Lr = 0;
  uint64_t Xer = 0; ///< As cpu_read_xer computes it.
  uint64_t Ccr = 0; ///< crf[0..7] assembled.
  uint64_t Fpr[32] = {};
  uint64_t Fpscr = 0;
  /// AVR 0..31 (VSR 32..63): [0] the low 64 bits, [1] the high 64 bits.
  uint64_t Avr[32][2] = {};
  uint32_t Vscr = 0;      ///< As ppc_get_vscr computes it.
  uint64_t Vsrl[32] = {}; ///< The low doubleword of VSR 0..31.
  uint64_t SpeAcc = 0;
  uint32_t SpeFscr = 0;
};

/// XER's split bits (CPUPPCState's xer, so, ov, ca, ov32, ca32).
struct PpcXerParts {
  uint64_t Xer = 0, So = 0, Ov = 0, Ca = 0, Ov32 = 0, Ca32 = 0;
  bool Isa300 = false; ///< POWER9 and later: OV32 and CA32 exist.
};

/// XER as cpu_read_xer assembles it.
uint64_t ppcReadXer(const PpcXerParts &P);

/// CR from its eight 4-bit fields, cr0 the most significant.
uint64_t ppcCr(llvm::ArrayRef<uint32_t> Crf);

/// Each vCPU's five notes, in QEMU's order and the byte order \p Order.
CpuNotes ppc64CpuNotes(llvm::ArrayRef<PpcCpuState> Cpus,
                       llvm::endianness Order);

/// ARCH as QEMU's ppc64 dump decides it: the byte order of vCPU 0's
/// interrupts (\p LittleEndian); unknown (\p Why says why), little-endian
/// is assumed, saying so.
ArchChoice inferPpc64Arch(std::optional<bool> LittleEndian,
                          llvm::StringRef Why);

} // namespace qemudump

#endif // QEMUDUMP_PPCCPUNOTES_H
