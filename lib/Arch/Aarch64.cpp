//===- Aarch64.cpp - aarch64 guests: aarch64-le and aarch64-be ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Aarch64.h"

#include "ArchRows.h"

#include "qemudump/Guest/VmcoreInfo.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace qemudump {

namespace {

const uint32_t Arm64Pages[] = {0x1000, 0x4000, 0x10000};
const StringLiteral Aarch64Targets[] = {"aarch64"};

/// The kernel image runs at its physical address + kimage_voffset.
std::optional<uint64_t> aarch64KernelPhysical(uint64_t Vaddr,
                                              const VmcoreInfo &Info) {
  std::optional<uint64_t> VOff = Info.hex("NUMBER(kimage_voffset)");
  if (!VOff)
    return std::nullopt;
  return Vaddr - *VOff;
}

/// user_pt_regs: x0..x30, sp, pc, pstate.
void userPtRegs(DescWriter &D, const Aarch64CpuState &C) {
  for (uint64_t X : C.X)
    D.u64(X);
  D.u64(C.Sp).u64(C.Pc).u64(C.Pstate);
}

/// user_fpsimd_state: vregs (32 x 128 bits), fpsr, fpcr, pad[8]: 528
/// bytes.
std::vector<uint8_t> fpregs(const Aarch64CpuState &C, endianness Order) {
  DescWriter D(Order);
  for (const auto &V : C.V)
    D.u128(V[0], V[1]);
  D.u32(C.Fpsr).u32(C.Fpcr).zeros(8);
  return D.take();
}

// softfloat's exception flags (include/fpu/softfloat-types.h, 10.0).
enum : uint16_t {
  FlagInvalid = 0x0001,
  FlagDivByZero = 0x0002,
  FlagOverflow = 0x0004,
  FlagUnderflow = 0x0008,
  FlagInexact = 0x0010,
  FlagInputDenormalFlushed = 0x0020,
  FlagOutputDenormalFlushed = 0x0040,
  FlagInputDenormalUsed = 0x4000,
};

// FPSR's cumulative exception bits, and the FPCR bits that change them.
enum : uint32_t {
  FpsrIOC = 1u << 0,
  FpsrDZC = 1u << 1,
  FpsrOFC = 1u << 2,
  FpsrUFC = 1u << 3,
  FpsrIXC = 1u << 4,
  FpsrIDC = 1u << 7,
  FpsrQC = 1u << 27,
  FpcrAH = 1u << 1,
  FpcrFZ = 1u << 24,
};

/// vfp_exceptbits_from_host().
uint32_t exceptBits(uint32_t Host, bool Ah) {
  uint32_t Bits = 0;
  if (Host & FlagInvalid)
    Bits |= FpsrIOC;
  if (Host & FlagDivByZero)
    Bits |= FpsrDZC;
  if (Host & FlagOverflow)
    Bits |= FpsrOFC;
  if (Host & (FlagUnderflow | FlagOutputDenormalFlushed))
    Bits |= FpsrUFC;
  if (Host & FlagInexact)
    Bits |= FpsrIXC;
  if (Host & FlagInputDenormalFlushed)
    Bits |= FpsrIDC;
  if (Ah && (Host & FlagInputDenormalUsed))
    Bits |= FpsrIDC;
  if (Ah && (Host & FlagOutputDenormalFlushed))
    Bits |= FpsrIXC;
  return Bits;
}

} // namespace

uint64_t aarch64PstateRead(const Aarch64PstateParts &P) {
  uint32_t Z = P.ZF == 0;
  return uint32_t((P.NF & 0x80000000u) | (Z << 30) | (P.CF << 29) |
                  ((P.VF & 0x80000000u) >> 3) | P.Pstate | P.Daif |
                  (P.Btype << 10));
}

uint32_t aarch64FpsrRead(const Aarch64FpsrParts &P) {
  uint32_t A32 = P.A32 | P.Std |
                 ((P.A32F16 | P.StdF16) & ~uint32_t(FlagInputDenormalFlushed));
  uint32_t A64 =
      P.A64 |
      (P.A64F16 & ~uint32_t(FlagInputDenormalFlushed | FlagInputDenormalUsed));
  // An input flushed only because of FPCR.FIZ does not set IDC.
  if ((P.Fpcr & (FpcrFZ | FpcrAH)) != FpcrFZ)
    A64 &= ~uint32_t(FlagInputDenormalFlushed);
  uint32_t Fpsr =
      P.Fpsr | exceptBits(A64, P.Fpcr & FpcrAH) | exceptBits(A32, false);
  if (P.Qc[0] | P.Qc[1] | P.Qc[2] | P.Qc[3])
    Fpsr |= FpsrQC;
  return Fpsr;
}

const Arch Aarch64LeArch{"aarch64-le",
                         ELF::ELFCLASS64,
                         ELF::ELFDATA2LSB,
                         ELF::EM_AARCH64,
                         Arm64Pages,
                         Aarch64Targets,
                         "aarch64",
                         KdumpHeaderKind::Bits64,
                         PhysBaseSource::PhysOffset,
                         /*Elf64AboveFourGiB=*/false,
                         aarch64KernelPhysical};

const Arch Aarch64BeArch{"aarch64-be",
                         ELF::ELFCLASS64,
                         ELF::ELFDATA2MSB,
                         ELF::EM_AARCH64,
                         Arm64Pages,
                         Aarch64Targets,
                         "aarch64_be",
                         KdumpHeaderKind::Bits64,
                         PhysBaseSource::PhysOffset,
                         /*Elf64AboveFourGiB=*/false,
                         aarch64KernelPhysical};

CpuNotes aarch64CpuNotes(ArrayRef<Aarch64CpuState> Cpus, endianness Order) {
  CpuNotes N(Order, "PRSTATUS, PRFPREG");
  for (const Aarch64CpuState &C : Cpus) {
    // aarch64_elf_prstatus: user_pt_regs (34 words), pr_fpvalid 1.
    N.add("CORE", ELF::NT_PRSTATUS,
          encodePrstatus(Order, /*Is64Bit=*/true, C.CpuIndex + 1, 34 * 8,
                         /*FpValid=*/1,
                         [&](DescWriter &D) { userPtRegs(D, C); }));
    N.add("CORE", ELF::NT_FPREGSET, fpregs(C, Order));
  }
  N.Cpus = Cpus.size();
  return N;
}

ArchChoice inferAarch64Arch(StringRef Target, std::optional<bool> BigEndian,
                            StringRef Why) {
  // The endianness of EL1, from vCPU 0's SCTLR_EL1.EE.
  if (Target == "aarch64" && BigEndian)
    return *BigEndian ? ArchChoice{&Aarch64BeArch,
                                   "inferred: vCPU 0's SCTLR_EL1.EE is set"}
                      : ArchChoice{&Aarch64LeArch,
                                   "inferred: vCPU 0's SCTLR_EL1.EE is clear"};
  return cantFail(inferFromTargetName(Target, Target == "aarch64" ? Why : ""));
}

} // namespace qemudump
