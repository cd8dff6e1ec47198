//===- Aarch64CpuNotes.cpp - vCPU register notes of an aarch64 guest ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Aarch64.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace qemudump {

namespace {

/// A byte buffer in the vmcore's byte order, filled at explicit offsets.
struct Desc {
  std::vector<uint8_t> Bytes;
  llvm::endianness Order;
  Desc(size_t Size, bool LittleEndian)
      : Bytes(Size, 0),
        Order(LittleEndian ? llvm::endianness::little : llvm::endianness::big) {
  }
  void put32(size_t Off, uint32_t V) {
    support::endian::write32(&Bytes[Off], V, Order);
  }
  void put64(size_t Off, uint64_t V) {
    support::endian::write64(&Bytes[Off], V, Order);
  }
};

/// aarch64_elf_prstatus: pad1[32], pid, pad2[76], user_pt_regs (34 words),
/// pr_fpvalid, pad3[4]: 392 bytes.
std::vector<uint8_t> prstatus(const Aarch64CpuState &C, bool LittleEndian) {
  Desc D(392, LittleEndian);
  D.put32(32, C.CpuIndex + 1);
  constexpr size_t Regs = 112;
  for (size_t I = 0; I < 31; ++I)
    D.put64(Regs + 8 * I, C.X[I]);
  D.put64(Regs + 8 * 31, C.Sp);
  D.put64(Regs + 8 * 32, C.Pc);
  D.put64(Regs + 8 * 33, C.Pstate);
  D.put32(Regs + 8 * 34, 1); // pr_fpvalid
  return D.Bytes;
}

/// user_fpsimd_state: vregs (32 x 128 bits), fpsr, fpcr, pad[8]: 528
/// bytes. Each 128-bit register is one integer in the note's byte order, so
/// a big-endian note has its high half first.
std::vector<uint8_t> fpregs(const Aarch64CpuState &C, bool LittleEndian) {
  Desc D(528, LittleEndian);
  for (size_t I = 0; I < 32; ++I) {
    D.put64(16 * I, C.V[I][LittleEndian ? 0 : 1]);
    D.put64(16 * I + 8, C.V[I][LittleEndian ? 1 : 0]);
  }
  D.put32(512, C.Fpsr);
  D.put32(516, C.Fpcr);
  return D.Bytes;
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

void appendAarch64CpuNotes(std::vector<uint8_t> &Out,
                           ArrayRef<Aarch64CpuState> Cpus, bool LittleEndian) {
  for (const Aarch64CpuState &C : Cpus) {
    appendNote(Out, LittleEndian, "CORE", ELF::NT_PRSTATUS,
               prstatus(C, LittleEndian));
    appendNote(Out, LittleEndian, "CORE", ELF::NT_FPREGSET,
               fpregs(C, LittleEndian));
  }
}

} // namespace qemudump
