//===- Arm.h - 32-bit ARM guests: ARCH arm ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The 32-bit ARM guest architecture (row arm of the arch table, in Arm.cpp):
// the ELF32 vmcore QEMU writes for an ARM vCPU without AArch64
// (qemu-system-arm, or a 32-bit CPU model of qemu-system-aarch64), and ARCH
// as QEMU infers it for such a vCPU. qemudump writes no vCPU notes for it
// yet.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_ARM_H
#define QEMUDUMP_ARCH_ARM_H

#include "qemudump/Arch/ArchChoice.h"

#include "llvm/Support/Error.h"

#include <optional>

namespace qemudump {

/// ARCH as QEMU's dump decides it for an ARM vCPU 0 without AArch64: ELF32
/// EM_ARM (in the byte order of vCPU 0's SCTLR.EE, \p BigEndian: qemudump's
/// arm is little-endian only).
llvm::Expected<ArchChoice> inferArm32Arch(std::optional<bool> BigEndian);

} // namespace qemudump

#endif // QEMUDUMP_ARCH_ARM_H
