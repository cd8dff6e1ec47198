//===- Ppc64.cpp - ppc64 guests: ppc64-le and ppc64-be --------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Ppc64.h"

#include "ArchRows.h"

#include "qemudump/Guest/VmcoreInfo.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace qemudump {

namespace {

// Not in every LLVM's ELF.h.
constexpr uint32_t NtPpcSpe = 0x101;

const uint32_t Ppc64Pages[] = {0x1000, 0x10000};
const StringLiteral Ppc64Targets[] = {"ppc64"};

/// The kernel runs in the linear map at PAGE_OFFSET.
std::optional<uint64_t> ppc64KernelPhysical(uint64_t Vaddr,
                                            const VmcoreInfo &) {
  constexpr uint64_t PageOffset = 0xc000000000000000ULL;
  if (Vaddr < PageOffset)
    return std::nullopt;
  return Vaddr - PageOffset;
}

/// user_pt_regs: gpr[32], nip, msr, orig_gpr3, ctr, link, xer, ccr, softe,
/// trap, dar, dsisr, result (44 words; elf_gregset_t has 48).
void userPtRegs(DescWriter &D, const PpcCpuState &C) {
  for (uint64_t G : C.Gpr)
    D.u64(G);
  for (uint64_t R :
       {C.Nip, C.Msr, /*orig_gpr3=*/uint64_t(0), C.Ctr, C.Lr, C.Xer, C.Ccr})
    D.u64(R);
}

/// PPCElfFpregset: fpr[32], fpscr: 264 bytes.
std::vector<uint8_t> fpregset(const PpcCpuState &C, endianness Order) {
  DescWriter D(Order);
  for (uint64_t F : C.Fpr)
    D.u64(F);
  D.u64(C.Fpscr);
  return D.take();
}

/// PPCElfVmxregset: avr[32], vscr (the value in its last word), vrsave
/// (unset): 544 bytes.
std::vector<uint8_t> vmxregset(const PpcCpuState &C, endianness Order) {
  DescWriter D(Order);
  for (const auto &A : C.Avr)
    D.u128(A[0], A[1]);
  D.zeros(12).u32(C.Vscr).zeros(16);
  return D.take();
}

/// PPCElfVsxregset: the low doublewords of VSR 0..31: 256 bytes.
std::vector<uint8_t> vsxregset(const PpcCpuState &C, endianness Order) {
  DescWriter D(Order);
  for (uint64_t V : C.Vsrl)
    D.u64(V);
  return D.take();
}

/// PPCElfSperegset: evr[32] (unset), spe_acc, spe_fscr: 140 bytes.
std::vector<uint8_t> speregset(const PpcCpuState &C, endianness Order) {
  DescWriter D(Order);
  D.zeros(32 * 4).u64(C.SpeAcc).u32(C.SpeFscr);
  return D.take();
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

const Arch Ppc64LeArch{"ppc64-le",
                       ELF::ELFCLASS64,
                       ELF::ELFDATA2LSB,
                       ELF::EM_PPC64,
                       Ppc64Pages,
                       Ppc64Targets,
                       "ppc64le",
                       KdumpHeaderKind::Bits64,
                       PhysBaseSource::PhysBaseNumber,
                       /*Elf64AboveFourGiB=*/false,
                       ppc64KernelPhysical};

const Arch Ppc64BeArch{"ppc64-be",
                       ELF::ELFCLASS64,
                       ELF::ELFDATA2MSB,
                       ELF::EM_PPC64,
                       Ppc64Pages,
                       Ppc64Targets,
                       "ppc64",
                       KdumpHeaderKind::Bits64,
                       PhysBaseSource::PhysBaseNumber,
                       /*Elf64AboveFourGiB=*/false,
                       ppc64KernelPhysical};

CpuNotes ppc64CpuNotes(ArrayRef<PpcCpuState> Cpus, endianness Order) {
  CpuNotes N(Order, "PRSTATUS, PRFPREG, VMX, VSX, SPE");
  for (const PpcCpuState &C : Cpus) {
    N.add("CORE", ELF::NT_PRSTATUS,
          encodePrstatus(Order, /*Is64Bit=*/true, C.CpuIndex + 1, 48 * 8,
                         /*FpValid=*/0,
                         [&](DescWriter &D) { userPtRegs(D, C); }));
    N.add("CORE", ELF::NT_FPREGSET, fpregset(C, Order));
    N.add("CORE", ELF::NT_PPC_VMX, vmxregset(C, Order));
    N.add("CORE", ELF::NT_PPC_VSX, vsxregset(C, Order));
    N.add("CORE", NtPpcSpe, speregset(C, Order));
  }
  N.Cpus = Cpus.size();
  return N;
}

ArchChoice inferPpc64Arch(std::optional<bool> LittleEndian, StringRef Why) {
  if (!LittleEndian)
    return cantFail(inferFromTargetName("ppc64", Why));
  return *LittleEndian
             ? ArchChoice{&Ppc64LeArch,
                          "inferred: vCPU 0's interrupts are little-endian"}
             : ArchChoice{&Ppc64BeArch,
                          "inferred: vCPU 0's interrupts are big-endian"};
}

} // namespace qemudump
