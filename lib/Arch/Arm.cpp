//===- Arm.cpp - 32-bit ARM guests: ARCH arm ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Arm.h"

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

Expected<ArchChoice> inferArm32Arch(std::optional<bool>) {
  return ArchChoice{&ArmArch, "inferred: vCPU 0 has no AArch64 (a 32-bit CPU)"};
}

} // namespace qemudump
