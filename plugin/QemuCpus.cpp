//===- QemuCpus.cpp - QEMU's vCPUs: the target, registers, endianness -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QemuCpus.h"

#include "QemuLayout.h"

#include "qemudump/X86Flags.h"

#include "lldb/API/SBType.h"
#include "lldb/API/SBTypeEnumMember.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

constexpr unsigned MaxCpus = 4096;

/// The vCPU list's head, `cpus_queue` (8.2 and later) or `cpus`.
lldb::SBValue cpuList(const QemuSession &S) {
  lldb::SBValue List = S.global("cpus_queue");
  if (!List.IsValid())
    List = S.global("cpus");
  return List;
}

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

/// "QEMU's vCPU list is unreadable or corrupt: WHAT; ...".
Error cpuListError(const Twine &What) {
  return structureCorruptError("vCPU list", What);
}

Error cpuError(unsigned N, uint64_t Addr, const FieldReader &R) {
  return cpuListError(formatv("cannot read the vCPU at position {0} of the "
                              "list (X86CPU at {1:x}): {2}",
                              N, Addr, *R.failure()));
}

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

Expected<X86Cpus> X86CpuReader::read(uint64_t Cpu) {
  X86Cpus Out;
  lldb::SBValue Kvm = S.global("kvm_allowed");
  Out.Kvm = Kvm.IsValid() && S.reader().u64(Kvm, "kvm_allowed") != 0;
  std::vector<uint64_t> Seen; // a list of at most MaxCpus: a sorted vector
  for (unsigned N = 0; Cpu != 0; ++N) {
    auto At = llvm::lower_bound(Seen, Cpu);
    if (At != Seen.end() && *At == Cpu)
      return cpuListError(formatv("CPUState.node.tqe_next of the vCPU at "
                                  "position {0} leads back to the X86CPU at "
                                  "{1:x}, earlier in the list (a cycle)",
                                  N - 1, Cpu));
    Seen.insert(At, Cpu);
    if (N == MaxCpus)
      return cpuListError(formatv("it has more than {0} entries", MaxCpus));
    FieldReader R(S.process(), Layout, Cpu);
    X86CpuState St = registers(R);
    if (Error E = computeFlags(R, St, Out))
      return std::move(E);
    if (!R.ok())
      return cpuError(N, Cpu, R);
    // cpu_index numbers the vCPUs (the notes' pid is cpu_index + 1).
    if (St.CpuIndex >= MaxCpus ||
        llvm::any_of(Out.Cpus, [&](const X86CpuState &Other) {
          return Other.CpuIndex == St.CpuIndex;
        }))
      Out.Problems.push_back(
          formatv("the vCPU at position {0} of QEMU's list has cpu_index {1}, "
                  "{2}: its notes are numbered by it (pid {3}), and may belong "
                  "to no vCPU (CPUState.cpu_index is likely corrupt)",
                  N, St.CpuIndex,
                  St.CpuIndex >= MaxCpus ? "not a vCPU number"
                                         : "the number of another vCPU",
                  uint64_t(St.CpuIndex) + 1)
              .str());
    Out.Cpus.push_back(St);
    Cpu = R.u64("parent_obj.node.tqe_next");
    if (!R.ok())
      return cpuListError(formatv("cannot follow the list after the vCPU at "
                                  "position {0}: {1}",
                                  N, *R.failure()));
  }
  if (Out.Cpus.empty())
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's vCPU list is empty");
  return Out;
}

} // namespace

std::string targetFamily(const QemuSession &S) {
  if (S.target().FindFirstType("X86CPU").IsValid())
    return "x86";
  std::string Exe = S.exeName();
  StringRef Name = Exe;
  if (!Name.consume_front("qemu-system-"))
    return "";
  return Name.str();
}

namespace {

/// The first vCPU of the list, and the layout of its type \p TypeName.
struct FirstCpu {
  std::optional<TypeLayout> Layout;
  uint64_t Addr = 0; ///< 0: the list is empty.
};

Expected<FirstCpu> firstCpu(const QemuSession &S, StringRef TypeName) {
  lldb::SBValue List = cpuList(S);
  if (!List.IsValid())
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's debug info has no vCPU list (cpus or "
                             "cpus_queue)");
  Expected<TypeLayout> Layout = qemuLayout(S, TypeName, "cpu_get_dump_info");
  if (!Layout)
    return Layout.takeError();
  FirstCpu F;
  F.Layout = std::move(*Layout);
  ValueReader R = S.reader();
  F.Addr = R.u64(R.optionalMember(List, "tqh_first"), "tqh_first");
  if (!R.ok())
    return cpuListError(
        formatv("cannot read its head (tqh_first): {0}", R.failure()->Reason));
  return std::move(F);
}

} // namespace

Expected<X86Cpus> readX86Cpus(const QemuSession &S) {
  Expected<FirstCpu> First = firstCpu(S, "X86CPU");
  if (!First)
    return First.takeError();
  return X86CpuReader(S, *First->Layout).read(First->Addr);
}

Expected<bool> aarch64BigEndian(const QemuSession &S) {
  Expected<FirstCpu> First = firstCpu(S, "ARMCPU");
  if (!First)
    return First.takeError();
  if (First->Addr == 0)
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's vCPU list is empty or unreadable");
  FieldReader R(S.process(), *First->Layout, First->Addr);
  uint64_t V = R.u64("env.cp15.sctlr_el[1]");
  if (!R.ok())
    return createStringError(inconvertibleErrorCode(),
                             "cannot read vCPU 0's " + *R.failure());
  constexpr uint64_t SctlrEE = 1u << 25;
  return (V & SctlrEE) != 0;
}

} // namespace qemudump
