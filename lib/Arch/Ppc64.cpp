//===- PpcCpuNotes.cpp - vCPU register notes of a ppc64 guest -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Ppc64.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace qemudump {

namespace {

// Not in every LLVM's ELF.h.
constexpr uint32_t NtPpcSpe = 0x101;

/// A descriptor in the vmcore's byte order, written in order.
struct Desc {
  std::vector<uint8_t> Bytes;
  endianness Order;
  explicit Desc(bool LittleEndian)
      : Order(LittleEndian ? endianness::little : endianness::big) {}
  void u32(uint32_t V) {
    Bytes.resize(Bytes.size() + 4);
    support::endian::write32(&Bytes[Bytes.size() - 4], V, Order);
  }
  void u64(uint64_t V) {
    Bytes.resize(Bytes.size() + 8);
    support::endian::write64(&Bytes[Bytes.size() - 8], V, Order);
  }
  /// A 128-bit integer, \p Lo its low half.
  void u128(uint64_t Lo, uint64_t Hi) {
    if (Order == endianness::little)
      u64(Lo), u64(Hi);
    else
      u64(Hi), u64(Lo);
  }
  void zeros(size_t N) { Bytes.resize(Bytes.size() + N, 0); }
};

/// PPCElfPrstatus: pad1[32], pid, pad2[76], user_pt_regs (44 words),
/// pad3[40]: 504 bytes.
std::vector<uint8_t> prstatus(const PpcCpuState &C, bool LE) {
  Desc D(LE);
  D.zeros(32);
  D.u32(C.CpuIndex + 1);
  D.zeros(76);
  for (uint64_t G : C.Gpr)
    D.u64(G);
  for (uint64_t R :
       {C.Nip, C.Msr, /*orig_gpr3=*/uint64_t(0), C.Ctr, C.Lr, C.Xer, C.Ccr})
    D.u64(R);
  D.zeros(5 * 8 + 40); // softe, trap, dar, dsisr, result; pad3
  return D.Bytes;
}

/// PPCElfFpregset: fpr[32], fpscr: 264 bytes.
std::vector<uint8_t> fpregset(const PpcCpuState &C, bool LE) {
  Desc D(LE);
  for (uint64_t F : C.Fpr)
    D.u64(F);
  D.u64(C.Fpscr);
  return D.Bytes;
}

/// PPCElfVmxregset: avr[32], vscr (the value in its last word), vrsave
/// (unset): 544 bytes.
std::vector<uint8_t> vmxregset(const PpcCpuState &C, bool LE) {
  Desc D(LE);
  for (const auto &A : C.Avr)
    D.u128(A[0], A[1]);
  D.zeros(12);
  D.u32(C.Vscr);
  D.zeros(16);
  return D.Bytes;
}

/// PPCElfVsxregset: the low doublewords of VSR 0..31: 256 bytes.
std::vector<uint8_t> vsxregset(const PpcCpuState &C, bool LE) {
  Desc D(LE);
  for (uint64_t V : C.Vsrl)
    D.u64(V);
  return D.Bytes;
}

/// PPCElfSperegset: evr[32] (unset), spe_acc, spe_fscr: 140 bytes.
std::vector<uint8_t> speregset(const PpcCpuState &C, bool LE) {
  Desc D(LE);
  D.zeros(32 * 4);
  D.u64(C.SpeAcc);
  D.u32(C.SpeFscr);
  return D.Bytes;
}

} // namespace

uint64_t ppcReadXer(const PpcXerParts &P) {
  enum { XerSO = 31, XerOV = 30, XerCA = 29, XerOV32 = 19, XerCA32 = 18 };
  uint64_t Xer = P.Xer | (P.So << XerSO) | (P.Ov << XerOV) | (P.Ca << XerCA);
  if (P.Isa300)
    Xer |= (P.Ov32 << XerOV32) | (P.Ca32 << XerCA32);
  return Xer;
}

uint64_t ppcCr(ArrayRef<uint32_t> Crf) {
  uint64_t Cr = 0;
  for (size_t I = 0; I < Crf.size() && I < 8; ++I)
    Cr |= uint64_t(Crf[I] & 15) << (4 * (7 - I));
  return Cr;
}

void appendPpc64CpuNotes(std::vector<uint8_t> &Out, ArrayRef<PpcCpuState> Cpus,
                         bool LittleEndian) {
  for (const PpcCpuState &C : Cpus) {
    auto Core = [&](uint32_t Type, ArrayRef<uint8_t> D) {
      appendNote(Out, LittleEndian, "CORE", Type, D);
    };
    Core(ELF::NT_PRSTATUS, prstatus(C, LittleEndian));
    Core(ELF::NT_FPREGSET, fpregset(C, LittleEndian));
    Core(ELF::NT_PPC_VMX, vmxregset(C, LittleEndian));
    Core(ELF::NT_PPC_VSX, vsxregset(C, LittleEndian));
    Core(NtPpcSpe, speregset(C, LittleEndian));
  }
}

} // namespace qemudump
