//===- Riscv.cpp - RISC-V guests: riscv64 and riscv32 ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Riscv.h"

#include "ArchRows.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

const uint32_t Pages4K[] = {0x1000};
const StringLiteral Riscv64Targets[] = {"riscv64"};
const StringLiteral Riscv32Targets[] = {"riscv32"};

/// user_regs_struct: pc, then x1..x31, in words of the class.
void userRegs(DescWriter &D, const RiscvCpuState &C, bool Is64Bit) {
  D.word(C.Pc, Is64Bit ? 8 : 4);
  for (size_t I = 1; I < 32; ++I)
    D.word(C.Gpr[I], Is64Bit ? 8 : 4);
}

} // namespace

const Arch Riscv64Arch{"riscv64",
                       ELF::ELFCLASS64,
                       ELF::ELFDATA2LSB,
                       ELF::EM_RISCV,
                       Pages4K,
                       Riscv64Targets,
                       "riscv64",
                       KdumpHeaderKind::Bits64,
                       PhysBaseSource::PhysBaseNumber,
                       /*Elf64AboveFourGiB=*/false,
                       /*KernelPhysical=*/nullptr};

const Arch Riscv32Arch{"riscv32",
                       ELF::ELFCLASS32,
                       ELF::ELFDATA2LSB,
                       ELF::EM_RISCV,
                       Pages4K,
                       Riscv32Targets,
                       "riscv32",
                       KdumpHeaderKind::Bits32Pad,
                       PhysBaseSource::PhysBaseNumber,
                       /*Elf64AboveFourGiB=*/false,
                       /*KernelPhysical=*/nullptr};

CpuNotes riscvCpuNotes(ArrayRef<RiscvCpuState> Cpus, bool Is64Bit,
                       endianness Order) {
  CpuNotes N(Order, "PRSTATUS");
  for (const RiscvCpuState &C : Cpus)
    N.add("CORE", ELF::NT_PRSTATUS,
          encodePrstatus(Order, Is64Bit, C.CpuIndex + 1, 32 * (Is64Bit ? 8 : 4),
                         /*FpValid=*/0,
                         [&](DescWriter &D) { userRegs(D, C, Is64Bit); }));
  N.Cpus = Cpus.size();
  return N;
}

Expected<ArchChoice> inferRiscvArch(StringRef Target,
                                    std::optional<bool> BigEndian) {
  if (BigEndian.value_or(false))
    return createStringError(
        inconvertibleErrorCode(),
        "cannot infer ARCH: vCPU 0's mstatus.UBE is set, so QEMU's own dump "
        "of this guest is big-endian, which qemudump does not write; give "
        "ARCH " +
            Target + " for a little-endian vmcore");
  if (!BigEndian)
    return inferFromTargetName(Target);
  return ArchChoice{Target == "riscv32" ? &Riscv32Arch : &Riscv64Arch,
                    formatv("inferred: qemu-system-{0}, vCPU 0's mstatus.UBE "
                            "is clear",
                            Target)
                        .str()};
}

} // namespace qemudump
