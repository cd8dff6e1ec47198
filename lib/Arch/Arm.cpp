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

// Not in every LLVM's ELF.h.
constexpr uint32_t NtArmVfp = 0x400;

// target/arm/cpu.h: the CPSR's A, I and F bits (daif keeps them where
// PSTATE has them, the same bits), the FPCR and FPSR bits of FPSCR.
constexpr uint32_t CpsrAIF = 0x1c0;
constexpr uint32_t FpscrFpcrMask = 0x9f00       // IOE, DZE, OFE, UFE, IXE, IDE
                                   | 0x70000    // LEN
                                   | 0x80000    // FZ16
                                   | 0x300000   // STRIDE
                                   | 0xc00000   // RMODE
                                   | 0x7000000; // FZ, DN, AHP
constexpr uint32_t FpscrFpsrMask = 0xf8000000   // N, Z, C, V, QC
                                   | 0x9f;      // IOC, DZC, OFC, UFC, IXC, IDC

/// pt_regs: r0..r15, cpsr (and ARM_ORIG_r0, left 0).
void ptRegs(DescWriter &D, const ArmCpuState &C) {
  for (uint32_t R : C.Regs)
    D.u32(R);
  D.u32(C.Cpsr);
}

/// user_vfp: d0..d31, fpscr: 260 bytes.
std::vector<uint8_t> userVfp(const ArmCpuState &C, endianness Order) {
  DescWriter D(Order);
  for (uint64_t R : C.D)
    D.u64(R);
  D.u32(C.Fpscr);
  return D.take();
}

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

uint32_t armCpsrRead(const ArmCpsrParts &P) {
  uint32_t Z = P.ZF == 0;
  return P.Uncached | (P.NF & 0x80000000u) | (Z << 30) | (P.CF << 29) |
         ((P.VF & 0x80000000u) >> 3) | (P.QF << 27) | (P.Thumb << 5) |
         ((P.CondexecBits & 3) << 25) | ((P.CondexecBits & 0xfc) << 8) |
         (P.GE << 16) | uint32_t(P.Daif & CpsrAIF);
}

uint32_t armFpscr(uint32_t Fpsr, uint32_t Fpcr) {
  return (Fpcr & FpscrFpcrMask) | (Fpsr & FpscrFpsrMask);
}

CpuNotes armCpuNotes(ArrayRef<ArmCpuState> Cpus, endianness Order) {
  bool AllVfp =
      llvm::all_of(Cpus, [](const ArmCpuState &C) { return C.HasVfp; });
  bool AnyVfp =
      llvm::any_of(Cpus, [](const ArmCpuState &C) { return C.HasVfp; });
  CpuNotes N(Order, AllVfp   ? "PRSTATUS, VFP"
                    : AnyVfp ? "PRSTATUS, VFP on some"
                             : "PRSTATUS");
  for (const ArmCpuState &C : Cpus) {
    // arm_elf_prstatus: pt_regs (18 words), pr_fpvalid.
    N.add("CORE", ELF::NT_PRSTATUS,
          encodePrstatus(Order, /*Is64Bit=*/false, C.CpuIndex + 1, 18 * 4,
                         /*FpValid=*/C.HasVfp,
                         [&](DescWriter &D) { ptRegs(D, C); }));
    if (C.HasVfp)
      N.add("LINUX", NtArmVfp, userVfp(C, Order));
  }
  N.Cpus = Cpus.size();
  return N;
}

Expected<ArchChoice> inferArm32Arch(std::optional<bool> BigEndian) {
  if (BigEndian.value_or(false))
    return createStringError(
        inconvertibleErrorCode(),
        "cannot infer ARCH: vCPU 0 is a 32-bit ARM CPU whose SCTLR.EE is set, "
        "so QEMU's own dump of this guest is big-endian, which qemudump does "
        "not write; give ARCH arm for a little-endian vmcore");
  return ArchChoice{&ArmArch, "inferred: vCPU 0 has no AArch64 (a 32-bit CPU)"};
}

} // namespace qemudump
