//===- RiscvCpuNotes.cpp - vCPU register notes of a RISC-V guest ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Riscv.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace qemudump {

namespace {

/// riscv64_elf_prstatus: pad1[32], pid, pad2[76], pc and x1..x31 (32
/// words), pad3[8]: 376 bytes. riscv32_elf_prstatus: pad1[24], pid,
/// pad2[44], 32 words of 4 bytes, pad3[4]: 204 bytes.
std::vector<uint8_t> prstatus(const RiscvCpuState &C, bool Is64Bit,
                              bool LittleEndian) {
  endianness Order = LittleEndian ? endianness::little : endianness::big;
  size_t Word = Is64Bit ? 8 : 4;
  size_t Pid = Is64Bit ? 32 : 24;
  size_t Regs = Pid + 4 + (Is64Bit ? 76 : 44);
  std::vector<uint8_t> D(Regs + 32 * Word + (Is64Bit ? 8 : 4), 0);
  support::endian::write32(&D[Pid], C.CpuIndex + 1, Order);
  auto Put = [&](size_t I, uint64_t V) {
    if (Is64Bit)
      support::endian::write64(&D[Regs + 8 * I], V, Order);
    else
      support::endian::write32(&D[Regs + 4 * I], uint32_t(V), Order);
  };
  Put(0, C.Pc);
  for (size_t I = 1; I < 32; ++I)
    Put(I, C.Gpr[I]);
  return D;
}

} // namespace

void appendRiscvCpuNotes(std::vector<uint8_t> &Out,
                         ArrayRef<RiscvCpuState> Cpus, bool Is64Bit,
                         bool LittleEndian) {
  for (const RiscvCpuState &C : Cpus)
    appendNote(Out, LittleEndian, "CORE", ELF::NT_PRSTATUS,
               prstatus(C, Is64Bit, LittleEndian));
}

} // namespace qemudump
