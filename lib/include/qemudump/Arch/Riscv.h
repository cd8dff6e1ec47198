//===- RiscvCpuNotes.h - vCPU register notes of a RISC-V guest --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The note QEMU's dump-guest-memory writes for each RISC-V vCPU:
// "CORE"/NT_PRSTATUS with the kernel's user_regs_struct (pc, then x1..x31),
// in the 64-bit layout (qemu-system-riscv64) or the 32-bit one
// (qemu-system-riscv32). Layouts as in QEMU's target/riscv/arch_dump.c.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_RISCVCPUNOTES_H
#define QEMUDUMP_RISCVCPUNOTES_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace qemudump {

/// One RISC-V vCPU, as CPURISCVState holds it.
struct RiscvCpuState {
  uint32_t CpuIndex = 0; ///< CPUState::cpu_index; the note's pid is this + 1.
  uint64_t Pc = 0;
  uint64_t Gpr[32] = {}; ///< x0..x31 (x0 is not written)
};

/// Appends one "CORE"/NT_PRSTATUS note per vCPU in the vmcore's byte order:
/// riscv64_elf_prstatus when \p Is64Bit, riscv32_elf_prstatus otherwise.
void appendRiscvCpuNotes(std::vector<uint8_t> &Out,
                         llvm::ArrayRef<RiscvCpuState> Cpus, bool Is64Bit,
                         bool LittleEndian);

} // namespace qemudump

#endif // QEMUDUMP_RISCVCPUNOTES_H
