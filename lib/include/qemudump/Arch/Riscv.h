//===- Riscv.h - RISC-V guests: riscv64 and riscv32 -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The RISC-V guest architectures (rows riscv64 and riscv32 of the arch
// table, in Riscv.cpp), and ARCH as QEMU infers it. The note QEMU's
// dump-guest-memory writes for each RISC-V vCPU: "CORE"/NT_PRSTATUS with the
// kernel's user_regs_struct (pc, then x1..x31), in the 64-bit layout
// (qemu-system-riscv64) or the 32-bit one (qemu-system-riscv32). Layouts as in
// QEMU's target/riscv/arch_dump.c.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_RISCV_H
#define QEMUDUMP_ARCH_RISCV_H

#include "qemudump/Arch/ArchChoice.h"
#include "qemudump/Notes/CpuNotes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qemudump {

/// One RISC-V vCPU, as CPURISCVState holds it.
struct RiscvCpuState {
  uint32_t CpuIndex = 0; ///< CPUState::cpu_index; the note's pid is this + 1.
  uint64_t Pc = 0;
  uint64_t Gpr[32] = {}; ///< x0..x31 (x0 is not written)
};

/// One "CORE"/NT_PRSTATUS note per vCPU in the byte order \p Order:
/// riscv64_elf_prstatus when \p Is64Bit, riscv32_elf_prstatus otherwise.
CpuNotes riscvCpuNotes(llvm::ArrayRef<RiscvCpuState> Cpus, bool Is64Bit,
                       llvm::endianness Order);

/// ARCH as QEMU's RISC-V dump decides it for QEMU target \p Target
/// (riscv64 or riscv32): the target's, little-endian, when vCPU 0's
/// mstatus.UBE (\p BigEndian) is clear; an error when it is set (QEMU's dump
/// would be big-endian, which no ARCH of qemudump's is).
llvm::Expected<ArchChoice> inferRiscvArch(llvm::StringRef Target,
                                          std::optional<bool> BigEndian);

} // namespace qemudump

#endif // QEMUDUMP_RISCVCPUNOTES_H
