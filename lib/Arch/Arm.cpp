//===- Arm.cpp - 32-bit ARM guests: ARCH arm ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The arm row of the arch table: the ELF32 vmcore QEMU writes for an ARM vCPU
// without AArch64 (qemu-system-arm, or a 32-bit CPU model of
// qemu-system-aarch64). qemudump writes no vCPU notes for it yet, and does
// not translate its kernel addresses.
//
//===----------------------------------------------------------------------===//

#include "ArchRows.h"

#include "llvm/BinaryFormat/ELF.h"

using namespace llvm;

namespace qemudump {

namespace {
const uint32_t Pages4K[] = {0x1000};
const StringLiteral ArmTargets[] = {"aarch64", "arm"};
} // namespace

const Arch ArmArch{"arm",
                   ELF::ELFCLASS32,
                   ELF::ELFDATA2LSB,
                   ELF::EM_ARM,
                   Pages4K,
                   ArmTargets,
                   "armv7l",
                   KdumpHeaderKind::Bits32Pad,
                   PhysBaseSource::PhysBaseNumber,
                   /*Elf64AboveFourGiB=*/false,
                   /*KernelPhysical=*/nullptr};

} // namespace qemudump
