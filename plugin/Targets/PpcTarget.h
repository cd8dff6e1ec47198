//===- PpcTarget.h - QEMU's ppc64 target: PowerPCCPU ------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs of qemu-system-ppc64, read as PowerPCCPU through the debug info:
// the registers of the notes (lib/Arch/Ppc64.h; XER, CR and VSCR assembled as
// QEMU's dump does), and the byte order QEMU's cpu_get_dump_info picks by
// vCPU 0's interrupt endianness (ppc_interrupts_little_endian: HID0's HILE
// for a hypervisor, LPCR.ILE where the CPU class has it (pseries), else
// MSR.ILE), not by MSR.LE. QEMU's host is taken to be little-endian (where
// VSR doublewords are stored swapped). qemu-system-ppc (32-bit) is a target
// qemudump reads no vCPUs of.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_TARGETS_PPCTARGET_H
#define QEMUDUMP_PLUGIN_TARGETS_PPCTARGET_H

#include "Targets/QemuTarget.h"

#include <memory>

namespace qemudump {

std::unique_ptr<QemuTarget> readPpcTarget(const QemuSession &S,
                                          llvm::StringRef Name);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_TARGETS_PPCTARGET_H
