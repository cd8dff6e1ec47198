//===- X86CpuNotes.cpp - vCPU register notes of an x86 guest --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/X86.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace qemudump {

namespace {

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

/// A little-endian byte buffer filled at explicit offsets.
struct Desc {
  std::vector<uint8_t> Bytes;
  explicit Desc(size_t Size) : Bytes(Size, 0) {}
  void put16(size_t Off, uint16_t V) {
    support::endian::write16le(&Bytes[Off], V);
  }
  void put32(size_t Off, uint32_t V) {
    support::endian::write32le(&Bytes[Off], V);
  }
  void put64(size_t Off, uint64_t V) {
    support::endian::write64le(&Bytes[Off], V);
  }
};

/// x86_64_elf_prstatus: pad1[32], pid, pad2[76], user_regs_struct (27
/// words), pad3[8]: 336 bytes.
std::vector<uint8_t> prstatus64(const X86CpuState &C) {
  Desc D(336);
  D.put32(32, C.CpuIndex + 1);
  const uint64_t Regs[27] = {C.Regs[15],
                             C.Regs[14],
                             C.Regs[13],
                             C.Regs[12],
                             C.Regs[R_EBP],
                             C.Regs[R_EBX],
                             C.Regs[11],
                             C.Regs[10],
                             C.Regs[9],
                             C.Regs[8],
                             C.Regs[R_EAX],
                             C.Regs[R_ECX],
                             C.Regs[R_EDX],
                             C.Regs[R_ESI],
                             C.Regs[R_EDI],
                             /*orig_rax=*/0,
                             C.Rip,
                             C.Segs[R_CS].Selector,
                             C.Rflags,
                             C.Regs[R_ESP],
                             C.Segs[R_SS].Selector,
                             C.Segs[R_FS].Base,
                             C.Segs[R_GS].Base,
                             C.Segs[R_DS].Selector,
                             C.Segs[R_ES].Selector,
                             C.Segs[R_FS].Selector,
                             C.Segs[R_GS].Selector};
  for (size_t I = 0; I < 27; ++I)
    D.put64(112 + 8 * I, Regs[I]);
  return D.Bytes;
}

/// x86_elf_prstatus: pad1[24], pid, pad2[44], user_regs_struct (i386,
/// 68 bytes), pad3[4]: 144 bytes.
std::vector<uint8_t> prstatus32(const X86CpuState &C) {
  Desc D(144);
  D.put32(24, C.CpuIndex + 1);
  const size_t R = 72; // user_regs_struct
  D.put32(R + 0, C.Regs[R_EBX]);
  D.put32(R + 4, C.Regs[R_ECX]);
  D.put32(R + 8, C.Regs[R_EDX]);
  D.put32(R + 12, C.Regs[R_ESI]);
  D.put32(R + 16, C.Regs[R_EDI]);
  D.put32(R + 20, C.Regs[R_EBP]);
  D.put32(R + 24, C.Regs[R_EAX]);
  D.put16(R + 28, C.Segs[R_DS].Selector);
  D.put16(R + 32, C.Segs[R_ES].Selector);
  D.put16(R + 36, C.Segs[R_FS].Selector);
  D.put16(R + 40, C.Segs[R_GS].Selector);
  // orig_eax (R + 44) stays 0.
  D.put32(R + 48, C.Rip);
  D.put16(R + 52, C.Segs[R_CS].Selector);
  D.put32(R + 56, C.Rflags);
  D.put32(R + 60, C.Regs[R_ESP]);
  D.put16(R + 64, C.Segs[R_SS].Selector);
  return D.Bytes;
}

/// QEMUCPUState version 1 with kernel_gs_base: 440 bytes.
std::vector<uint8_t> qemuCpuState(const X86CpuState &C) {
  Desc D(440);
  D.put32(0, 1);   // version
  D.put32(4, 440); // size
  const int RegOrder[8] = {R_EAX, R_EBX, R_ECX, R_EDX,
                           R_ESI, R_EDI, R_ESP, R_EBP};
  size_t Off = 8;
  for (int R : RegOrder)
    D.put64(Off, C.Regs[R]), Off += 8;
  for (int R = 8; R < 16; ++R)
    D.put64(Off, C.Regs[R]), Off += 8;
  D.put64(Off, C.Rip), Off += 8;
  D.put64(Off, C.Rflags), Off += 8;
  auto Segment = [&](const X86Segment &S) {
    D.put32(Off, S.Selector);
    D.put32(Off + 4, S.Limit);
    D.put32(Off + 8, S.Flags);
    D.put64(Off + 16, S.Base);
    Off += 24;
  };
  for (int S : {R_CS, R_DS, R_ES, R_FS, R_GS, R_SS})
    Segment(C.Segs[S]);
  for (const X86Segment *S : {&C.Ldt, &C.Tr, &C.Gdt, &C.Idt})
    Segment(*S);
  for (uint64_t Cr : C.Cr)
    D.put64(Off, Cr), Off += 8;
  D.put64(Off, C.KernelGsBase);
  return D.Bytes;
}

} // namespace

void appendX86CpuNotes(std::vector<uint8_t> &Out,
                       llvm::ArrayRef<X86CpuState> Cpus, bool LongMode) {
  for (const X86CpuState &C : Cpus)
    appendNote(Out, /*LittleEndian=*/true, "CORE", ELF::NT_PRSTATUS,
               LongMode ? prstatus64(C) : prstatus32(C));
  for (const X86CpuState &C : Cpus)
    appendNote(Out, /*LittleEndian=*/true, "QEMU", 0, qemuCpuState(C));
}

} // namespace qemudump
