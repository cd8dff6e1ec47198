//===- QemuCpus.cpp - QEMU's target family, and its x86 vCPUs -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/QemuCpus.h"

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuLayout.h"

#include "qemudump/Arch/X86Flags.h"

#include "lldb/API/SBType.h"
#include "lldb/API/SBTypeEnumMember.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

/// Which lazy-flags semantics the CCOp enumerators say: 7 for QEMU 7.2's
/// (CC_OP_CLR), 10 for 10.0's (no CLR, the sized CC_OP_POPCNT*__: POPCNT
/// then tests CC_DST, not CC_SRC), 0 for any other set, whose semantics are
/// unchecked.
int ccScheme(lldb::SBTypeEnumMemberList Members) {
  bool HasClr = false, HasPopcntQ = false;
  for (uint32_t I = 0; I < Members.GetSize(); ++I) {
    const char *N = Members.GetTypeEnumMemberAtIndex(I).GetName();
    StringRef Name = N ? N : "";
    HasClr |= Name == "CC_OP_CLR";
    HasPopcntQ |= Name == "CC_OP_POPCNTQ__";
  }
  if (HasClr && !HasPopcntQ)
    return 7;
  if (!HasClr && HasPopcntQ)
    return 10;
  return 0;
}

/// The CCOp enumerator named for \p Value, or "".
std::string ccOpName(lldb::SBTypeEnumMemberList Members, uint64_t Value) {
  for (uint32_t I = 0; I < Members.GetSize(); ++I) {
    lldb::SBTypeEnumMember M = Members.GetTypeEnumMemberAtIndex(I);
    if (M.GetValueAsUnsigned() == Value && M.GetName())
      return M.GetName();
  }
  return "";
}

X86Segment readSegment(FieldReader &R, const Twine &Path) {
  auto Field = [&](const char *Name) {
    return R.u64((Path + "." + Name).str());
  };
  X86Segment Seg;
  Seg.Selector = Field("selector");
  Seg.Base = Field("base");
  Seg.Limit = Field("limit");
  Seg.Flags = Field("flags");
  return Seg;
}

/// Reads the x86 vCPUs of one QEMU.
class X86CpuReader {
public:
  X86CpuReader(const QemuSession &S, const TypeLayout &Layout)
      : S(S), Layout(Layout),
        CcOps(S.target().FindFirstType("CCOp").GetEnumMembers()),
        Scheme(ccScheme(CcOps)) {}

  Expected<X86Cpus> read(uint64_t First);

private:
  X86CpuState registers(FieldReader &R);
  Error computeFlags(FieldReader &R, X86CpuState &State, X86Cpus &Out);

  const QemuSession &S;
  const TypeLayout &Layout; ///< X86CPU's
  lldb::SBTypeEnumMemberList CcOps;
  int Scheme;
};

X86CpuState X86CpuReader::registers(FieldReader &R) {
  auto Env = [&](const Twine &Path) { return R.u64(("env." + Path).str()); };
  X86CpuState St;
  St.CpuIndex = R.u64("parent_obj.cpu_index");
  for (unsigned I = 0; I < 16; ++I)
    St.Regs[I] = Env(formatv("regs[{0}]", I));
  St.Rip = Env("eip");
  St.Hflags = Env("hflags");
  for (unsigned I = 0; I < 6; ++I)
    St.Segs[I] = readSegment(R, formatv("env.segs[{0}]", I));
  St.Ldt = readSegment(R, "env.ldt");
  St.Tr = readSegment(R, "env.tr");
  St.Gdt = readSegment(R, "env.gdt");
  St.Idt = readSegment(R, "env.idt");
  for (unsigned I = 0; I < 5; ++I)
    St.Cr[I] = Env(formatv("cr[{0}]", I));
  if (R.has("env.kernelgsbase"))
    St.KernelGsBase = Env("kernelgsbase");
  return St;
}

/// TCG keeps the arithmetic flags lazily in cc_*: eflags recomputed as
/// cpu_compute_eflags does. cc_op is a CCOp or a plain integer (7.2): its
/// enumerator's name says how.
Error X86CpuReader::computeFlags(FieldReader &R, X86CpuState &St,
                                 X86Cpus &Out) {
  auto Field = [&](const char *Name) {
    return R.u64((Twine("env.") + Name).str());
  };
  X86CcState Cc;
  Cc.Eflags = Field("eflags");
  Cc.CcDst = Field("cc_dst");
  Cc.CcSrc = Field("cc_src");
  Cc.CcSrc2 = Field("cc_src2");
  Cc.Df = int32_t(Field("df"));
  uint64_t Op = Field("cc_op");
  if (!R.ok())
    return Error::success(); // the caller reports the failure
  std::string OpName = ccOpName(CcOps, Op);
  Cc.CcOp = OpName;
  Cc.QemuMajor = Scheme;
  if (Scheme == 0) {
    St.Rflags = uint32_t(Cc.Eflags | (Cc.Df < 0 ? 0x400 : 0));
    Out.Problems.push_back(
        formatv("vCPU {0}: this QEMU's lazy-flags scheme (CCOp) is not one "
                "qemudump knows, so its arithmetic flags are env->eflags as "
                "is (complete unless the vCPU was executing guest code)",
                St.CpuIndex)
            .str());
    return Error::success();
  }
  Expected<uint64_t> Flags = x86ComputeEflags(Cc);
  if (!Flags)
    return cpuListError(formatv("the vCPU with cpu_index {0}: cc_op {1} "
                                "({2}): {3}",
                                St.CpuIndex, Op,
                                OpName.empty() ? "not a CCOp" : OpName,
                                toString(Flags.takeError())));
  St.Rflags = *Flags;
  return Error::success();
}

Expected<X86Cpus> X86CpuReader::read(uint64_t First) {
  X86Cpus Out;
  Out.Kvm = ranKvm(S);
  auto Visit = [&](FieldReader &R, uint32_t) -> Error {
    X86CpuState St = registers(R);
    if (Error E = computeFlags(R, St, Out))
      return E;
    Out.Cpus.push_back(St);
    return Error::success();
  };
  if (Error E = walkCpus(S, Layout, "X86CPU", First, Visit, Out.Problems))
    return std::move(E);
  return Out;
}

} // namespace

std::string targetFamily(const QemuSession &S) {
  std::string Exe = S.exeName();
  StringRef Name = Exe;
  bool Named = Name.consume_front("qemu-system-");
  // Each vCPU type, the families whose binaries have it, the first the
  // default for a binary of another name.
  static const struct {
    const char *Type;
    StringRef Families[2];
  } Types[] = {{"X86CPU", {"x86"}},
               {"ARMCPU", {"aarch64", "arm"}},
               {"PowerPCCPU", {"ppc64", "ppc"}},
               {"S390CPU", {"s390x"}},
               {"RISCVCPU", {"riscv64", "riscv32"}},
               {"LoongArchCPU", {"loongarch64"}}};
  for (const auto &T : Types) {
    if (!S.target().FindFirstType(T.Type).IsValid())
      continue;
    if (Named && is_contained(T.Families, Name) && !Name.empty())
      return Name.str();
    return T.Families[0].str();
  }
  return Named ? Name.str() : "";
}

Expected<X86Cpus> readX86Cpus(const QemuSession &S) {
  Expected<FirstCpu> First = firstCpu(S, "X86CPU");
  if (!First)
    return First.takeError();
  return X86CpuReader(S, *First->Layout).read(First->Addr);
}

} // namespace qemudump
