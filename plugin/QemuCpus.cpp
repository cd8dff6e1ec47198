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

Error cpuError(unsigned N, StringRef TypeName, uint64_t Addr,
               const FieldReader &R) {
  return cpuListError(formatv("cannot read the vCPU at position {0} of the "
                              "list ({1} at {2:x}): {3}",
                              N, TypeName, Addr, *R.failure()));
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

/// Walks QEMU's vCPU list from \p Cpu, an object of the type \p Layout lays
/// out (\p TypeName), calling \p Visit with a reader at each vCPU and its
/// cpu_index. A failure of that reader is the walk's failure; a cycle, an
/// endless list, or an empty one are errors; a doubtful cpu_index goes to
/// \p Problems.
Error walkCpus(const QemuSession &S, const TypeLayout &Layout,
               StringRef TypeName, uint64_t Cpu,
               function_ref<Error(FieldReader &, uint32_t)> Visit,
               std::vector<std::string> &Problems) {
  std::vector<uint64_t> Seen; // a list of at most MaxCpus: a sorted vector
  std::vector<uint32_t> Indexes;
  for (unsigned N = 0; Cpu != 0; ++N) {
    auto At = llvm::lower_bound(Seen, Cpu);
    if (At != Seen.end() && *At == Cpu)
      return cpuListError(formatv("CPUState.node.tqe_next of the vCPU at "
                                  "position {0} leads back to the {1} at "
                                  "{2:x}, earlier in the list (a cycle)",
                                  N - 1, TypeName, Cpu));
    Seen.insert(At, Cpu);
    if (N == MaxCpus)
      return cpuListError(formatv("it has more than {0} entries", MaxCpus));
    FieldReader R(S.process(), Layout, Cpu);
    uint32_t Index = R.u64("parent_obj.cpu_index");
    if (Error E = Visit(R, Index))
      return E;
    if (!R.ok())
      return cpuError(N, TypeName, Cpu, R);
    // cpu_index numbers the vCPUs (the notes' pid is cpu_index + 1).
    if (Index >= MaxCpus || llvm::is_contained(Indexes, Index))
      Problems.push_back(
          formatv("the vCPU at position {0} of QEMU's list has cpu_index {1}, "
                  "{2}: its notes are numbered by it (pid {3}), and may belong "
                  "to no vCPU (CPUState.cpu_index is likely corrupt)",
                  N, Index,
                  Index >= MaxCpus ? "not a vCPU number"
                                   : "the number of another vCPU",
                  uint64_t(Index) + 1)
              .str());
    Indexes.push_back(Index);
    Cpu = R.u64("parent_obj.node.tqe_next");
    if (!R.ok())
      return cpuListError(formatv("cannot follow the list after the vCPU at "
                                  "position {0}: {1}",
                                  N, *R.failure()));
  }
  if (Indexes.empty())
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's vCPU list is empty");
  return Error::success();
}

/// Whether QEMU ran its guest with KVM.
bool ranKvm(const QemuSession &S) {
  lldb::SBValue Kvm = S.global("kvm_allowed");
  return Kvm.IsValid() && S.reader().u64(Kvm, "kvm_allowed") != 0;
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

namespace {

/// The value of enumerator \p Name of \p Members, if it has one.
std::optional<uint64_t> enumValue(lldb::SBTypeEnumMemberList Members,
                                  StringRef Name) {
  for (uint32_t I = 0; I < Members.GetSize(); ++I) {
    lldb::SBTypeEnumMember M = Members.GetTypeEnumMemberAtIndex(I);
    if (M.GetName() && Name == M.GetName())
      return M.GetValueAsUnsigned();
  }
  return std::nullopt;
}

/// Reads the ARM vCPUs of one QEMU.
class ArmCpuReader {
public:
  ArmCpuReader(const QemuSession &S, const TypeLayout &Layout)
      : S(S), Layout(Layout) {}

  Expected<ArmCpus> read(uint64_t First);

private:
  Error vcpu0Facts(uint64_t First, ArmCpus &Out);
  std::string fpStatusScheme();
  Aarch64CpuState registers(FieldReader &R);
  void fpStatus(FieldReader &R, Aarch64CpuState &St);

  const QemuSession &S;
  const TypeLayout &Layout; ///< ARMCPU's
  /// fp_status[] indexes of FPST_A32, A64, A32_F16, A64_F16, STD, STD_F16.
  uint64_t Fpst[6] = {};
};

/// QEMU 10.x's FP status: env.vfp.fpsr and .fpcr, and fp_status[] indexed
/// by ARMFPStatusFlavour, which has FPST_AH from 10.0 on (with the
/// softfloat flags vfp_get_fpsr maps). "" when this QEMU has it; otherwise
/// what it lacks.
std::string ArmCpuReader::fpStatusScheme() {
  lldb::SBTypeEnumMemberList Flavours =
      S.target().FindFirstType("ARMFPStatusFlavour").GetEnumMembers();
  static const char *const Names[] = {"FPST_A32",     "FPST_A64",
                                      "FPST_A32_F16", "FPST_A64_F16",
                                      "FPST_STD",     "FPST_STD_F16"};
  for (unsigned I = 0; I < 6; ++I) {
    std::optional<uint64_t> V = enumValue(Flavours, Names[I]);
    if (!V)
      return formatv("no enumerator {0} of ARMFPStatusFlavour", Names[I]);
    Fpst[I] = *V;
  }
  if (!enumValue(Flavours, "FPST_AH"))
    return "no enumerator FPST_AH of ARMFPStatusFlavour (QEMU before 10.0)";
  for (const char *Path : {"env.vfp.fpsr", "env.vfp.fpcr", "env.vfp.qc[3]",
                           "env.vfp.fp_status[0].float_exception_flags"})
    if (!Layout.has(Path))
      return formatv("no member ARMCPU.{0}", Path);
  return "";
}

/// What QEMU's dump decides by vCPU 0: ELF64 or ELF32, and the endianness.
Error ArmCpuReader::vcpu0Facts(uint64_t First, ArmCpus &Out) {
  FieldReader R(S.process(), Layout, First);
  uint64_t Sctlr = R.u64("env.cp15.sctlr_el[1]");
  std::optional<uint64_t> Bit =
      enumValue(S.target().FindFirstType("arm_features").GetEnumMembers(),
                "ARM_FEATURE_AARCH64");
  if (Bit && *Bit < 64 && R.has("env.features"))
    Out.Aarch64 = (R.u64("env.features") >> *Bit) & 1;
  else // No feature bits: the binary's name says.
    Out.Aarch64 = S.exeName() != "qemu-system-arm";
  constexpr unsigned SveShift = 32; // ID_AA64PFR0_EL1.SVE, bits [35:32]
  if (R.has("isar.id_aa64pfr0") &&
      (R.u64("isar.id_aa64pfr0") >> SveShift) & 0xf)
    Out.Problems.push_back(
        "the vCPUs have SVE: QEMU's dump adds an NT_ARM_SVE note to each "
        "(the full Z, P and FFR registers), which qemudump does not write; "
        "NT_PRFPREG holds the low 128 bits of each Z register");
  if (!R.ok())
    return createStringError(inconvertibleErrorCode(),
                             "cannot read vCPU 0's " + *R.failure());
  constexpr uint64_t SctlrEE = 1u << 25;
  Out.BigEndian = (Sctlr & SctlrEE) != 0;
  return Error::success();
}

Aarch64CpuState ArmCpuReader::registers(FieldReader &R) {
  Aarch64CpuState St;
  for (unsigned I = 0; I < 31; ++I)
    St.X[I] = R.u64(formatv("env.xregs[{0}]", I).str());
  St.Sp = R.u64("env.xregs[31]");
  St.Pc = R.u64("env.pc");
  Aarch64PstateParts P;
  P.NF = R.u64("env.NF");
  P.ZF = R.u64("env.ZF");
  P.CF = R.u64("env.CF");
  P.VF = R.u64("env.VF");
  P.Pstate = R.u64("env.pstate");
  P.Daif = R.u64("env.daif");
  if (R.has("env.btype"))
    P.Btype = R.u64("env.btype");
  St.Pstate = aarch64PstateRead(P);
  for (unsigned I = 0; I < 32; ++I)
    for (unsigned H = 0; H < 2; ++H)
      St.V[I][H] = R.u64(formatv("env.vfp.zregs[{0}].d[{1}]", I, H).str());
  return St;
}

/// FPSR and FPCR as vfp_get_fpsr and vfp_get_fpcr compute them (10.x).
void ArmCpuReader::fpStatus(FieldReader &R, Aarch64CpuState &St) {
  auto Flags = [&](unsigned Flavour) {
    return uint16_t(R.u64(formatv("env.vfp.fp_status[{0}].float_exception_"
                                  "flags",
                                  Fpst[Flavour])
                              .str()));
  };
  Aarch64FpsrParts P;
  P.Fpsr = R.u64("env.vfp.fpsr");
  P.Fpcr = R.u64("env.vfp.fpcr");
  for (unsigned I = 0; I < 4; ++I)
    P.Qc[I] = R.u64(formatv("env.vfp.qc[{0}]", I).str());
  P.A32 = Flags(0);
  P.A64 = Flags(1);
  P.A32F16 = Flags(2);
  P.A64F16 = Flags(3);
  P.Std = Flags(4);
  P.StdF16 = Flags(5);
  St.Fpsr = aarch64FpsrRead(P);
  uint32_t LtpSize = R.has("env.v7m.ltpsize") ? R.u64("env.v7m.ltpsize") : 0;
  St.Fpcr = uint32_t(P.Fpcr | (R.u64("env.vfp.vec_len") << 16) |
                     (R.u64("env.vfp.vec_stride") << 20) | (LtpSize << 16));
}

Expected<ArmCpus> ArmCpuReader::read(uint64_t First) {
  ArmCpus Out;
  Out.Kvm = ranKvm(S);
  if (First == 0)
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's vCPU list is empty or unreadable");
  if (Error E = vcpu0Facts(First, Out))
    return std::move(E);
  std::string Missing = fpStatusScheme();
  std::vector<Aarch64CpuState> Cpus;
  std::optional<uint32_t> InAarch32;
  auto Visit = [&](FieldReader &R, uint32_t Index) -> Error {
    if (R.u64("env.aarch64") == 0 && !InAarch32)
      InAarch32 = Index;
    Aarch64CpuState St = registers(R);
    St.CpuIndex = Index;
    if (Missing.empty())
      fpStatus(R, St);
    Cpus.push_back(St);
    return Error::success();
  };
  if (!Out.Aarch64) {
    Out.NoNotes = "vCPU 0 is a 32-bit CPU (no ARM_FEATURE_AARCH64), whose "
                  "NT_PRSTATUS and NT_ARM_VFP notes qemudump does not write";
    return Out;
  }
  if (Error E = walkCpus(S, Layout, "ARMCPU", First, Visit, Out.Problems))
    Out.NoNotes = formatv("cannot read the vCPUs' registers ({0})",
                          toString(std::move(E)));
  else if (InAarch32)
    Out.NoNotes = formatv("the vCPU with cpu_index {0} is in AArch32 state, "
                          "whose registers QEMU's dump converts "
                          "(aarch64_sync_32_to_64) and qemudump does not",
                          *InAarch32);
  else if (!Missing.empty())
    Out.NoNotes = formatv("this QEMU keeps the floating-point status (FPSR) "
                          "in a way qemudump does not know: {0}",
                          Missing);
  else
    Out.Cpus = std::move(Cpus);
  return Out;
}

} // namespace

Expected<ArmCpus> readArmCpus(const QemuSession &S) {
  Expected<FirstCpu> First = firstCpu(S, "ARMCPU");
  if (!First)
    return First.takeError();
  return ArmCpuReader(S, *First->Layout).read(First->Addr);
}

} // namespace qemudump
