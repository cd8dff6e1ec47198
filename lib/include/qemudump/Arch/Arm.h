//===- Arm.h - 32-bit ARM guests: ARCH arm ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The 32-bit ARM guest architecture (row arm of the arch table, in Arm.cpp):
// the ELF32 vmcore QEMU writes for an ARM vCPU without AArch64
// (qemu-system-arm, or a 32-bit CPU model of qemu-system-aarch64), and ARCH
// as QEMU infers it for such a vCPU. The notes QEMU's dump-guest-memory
// writes for each such vCPU, in QEMU's order (all of one vCPU's, then the
// next's): "CORE"/NT_PRSTATUS with the kernel's pt_regs (r0..r15, cpsr), and
// when the vCPU has VFP or SIMD registers "LINUX"/NT_ARM_VFP with user_vfp
// (d0..d31, fpscr); layouts as in QEMU 10.x's target/arm/arch_dump.c. Also
// what QEMU computes at dump time from TCG's split state: CPSR (cpsr_read)
// and FPSCR (vfp_get_fpscr; its FPSR part as Aarch64.h's aarch64FpsrRead).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_ARM_H
#define QEMUDUMP_ARCH_ARM_H

#include "qemudump/Arch/ArchChoice.h"
#include "qemudump/Notes/CpuNotes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>

namespace qemudump {

/// One vCPU in AArch32 state, as its notes hold it.
struct ArmCpuState {
  uint32_t CpuIndex = 0;  ///< CPUState::cpu_index; the notes' pid is this + 1.
  uint32_t Regs[16] = {}; ///< r0..r15 (r15 the PC)
  uint32_t Cpsr = 0;      ///< As cpsr_read computes it.
  /// The vCPU has VFP or SIMD registers (MVFR0.SIMDReg): pr_fpvalid, and an
  /// NT_ARM_VFP note.
  bool HasVfp = false;
  uint64_t D[32] = {}; ///< d0..d31
  uint32_t Fpscr = 0;  ///< As vfp_get_fpscr computes it.
};

/// TCG's split CPSR (CPUARMState's uncached_cpsr, NF, ZF, CF, VF, QF, thumb,
/// condexec_bits, GE, daif).
struct ArmCpsrParts {
  uint32_t Uncached = 0, NF = 0, ZF = 0, CF = 0, VF = 0, QF = 0, Thumb = 0,
           CondexecBits = 0, GE = 0;
  uint64_t Daif = 0;
};

/// CPSR as QEMU's cpsr_read() assembles it.
uint32_t armCpsrRead(const ArmCpsrParts &P);

/// FPSCR as vfp_get_fpscr() assembles it from the AArch64 view of the same
/// state: \p Fpsr as vfp_get_fpsr computes it, \p Fpcr as vfp_get_fpcr.
uint32_t armFpscr(uint32_t Fpsr, uint32_t Fpcr);

/// In QEMU's order, each vCPU's NT_PRSTATUS ("CORE") and, when it has VFP,
/// NT_ARM_VFP ("LINUX") notes in the byte order \p Order.
CpuNotes armCpuNotes(llvm::ArrayRef<ArmCpuState> Cpus, llvm::endianness Order);

/// ARCH as QEMU's dump decides it for an ARM vCPU 0 without AArch64: ELF32
/// EM_ARM, in the byte order of vCPU 0's SCTLR.EE (\p BigEndian). qemudump's
/// arm is little-endian: EE set is an error asking for ARCH.
llvm::Expected<ArchChoice> inferArm32Arch(std::optional<bool> BigEndian);

} // namespace qemudump

#endif // QEMUDUMP_ARCH_ARM_H
