//===- S390x.h - s390x guests: ARCH s390 ------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The s390x guest architecture (row s390 of the arch table, in S390x.cpp).
// The notes QEMU's dump-guest-memory writes for each s390x vCPU, big-endian
// and in QEMU's order (all of one vCPU's, then the next's): "CORE"
// NT_PRSTATUS (PSW, general and access registers) and NT_FPREGSET, then
// "LINUX" NT_S390_PREFIX, _CTRS, _TIMER, _TODCMP, _TODPREG, _VXRS_LOW,
// _VXRS_HIGH and _GS_CB. Layouts as in QEMU 10.x's target/s390x/arch_dump.c
// (a protected guest's NT_S390_PV_CPU_DATA, KVM only, is not written).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_S390X_H
#define QEMUDUMP_ARCH_S390X_H

#include "qemudump/Notes/CpuNotes.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace qemudump {

/// One s390x vCPU, as CPUS390XState holds it.
struct S390xCpuState {
  uint32_t CpuIndex = 0; ///< CPUState::cpu_index; the notes' pid is this + 1.
  uint64_t PswMask = 0, PswAddr = 0;
  uint64_t Gprs[16] = {};
  uint32_t Acrs[16] = {};
  uint32_t Fpc = 0;
  /// v0..v31, each as QEMU keeps it: [0] the leftmost doubleword (which is
  /// also the floating-point register of v0..v15), [1] the rightmost.
  uint64_t Vregs[32][2] = {};
  uint64_t Cregs[16] = {};
  uint64_t Cputm = 0, Ckc = 0;
  uint32_t Todpr = 0;
  uint32_t Prefix = 0; ///< env.psa
  uint64_t Gscb[4] = {};
};

/// Each vCPU's ten notes, in QEMU's order, big-endian.
CpuNotes s390xCpuNotes(llvm::ArrayRef<S390xCpuState> Cpus);

} // namespace qemudump

#endif // QEMUDUMP_S390CPUNOTES_H
