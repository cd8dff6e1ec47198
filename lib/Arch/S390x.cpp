//===- S390CpuNotes.cpp - vCPU register notes of an s390x guest -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/S390x.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace qemudump {

namespace {

/// A big-endian descriptor written in order.
struct BigEndianDesc {
  std::vector<uint8_t> Bytes;
  void u32(uint32_t V) {
    Bytes.resize(Bytes.size() + 4);
    support::endian::write32be(&Bytes[Bytes.size() - 4], V);
  }
  void u64(uint64_t V) {
    Bytes.resize(Bytes.size() + 8);
    support::endian::write64be(&Bytes[Bytes.size() - 8], V);
  }
  void zeros(size_t N) { Bytes.resize(Bytes.size() + N, 0); }
};

/// S390xElfPrstatus: pad1[32], pid, pad2[76], psw[2], gprs[16], acrs[16],
/// pad3[16]: 336 bytes.
std::vector<uint8_t> prstatus(const S390CpuState &C) {
  BigEndianDesc D;
  D.zeros(32);
  D.u32(C.CpuIndex + 1);
  D.zeros(76);
  D.u64(C.PswMask);
  D.u64(C.PswAddr);
  for (uint64_t G : C.Gprs)
    D.u64(G);
  for (uint32_t A : C.Acrs)
    D.u32(A);
  D.zeros(16);
  return D.Bytes;
}

/// S390xElfFpregset: fpc, pad, fprs[16]: 136 bytes.
std::vector<uint8_t> fpregset(const S390CpuState &C) {
  BigEndianDesc D;
  D.u32(C.Fpc);
  D.zeros(4);
  for (unsigned I = 0; I < 16; ++I)
    D.u64(C.Vregs[I][0]);
  return D.Bytes;
}

std::vector<uint8_t> words64(ArrayRef<uint64_t> Words) {
  BigEndianDesc D;
  for (uint64_t W : Words)
    D.u64(W);
  return D.Bytes;
}

std::vector<uint8_t> word32(uint32_t V) {
  BigEndianDesc D;
  D.u32(V);
  return D.Bytes;
}

} // namespace

void appendS390CpuNotes(std::vector<uint8_t> &Out,
                        ArrayRef<S390CpuState> Cpus) {
  auto Core = [&](uint32_t Type, ArrayRef<uint8_t> Desc) {
    appendNote(Out, /*LittleEndian=*/false, "CORE", Type, Desc);
  };
  auto Linux = [&](uint32_t Type, ArrayRef<uint8_t> Desc) {
    appendNote(Out, /*LittleEndian=*/false, "LINUX", Type, Desc);
  };
  for (const S390CpuState &C : Cpus) {
    Core(ELF::NT_PRSTATUS, prstatus(C));
    Core(ELF::NT_FPREGSET, fpregset(C));
    Linux(ELF::NT_S390_PREFIX, word32(C.Prefix));
    Linux(ELF::NT_S390_CTRS, words64(C.Cregs));
    Linux(ELF::NT_S390_TIMER, words64({C.Cputm}));
    Linux(ELF::NT_S390_TODCMP, words64({C.Ckc}));
    Linux(ELF::NT_S390_TODPREG, word32(C.Todpr));
    uint64_t Low[16], High[32];
    for (unsigned I = 0; I < 16; ++I) {
      Low[I] = C.Vregs[I][1];
      High[2 * I] = C.Vregs[16 + I][0];
      High[2 * I + 1] = C.Vregs[16 + I][1];
    }
    Linux(ELF::NT_S390_VXRS_LOW, words64(Low));
    Linux(ELF::NT_S390_VXRS_HIGH, words64(High));
    Linux(ELF::NT_S390_GS_CB, words64(C.Gscb));
  }
}

} // namespace qemudump
