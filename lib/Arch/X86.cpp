//===- X86.cpp - x86 guests: X86_64 and 386 -------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/X86.h"

#include "ArchRows.h"

#include "qemudump/Guest/VmcoreInfo.h"

#include "llvm/BinaryFormat/ELF.h"

using namespace llvm;

namespace qemudump {

namespace {

const uint32_t Pages4K[] = {0x1000};
const StringLiteral X86Targets[] = {"x86", "x86_64", "i386"};

/// x86_64 kernel text runs at __START_KERNEL_map + phys_base.
std::optional<uint64_t> x86_64KernelPhysical(uint64_t Vaddr,
                                             const VmcoreInfo &Info) {
  constexpr uint64_t StartKernelMap = 0xffffffff80000000ULL;
  if (Vaddr < StartKernelMap)
    return std::nullopt;
  return Vaddr - StartKernelMap +
         uint64_t(Info.decimal("NUMBER(phys_base)").value_or(0));
}

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

/// x86_64's user_regs_struct: 27 words.
void userRegs64(DescWriter &D, const X86CpuState &C) {
  for (uint64_t R : {C.Regs[15],
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
                     /*orig_rax=*/uint64_t(0),
                     C.Rip,
                     uint64_t(C.Segs[R_CS].Selector),
                     C.Rflags,
                     C.Regs[R_ESP],
                     uint64_t(C.Segs[R_SS].Selector),
                     C.Segs[R_FS].Base,
                     C.Segs[R_GS].Base,
                     uint64_t(C.Segs[R_DS].Selector),
                     uint64_t(C.Segs[R_ES].Selector),
                     uint64_t(C.Segs[R_FS].Selector),
                     uint64_t(C.Segs[R_GS].Selector)})
    D.u64(R);
}

/// i386's user_regs_struct: 17 words, the selectors in 16 of their 32 bits.
void userRegs32(DescWriter &D, const X86CpuState &C) {
  for (uint64_t R : {C.Regs[R_EBX], C.Regs[R_ECX], C.Regs[R_EDX], C.Regs[R_ESI],
                     C.Regs[R_EDI], C.Regs[R_EBP], C.Regs[R_EAX]})
    D.u32(uint32_t(R));
  for (int S : {R_DS, R_ES, R_FS, R_GS})
    D.u16(C.Segs[S].Selector).u16(0);
  D.u32(0); // orig_eax
  D.u32(uint32_t(C.Rip)).u16(C.Segs[R_CS].Selector).u16(0);
  D.u32(uint32_t(C.Rflags)).u32(uint32_t(C.Regs[R_ESP]));
  D.u16(C.Segs[R_SS].Selector).u16(0);
}

/// QEMUCPUState version 1 with kernel_gs_base: 440 bytes.
std::vector<uint8_t> qemuCpuState(const X86CpuState &C) {
  constexpr uint32_t Size = 440;
  DescWriter D(endianness::little);
  D.u32(1).u32(Size); // version, size
  for (int R : {R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_ESP, R_EBP})
    D.u64(C.Regs[R]);
  for (int R = 8; R < 16; ++R)
    D.u64(C.Regs[R]);
  D.u64(C.Rip).u64(C.Rflags);
  auto Segment = [&](const X86Segment &S) {
    D.u32(S.Selector).u32(S.Limit).u32(S.Flags).u32(0).u64(S.Base);
  };
  for (int S : {R_CS, R_DS, R_ES, R_FS, R_GS, R_SS})
    Segment(C.Segs[S]);
  for (const X86Segment *S : {&C.Ldt, &C.Tr, &C.Gdt, &C.Idt})
    Segment(*S);
  for (uint64_t Cr : C.Cr)
    D.u64(Cr);
  D.u64(C.KernelGsBase);
  D.padTo(Size);
  return D.take();
}

} // namespace

const Arch X86_64Arch{"X86_64",
                      ELF::ELFCLASS64,
                      ELF::ELFDATA2LSB,
                      ELF::EM_X86_64,
                      Pages4K,
                      X86Targets,
                      "x86_64",
                      KdumpHeaderKind::Bits64,
                      PhysBaseSource::PhysBaseNumber,
                      /*Elf64AboveFourGiB=*/false,
                      x86_64KernelPhysical};

const Arch I386Arch{"386",
                    ELF::ELFCLASS32,
                    ELF::ELFDATA2LSB,
                    ELF::EM_386,
                    Pages4K,
                    X86Targets,
                    "i686",
                    KdumpHeaderKind::Bits32Pack,
                    PhysBaseSource::PhysBaseNumber,
                    /*Elf64AboveFourGiB=*/true,
                    /*KernelPhysical=*/nullptr};

CpuNotes x86CpuNotes(ArrayRef<X86CpuState> Cpus, bool LongLayout) {
  CpuNotes N(endianness::little, "CORE, QEMU");
  for (const X86CpuState &C : Cpus)
    N.add("CORE", ELF::NT_PRSTATUS,
          LongLayout
              ? encodePrstatus(endianness::little, true, C.CpuIndex + 1, 27 * 8,
                               0, [&](DescWriter &D) { userRegs64(D, C); })
              : encodePrstatus(endianness::little, false, C.CpuIndex + 1,
                               17 * 4, 0,
                               [&](DescWriter &D) { userRegs32(D, C); }));
  for (const X86CpuState &C : Cpus)
    N.add("QEMU", 0, qemuCpuState(C));
  N.Cpus = Cpus.size();
  return N;
}

Expected<ArchChoice> inferX86Arch(std::optional<bool> LongMode, StringRef Why) {
  if (!LongMode)
    return cannotInferArch("x86", Why);
  if (*LongMode)
    return ArchChoice{&X86_64Arch, "inferred: vCPU 0 is in long mode"};
  return ArchChoice{&I386Arch, "inferred: vCPU 0 is not in long mode"};
}

} // namespace qemudump
