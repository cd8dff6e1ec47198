//===- Loongarch64.cpp - loongarch64 guests -------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The loongarch64 row of the arch table. qemudump writes no vCPU notes for
// it yet (QEMU 9.2 and later write NT_PRSTATUS and NT_PRFPREG), and does not
// translate its kernel addresses.
//
//===----------------------------------------------------------------------===//

#include "ArchRows.h"

#include "llvm/BinaryFormat/ELF.h"

using namespace llvm;

namespace qemudump {

namespace {
const uint32_t LoongarchPages[] = {0x1000, 0x4000, 0x10000};
const StringLiteral LoongarchTargets[] = {"loongarch64"};
} // namespace

const Arch Loongarch64Arch{"loongarch64",
                           ELF::ELFCLASS64,
                           ELF::ELFDATA2LSB,
                           ELF::EM_LOONGARCH,
                           LoongarchPages,
                           LoongarchTargets,
                           "loongarch64",
                           KdumpHeaderKind::Bits64,
                           PhysBaseSource::PhysBaseNumber,
                           /*Elf64AboveFourGiB=*/false,
                           /*KernelPhysical=*/nullptr};

} // namespace qemudump
