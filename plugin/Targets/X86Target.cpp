//===- X86Target.cpp - QEMU's x86 target: X86CPU --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/X86Target.h"

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuLayout.h"

#include "qemudump/Arch/X86.h"
#include "qemudump/Arch/X86Flags.h"

#include "lldb/API/SBType.h"
#include "lldb/API/SBTypeEnumMember.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"

#include <optional>

using namespace llvm;

namespace qemudump {

namespace {

/// SegmentCache's members at one path ("env.segs[2]").
struct SegmentFields {
  Field Selector, Base, Limit, Flags;
  SegmentFields(const TypeLayout &L, const Twine &Path)
      : Selector(L, Path + ".selector"), Base(L, Path + ".base"),
        Limit(L, Path + ".limit"), Flags(L, Path + ".flags") {}
  X86Segment read(FieldReader &R) const {
    X86Segment S;
    S.Selector = R.u64(Selector);
    S.Base = R.u64(Base);
    S.Limit = R.u64(Limit);
    S.Flags = R.u64(Flags);
    return S;
  }
};

/// X86CPU's members the notes need, resolved once.
struct X86Fields {
  explicit X86Fields(const TypeLayout &L)
      : CpuIndex(L, "parent_obj.cpu_index"), Eip(L, "env.eip"),
        Hflags(L, "env.hflags"), Eflags(L, "env.eflags"),
        CcDst(L, "env.cc_dst"), CcSrc(L, "env.cc_src"),
        CcSrc2(L, "env.cc_src2"), Df(L, "env.df"), CcOp(L, "env.cc_op"),
        KernelGsBase(L, "env.kernelgsbase"), Ldt(L, "env.ldt"), Tr(L, "env.tr"),
        Gdt(L, "env.gdt"), Idt(L, "env.idt") {
    for (unsigned I = 0; I < 16; ++I)
      Regs.emplace_back(L, formatv("env.regs[{0}]", I));
    for (unsigned I = 0; I < 6; ++I)
      Segs.emplace_back(L, formatv("env.segs[{0}]", I));
    for (unsigned I = 0; I < 5; ++I)
      Cr.emplace_back(L, formatv("env.cr[{0}]", I));
  }
  Field CpuIndex, Eip, Hflags, Eflags, CcDst, CcSrc, CcSrc2, Df, CcOp,
      KernelGsBase;
  SegmentFields Ldt, Tr, Gdt, Idt;
  std::vector<Field> Regs, Cr;
  std::vector<SegmentFields> Segs;
};

class X86Target final : public QemuTarget {
public:
  X86Target(StringRef Name) : QemuTarget(Name.str()) {}

  /// Reads every vCPU; a failure is kept in ReadError.
  void read(const QemuSession &S);

  Expected<ArchChoice> inferArch() const override {
    return inferX86Arch(Cpus.empty() ? std::nullopt
                                     : std::optional(Cpus.front().longMode()),
                        ReadError);
  }

private:
  Expected<CpuNotes> encodeNotes(const Arch &A, bool Kdump) const override;
  X86CpuState registers(FieldReader &R, const X86Fields &F) const;
  Error computeFlags(FieldReader &R, const X86Fields &F, X86CpuState &St);

