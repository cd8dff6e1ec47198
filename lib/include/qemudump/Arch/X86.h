//===- X86.h - x86 guests: X86_64 and 386 -----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The x86 guest architectures (rows X86_64 and 386 of the arch table, in
// X86.cpp): the vCPU state QEMU's dump-guest-memory writes and its notes, as
// target/i386/arch_dump.c lays them out: "CORE"/NT_PRSTATUS with the
// kernel's user_regs_struct (x86_64 when the first vCPU is in long mode,
// i386 otherwise), then "QEMU" with QEMUCPUState version 1 (registers,
// segment caches, control registers, kernel_gs_base); and ARCH as QEMU
// infers it. The flags come from TCG's lazy state: X86Flags.h.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_X86_H
#define QEMUDUMP_ARCH_X86_H

#include "qemudump/Arch/ArchChoice.h"
#include "qemudump/Notes/CpuNotes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>

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

/// In QEMU's order, one "CORE"/NT_PRSTATUS note per vCPU, then one "QEMU"
/// note per vCPU. \p LongLayout selects the x86_64 prstatus (QEMU decides by
/// the first vCPU's long mode).
CpuNotes x86CpuNotes(llvm::ArrayRef<X86CpuState> Cpus, bool LongLayout);

/// ARCH as QEMU's x86 dump decides it: X86_64 when vCPU 0 is in long mode,
/// else 386; \p LongMode unknown (\p Why says why) is an error asking for
/// ARCH.
llvm::Expected<ArchChoice> inferX86Arch(std::optional<bool> LongMode,
                                        llvm::StringRef Why);

} // namespace qemudump

#endif // QEMUDUMP_ARCH_X86_H
