//===- X86CpuNotes.h - vCPU register notes of an x86 guest ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The notes QEMU's dump-guest-memory writes for each x86 vCPU, built from
// the vCPU state read out of a QEMU core: "CORE"/NT_PRSTATUS with the
// registers in the kernel's user_regs_struct order (x86_64 when the first
// vCPU is in long mode, i386 otherwise), and "QEMU" with QEMUCPUState
// version 1 (registers, segment caches, control registers, kernel_gs_base).
// Layouts as in QEMU's target/i386/arch_dump.c.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_X86CPUNOTES_H
#define QEMUDUMP_X86CPUNOTES_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace qemudump {

struct X86Segment {
  uint32_t Selector = 0;
  uint64_t Base = 0;
  uint32_t Limit = 0;
  uint32_t Flags = 0;
};

/// One vCPU, as CPUX86State holds it, with the flags already computed.
struct X86CpuState {
  uint32_t CpuIndex = 0;  ///< CPUState::cpu_index; the notes' pid is this + 1.
  uint64_t Regs[16] = {}; ///< rax rcx rdx rbx rsp rbp rsi rdi r8..r15
  uint64_t Rip = 0;
  uint64_t Rflags = 0; ///< As cpu_compute_eflags computes it.
  X86Segment Segs[6];  ///< es cs ss ds fs gs (QEMU's R_ES..R_GS order)
  X86Segment Ldt, Tr, Gdt, Idt;
  uint64_t Cr[5] = {};
  uint64_t KernelGsBase = 0;
  uint32_t Hflags = 0;

  bool longMode() const { return Hflags & (1u << 14); } // HF_LMA_MASK
};

/// Appends, in QEMU's order, one "CORE"/NT_PRSTATUS note per vCPU, then one
/// "QEMU" note per vCPU. \p LongMode selects the x86_64 prstatus layout (QEMU
/// decides by the first vCPU's long mode).
void appendX86CpuNotes(std::vector<uint8_t> &Out,
                       llvm::ArrayRef<X86CpuState> Cpus, bool LongMode);

} // namespace qemudump

#endif // QEMUDUMP_X86CPUNOTES_H