  /// The binary's CCOp, resolved once; none when its scheme is unknown.
  std::optional<X86CcOps> CcOps;
  std::vector<X86CpuState> Cpus;
};

X86CpuState X86Target::registers(FieldReader &R, const X86Fields &F) const {
  X86CpuState St;
  St.CpuIndex = R.u64(F.CpuIndex);
  for (unsigned I = 0; I < 16; ++I)
    St.Regs[I] = R.u64(F.Regs[I]);
  St.Rip = R.u64(F.Eip);
  St.Hflags = R.u64(F.Hflags);
  for (unsigned I = 0; I < 6; ++I)
    St.Segs[I] = F.Segs[I].read(R);
  St.Ldt = F.Ldt.read(R);
  St.Tr = F.Tr.read(R);
  St.Gdt = F.Gdt.read(R);
  St.Idt = F.Idt.read(R);
  for (unsigned I = 0; I < 5; ++I)
    St.Cr[I] = R.u64(F.Cr[I]);
  if (F.KernelGsBase.present())
    St.KernelGsBase = R.u64(F.KernelGsBase);
  return St;
}

/// TCG keeps the arithmetic flags lazily in cc_*: eflags recomputed as
/// cpu_compute_eflags does, by the binary's CCOp.
Error X86Target::computeFlags(FieldReader &R, const X86Fields &F,
                              X86CpuState &St) {
  X86CcState Cc;
  Cc.Eflags = R.u64(F.Eflags);
  Cc.CcDst = R.u64(F.CcDst);
  Cc.CcSrc = R.u64(F.CcSrc);
  Cc.CcSrc2 = R.u64(F.CcSrc2);
  Cc.Df = int32_t(R.u64(F.Df));
  Cc.CcOp = R.u64(F.CcOp);
  if (!R.ok())
    return Error::success(); // the walk reports the failure
  if (!CcOps) {
    St.Rflags = uint32_t(Cc.Eflags | (Cc.Df < 0 ? 0x400 : 0));
    Problems.push_back(
        formatv("vCPU {0}: this QEMU's lazy-flags scheme (CCOp) is not one "
                "qemudump knows, so its arithmetic flags are env->eflags as "
                "is (complete unless the vCPU was executing guest code)",
                St.CpuIndex)
            .str());
    return Error::success();
  }
  Expected<uint64_t> Flags = CcOps->eflags(Cc);
  if (!Flags)
    return cpuListError(formatv("the vCPU with cpu_index {0}: {1}", St.CpuIndex,
                                toString(Flags.takeError())));
  St.Rflags = *Flags;
  return Error::success();
}

/// The binary's CCOp enumerators, and the scheme they say.
std::optional<X86CcOps> ccOps(const QemuSession &S) {
  lldb::SBTypeEnumMemberList Members =
      S.target().FindFirstType("CCOp").GetEnumMembers();
  std::vector<std::pair<std::string, uint64_t>> Enumerators;
  std::vector<StringRef> Names;
  for (uint32_t I = 0; I < Members.GetSize(); ++I) {
    lldb::SBTypeEnumMember M = Members.GetTypeEnumMemberAtIndex(I);
    if (M.GetName())
      Enumerators.emplace_back(M.GetName(), M.GetValueAsUnsigned());
  }
  for (const auto &E : Enumerators)
    Names.push_back(E.first);
  std::optional<X86FlagsScheme> Scheme = x86FlagsScheme(Names);
  if (!Scheme)
    return std::nullopt;
  return X86CcOps(*Scheme, Enumerators);
}

void X86Target::read(const QemuSession &S) {
  std::optional<FirstCpu> First = openVcpus(S, "X86CPU");
  if (!First)
    return;
  CcOps = ccOps(S);
  const X86Fields F(*First->Layout);
  std::vector<X86CpuState> Read;
  auto Visit = [&](FieldReader &R, uint32_t) -> Error {
    X86CpuState St = registers(R, F);
    if (Error E = computeFlags(R, F, St))
      return E;
    Read.push_back(St);
    return Error::success();
  };
  if (!walkVcpus(S, *First, "X86CPU", Visit))
    return;
  Cpus = std::move(Read);
  Count = Cpus.size();
}

Expected<CpuNotes> X86Target::encodeNotes(const Arch &A, bool Kdump) const {
  // The prstatus layout: QEMU's choice (vCPU 0's long mode) in an ELF
  // vmcore; the file's own arch in a kdump file, whose readers parse
  // NT_PRSTATUS by it (libkdumpfile 0.5.1 crashes on an i386 one in an
  // x86_64 file). They differ only for an ARCH given against vCPU 0.
  bool LongLayout =
      Kdump ? A.Machine == ELF::EM_X86_64 : Cpus.front().longMode();
  return x86CpuNotes(Cpus, LongLayout);
}

} // namespace

std::unique_ptr<QemuTarget> readX86Target(const QemuSession &S,
                                          StringRef Name) {
  return readTargetAs<X86Target>(S, Name);
}

} // namespace qemudump
