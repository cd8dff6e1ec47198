//===- S390x.cpp - s390x guests: ARCH s390 --------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/S390x.h"

#include "ArchRows.h"

#include "qemudump/Guest/VmcoreInfo.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace qemudump {

namespace {

const uint32_t Pages4K[] = {0x1000};
const StringLiteral S390xTargets[] = {"s390x"};

/// Identity-mapped (the kernel image too, before Linux 6.10): the proof
/// through init_uts_ns rejects a kernel where it is not.
std::optional<uint64_t> s390xKernelPhysical(uint64_t Vaddr,
                                            const VmcoreInfo &) {
  return Vaddr;
}

/// s390_regs: psw, gprs[16], acrs[16], orig_gpr2 (unset).
void s390Regs(DescWriter &D, const S390xCpuState &C) {
  D.u64(C.PswMask).u64(C.PswAddr);
  for (uint64_t G : C.Gprs)
    D.u64(G);
  for (uint32_t A : C.Acrs)
    D.u32(A);
}

/// S390xElfFpregset: fpc, pad, fprs[16]: 136 bytes.
std::vector<uint8_t> fpregset(const S390xCpuState &C) {
  DescWriter D(endianness::big);
  D.u32(C.Fpc).zeros(4);
  for (unsigned I = 0; I < 16; ++I)
    D.u64(C.Vregs[I][0]);
  return D.take();
}

std::vector<uint8_t> words64(ArrayRef<uint64_t> Words) {
  DescWriter D(endianness::big);
  for (uint64_t W : Words)
    D.u64(W);
  return D.take();
}

std::vector<uint8_t> word32(uint32_t V) {
  DescWriter D(endianness::big);
  D.u32(V);
  return D.take();
}

} // namespace

const Arch S390xArch{"s390",
                     ELF::ELFCLASS64,
                     ELF::ELFDATA2MSB,
                     ELF::EM_S390,
                     Pages4K,
                     S390xTargets,
                     "s390x",
                     KdumpHeaderKind::Bits64,
                     PhysBaseSource::PhysBaseNumber,
                     /*Elf64AboveFourGiB=*/false,
                     s390xKernelPhysical};

CpuNotes s390xCpuNotes(ArrayRef<S390xCpuState> Cpus) {
  CpuNotes N(endianness::big, "PRSTATUS, FPREGSET and 8 s390 notes");
  for (const S390xCpuState &C : Cpus) {
    N.add("CORE", ELF::NT_PRSTATUS,
          encodePrstatus(endianness::big, /*Is64Bit=*/true, C.CpuIndex + 1, 216,
                         /*FpValid=*/0,
                         [&](DescWriter &D) { s390Regs(D, C); }));
    N.add("CORE", ELF::NT_FPREGSET, fpregset(C));
    N.add("LINUX", ELF::NT_S390_PREFIX, word32(C.Prefix));
    N.add("LINUX", ELF::NT_S390_CTRS, words64(C.Cregs));
    N.add("LINUX", ELF::NT_S390_TIMER, words64({C.Cputm}));
    N.add("LINUX", ELF::NT_S390_TODCMP, words64({C.Ckc}));
    N.add("LINUX", ELF::NT_S390_TODPREG, word32(C.Todpr));
    uint64_t Low[16], High[32];
    for (unsigned I = 0; I < 16; ++I) {
      Low[I] = C.Vregs[I][1];
      High[2 * I] = C.Vregs[16 + I][0];
      High[2 * I + 1] = C.Vregs[16 + I][1];
    }
    N.add("LINUX", ELF::NT_S390_VXRS_LOW, words64(Low));
    N.add("LINUX", ELF::NT_S390_VXRS_HIGH, words64(High));
    N.add("LINUX", ELF::NT_S390_GS_CB, words64(C.Gscb));
  }
  N.Cpus = Cpus.size();
  return N;
}

} // namespace qemudump
