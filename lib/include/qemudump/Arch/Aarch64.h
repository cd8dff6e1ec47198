//===- Aarch64.h - aarch64 guests: aarch64-le and aarch64-be ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The aarch64 guest architectures (rows aarch64-le and aarch64-be of the
// arch table, in Aarch64.cpp), and ARCH as QEMU infers it for an ARM vCPU.
// The notes QEMU's dump-guest-memory writes for each aarch64 vCPU, built from
// the vCPU state read out of a QEMU core, in QEMU's order (all of one vCPU's
// notes, then the next vCPU's): "CORE"/NT_PRSTATUS with the kernel's
// user_pt_regs (x0..x30, sp, pc, pstate), then "CORE"/NT_PRFPREG with
// user_fpsimd_state (v0..v31, fpsr, fpcr). Layouts as in QEMU's
// target/arm/arch_dump.c. Also the parts of the state QEMU computes at dump
// time from TCG's split representation: pstate (pstate_read) and FPSR
// (vfp_get_fpsr).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_AARCH64_H
#define QEMUDUMP_ARCH_AARCH64_H

#include "qemudump/Arch/ArchChoice.h"
#include "qemudump/Notes/CpuNotes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qemudump {

/// One vCPU in AArch64 state, as its notes hold it.
struct Aarch64CpuState {
  uint32_t CpuIndex = 0; ///< CPUState::cpu_index; the notes' pid is this + 1.
  uint64_t X[31] = {};   ///< x0..x30
  uint64_t Sp = 0;       ///< env.xregs[31]
  uint64_t Pc = 0;
  uint64_t Pstate = 0;    ///< As pstate_read computes it.
  uint64_t V[32][2] = {}; ///< v0..v31: the low, then the high 64 bits.
  uint32_t Fpsr = 0;      ///< As vfp_get_fpsr computes it.
  uint32_t Fpcr = 0;      ///< As vfp_get_fpcr computes it.
};

/// TCG's split PSTATE (CPUARMState's NF, ZF, CF, VF, pstate, daif, btype).
struct Aarch64PstateParts {
  uint32_t NF = 0, ZF = 0, CF = 0, VF = 0;
  uint32_t Pstate = 0, Daif = 0, Btype = 0;
};

/// PSTATE as QEMU's pstate_read() assembles it: N from NF's sign, Z when ZF
/// is 0, C from CF, V from VF's sign, the rest from pstate, daif and btype.
uint64_t aarch64PstateRead(const Aarch64PstateParts &P);

/// FPSR as QEMU 9.2 to 10.x's vfp_get_fpsr() computes it: the stored bits,
/// the cumulative exception flags softfloat keeps in each float_status
/// (mapped to FPSR's IOC..IDC bits), and QC from the saturation words.
struct Aarch64FpsrParts {
  uint32_t Fpsr = 0;   ///< env.vfp.fpsr
  uint32_t Fpcr = 0;   ///< env.vfp.fpcr (its FZ and AH bits matter)
  uint32_t Qc[4] = {}; ///< env.vfp.qc
  /// float_status.float_exception_flags of fp_status[FPST_A32], [FPST_A64],
  /// [FPST_A32_F16], [FPST_A64_F16], [FPST_STD], [FPST_STD_F16].
  uint16_t A32 = 0, A64 = 0, A32F16 = 0, A64F16 = 0, Std = 0, StdF16 = 0;
};
uint32_t aarch64FpsrRead(const Aarch64FpsrParts &P);

/// In QEMU's order, each vCPU's NT_PRSTATUS and NT_PRFPREG notes ("CORE")
/// in the byte order \p Order.
CpuNotes aarch64CpuNotes(llvm::ArrayRef<Aarch64CpuState> Cpus,
                         llvm::endianness Order);

/// What QEMU's dump decides by an ARM vCPU 0 with AArch64
/// (cpu_get_dump_info): ELF64, in the endianness of EL1 (\p BigEndian:
/// SCTLR_EL1.EE). What vCPU 0 does not tell is taken from QEMU target
/// \p Target's name (qemu-system-aarch64: aarch64-le assumed, \p Why
/// saying why it was not told; qemu-system-arm: arm). A vCPU without
/// AArch64 is Arm.h's.
ArchChoice inferAarch64Arch(llvm::StringRef Target,
                            std::optional<bool> BigEndian, llvm::StringRef Why);

} // namespace qemudump

#endif // QEMUDUMP_AARCH64CPUNOTES_H
