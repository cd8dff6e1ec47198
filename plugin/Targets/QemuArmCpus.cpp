//===- QemuArmCpus.cpp - QEMU's ARM vCPUs: registers and dump facts -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/QemuArmCpus.h"

#include "Qemu/QemuCpuList.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

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
