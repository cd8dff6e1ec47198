//===- ArmTarget.cpp - QEMU's ARM target: ARMCPU --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/ArmTarget.h"

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuLayout.h"

#include "qemudump/Arch/Aarch64.h"
#include "qemudump/Arch/Arm.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"

#include <optional>

using namespace llvm;

namespace qemudump {

namespace {

/// ARMFPStatusFlavour's enumerators vfp_get_fpsr folds, in
/// Aarch64FpsrParts' order.
const char *const FpstNames[] = {"FPST_A32",     "FPST_A64", "FPST_A32_F16",
                                 "FPST_A64_F16", "FPST_STD", "FPST_STD_F16"};

/// ARMCPU's floating-point status, resolved once: FPSR and FPCR as QEMU
/// 10.x's vfp_get_fpsr and vfp_get_fpcr compute them, for either state.
struct FpStatusFields {
  FpStatusFields(const TypeLayout &L, ArrayRef<uint64_t> Fpst)
      : Fpsr(L, "env.vfp.fpsr"), Fpcr(L, "env.vfp.fpcr"),
        VecLen(L, "env.vfp.vec_len"), VecStride(L, "env.vfp.vec_stride"),
        LtpSize(L, "env.v7m.ltpsize") {
    for (unsigned I = 0; I < 4; ++I)
      Qc.emplace_back(L, formatv("env.vfp.qc[{0}]", I));
    for (uint64_t F : Fpst)
      FpFlags.emplace_back(
          L, formatv("env.vfp.fp_status[{0}].float_exception_flags", F));
  }
  uint32_t fpsr(FieldReader &R) const;
  uint32_t fpcr(FieldReader &R) const;

  Field Fpsr, Fpcr, VecLen, VecStride, LtpSize;
  std::vector<Field> Qc, FpFlags;
};

uint32_t FpStatusFields::fpsr(FieldReader &R) const {
  Aarch64FpsrParts P;
  P.Fpsr = R.u64(Fpsr);
  P.Fpcr = R.u64(Fpcr);
  for (unsigned I = 0; I < 4; ++I)
    P.Qc[I] = R.u64(Qc[I]);
  uint16_t Flags[6];
  for (unsigned I = 0; I < 6; ++I)
    Flags[I] = uint16_t(R.u64(FpFlags[I]));
  P.A32 = Flags[0];
  P.A64 = Flags[1];
  P.A32F16 = Flags[2];
  P.A64F16 = Flags[3];
  P.Std = Flags[4];
  P.StdF16 = Flags[5];
  return aarch64FpsrRead(P);
}

uint32_t FpStatusFields::fpcr(FieldReader &R) const {
  uint32_t LtpSize = this->LtpSize.present() ? R.u64(this->LtpSize) : 0;
  return uint32_t(R.u64(Fpcr) | (R.u64(VecLen) << 16) |
                  (R.u64(VecStride) << 20) | (LtpSize << 16));
}

/// ARMCPU's members the AArch64 notes need, resolved once.
struct Aarch64Fields {
  Aarch64Fields(const TypeLayout &L, ArrayRef<uint64_t> Fpst)
      : Aarch64(L, "env.aarch64"), Pc(L, "env.pc"), NF(L, "env.NF"),
        ZF(L, "env.ZF"), CF(L, "env.CF"), VF(L, "env.VF"),
        Pstate(L, "env.pstate"), Daif(L, "env.daif"), Btype(L, "env.btype"),
        Fp(L, Fpst) {
    for (unsigned I = 0; I < 32; ++I)
      X.emplace_back(L, formatv("env.xregs[{0}]", I));
    for (unsigned I = 0; I < 32; ++I)
      for (unsigned H = 0; H < 2; ++H)
        V.emplace_back(L, formatv("env.vfp.zregs[{0}].d[{1}]", I, H));
  }
  Field Aarch64, Pc, NF, ZF, CF, VF, Pstate, Daif, Btype;
  FpStatusFields Fp;
  std::vector<Field> X, V;
};

/// ARMCPU's members the AArch32 notes need, resolved once.
struct Aarch32Fields {
  Aarch32Fields(const TypeLayout &L, ArrayRef<uint64_t> Fpst)
      : Uncached(L, "env.uncached_cpsr"), NF(L, "env.NF"), ZF(L, "env.ZF"),
        CF(L, "env.CF"), VF(L, "env.VF"), QF(L, "env.QF"),
        Thumb(L, "env.thumb"), CondexecBits(L, "env.condexec_bits"),
        GE(L, "env.GE"), Daif(L, "env.daif"), Mvfr0(L, "isar.mvfr0"),
        Fp(L, Fpst) {
    for (unsigned I = 0; I < 16; ++I)
      Regs.emplace_back(L, formatv("env.regs[{0}]", I));
    // d<N> is zregs[N / 2].d[N % 2] (aa32_vfp_dreg).
    for (unsigned I = 0; I < 32; ++I)
      D.emplace_back(L, formatv("env.vfp.zregs[{0}].d[{1}]", I / 2, I % 2));
  }
  Field Uncached, NF, ZF, CF, VF, QF, Thumb, CondexecBits, GE, Daif, Mvfr0;
  FpStatusFields Fp;
  std::vector<Field> Regs, D;
};

class ArmTarget final : public QemuTarget {
public:
  ArmTarget(StringRef Name) : QemuTarget(Name.str()) {}

  void read(const QemuSession &S);

  /// As QEMU's dump: ELF32 for a vCPU 0 without AArch64, else ELF64.
  Expected<ArchChoice> inferArch() const override {
    if (HasAarch64 && !*HasAarch64)
      return inferArm32Arch(BigEndian);
    return inferAarch64Arch(Name, BigEndian, ReadError);
  }

private:
  Expected<CpuNotes> encodeNotes(const Arch &A, bool Kdump) const override;
  Error vcpu0Facts(const QemuSession &S, const TypeLayout &L, uint64_t First);
  std::string fpStatusScheme(const QemuSession &S, const TypeLayout &L);
  void readAarch64(const QemuSession &S, const TypeLayout &L, uint64_t First);
  void readAarch32(const QemuSession &S, const TypeLayout &L, uint64_t First);
  Aarch64CpuState registers(FieldReader &R, const Aarch64Fields &F) const;
  ArmCpuState registers(FieldReader &R, const Aarch32Fields &F) const;

  /// vCPU 0 has ARM_FEATURE_AARCH64 (an ELF64 dump); its SCTLR_EL1.EE.
  std::optional<bool> HasAarch64, BigEndian;
  /// fp_status[] indexes of FPST_A32, A64, A32_F16, A64_F16, STD, STD_F16.
  uint64_t Fpst[6] = {};
  /// The vCPUs' registers in the state of vCPU 0's CPU: AArch64, or AArch32
  /// (a 32-bit CPU).
  std::vector<Aarch64CpuState> Cpus;
  std::vector<ArmCpuState> Cpus32;
  /// Why they were not read as QEMU's dump would.
  std::string NoNotes;
};

/// QEMU 10.x's FP status: env.vfp.fpsr and .fpcr, and fp_status[] indexed
/// by ARMFPStatusFlavour, which has FPST_AH from 10.0 on (with the
/// softfloat flags vfp_get_fpsr maps). "" when this QEMU has it; otherwise
/// what it lacks.
std::string ArmTarget::fpStatusScheme(const QemuSession &S,
                                      const TypeLayout &L) {
  lldb::SBTypeEnumMemberList Flavours =
      S.target().FindFirstType("ARMFPStatusFlavour").GetEnumMembers();
  for (unsigned I = 0; I < 6; ++I) {
    std::optional<uint64_t> V = enumValue(Flavours, FpstNames[I]);
    if (!V)
      return formatv("no enumerator {0} of ARMFPStatusFlavour", FpstNames[I]);
    Fpst[I] = *V;
  }
  if (!enumValue(Flavours, "FPST_AH"))
    return "no enumerator FPST_AH of ARMFPStatusFlavour (QEMU before 10.0)";
  for (const char *Path : {"env.vfp.fpsr", "env.vfp.fpcr", "env.vfp.qc[3]",
                           "env.vfp.fp_status[0].float_exception_flags"})
    if (!L.has(Path))
      return formatv("no member ARMCPU.{0}", Path);
  return "";
}

/// What QEMU's dump decides by vCPU 0: ELF64 or ELF32, and the endianness.
Error ArmTarget::vcpu0Facts(const QemuSession &S, const TypeLayout &L,
                            uint64_t First) {
  FieldReader R(S.process(), L, First);
  uint64_t Sctlr = R.u64("env.cp15.sctlr_el[1]");
  std::optional<uint64_t> Bit =
      enumValue(S.target().FindFirstType("arm_features").GetEnumMembers(),
                "ARM_FEATURE_AARCH64");
  bool Aarch64;
  if (Bit && *Bit < 64 && R.has("env.features"))
    Aarch64 = (R.u64("env.features") >> *Bit) & 1;
  else // No feature bits: the binary's name says.
    Aarch64 = S.exeName() != "qemu-system-arm";
  constexpr unsigned SveShift = 32; // ID_AA64PFR0_EL1.SVE, bits [35:32]
  if (R.has("isar.id_aa64pfr0") &&
      (R.u64("isar.id_aa64pfr0") >> SveShift) & 0xf)
    Problems.push_back(
        "the vCPUs have SVE: QEMU's dump adds an NT_ARM_SVE note to each "
        "(the full Z, P and FFR registers), which qemudump does not write; "
        "NT_PRFPREG holds the low 128 bits of each Z register");
  if (!R.ok())
    return createStringError(inconvertibleErrorCode(),
                             "cannot read vCPU 0's " + *R.failure());
  constexpr uint64_t SctlrEE = 1u << 25;
  HasAarch64 = Aarch64;
  BigEndian = (Sctlr & SctlrEE) != 0;
  return Error::success();
}

Aarch64CpuState ArmTarget::registers(FieldReader &R,
                                     const Aarch64Fields &F) const {
  Aarch64CpuState St;
  for (unsigned I = 0; I < 31; ++I)
    St.X[I] = R.u64(F.X[I]);
  St.Sp = R.u64(F.X[31]);
  St.Pc = R.u64(F.Pc);
  Aarch64PstateParts P;
  P.NF = R.u64(F.NF);
  P.ZF = R.u64(F.ZF);
  P.CF = R.u64(F.CF);
  P.VF = R.u64(F.VF);
  P.Pstate = R.u64(F.Pstate);
  P.Daif = R.u64(F.Daif);
  if (F.Btype.present())
    P.Btype = R.u64(F.Btype);
  St.Pstate = aarch64PstateRead(P);
  for (unsigned I = 0; I < 32; ++I)
    for (unsigned H = 0; H < 2; ++H)
      St.V[I][H] = R.u64(F.V[2 * I + H]);
  return St;
}

/// A vCPU of a 32-bit CPU: r0..r15, CPSR as cpsr_read computes it, d0..d31
/// and FPSCR as vfp_get_fpscr does (10.x), and whether it has VFP.
ArmCpuState ArmTarget::registers(FieldReader &R, const Aarch32Fields &F) const {
  ArmCpuState St;
  for (unsigned I = 0; I < 16; ++I)
    St.Regs[I] = R.u64(F.Regs[I]);
  ArmCpsrParts P;
  P.Uncached = R.u64(F.Uncached);
  P.NF = R.u64(F.NF);
  P.ZF = R.u64(F.ZF);
  P.CF = R.u64(F.CF);
  P.VF = R.u64(F.VF);
  P.QF = R.u64(F.QF);
  P.Thumb = R.u64(F.Thumb);
  P.CondexecBits = R.u64(F.CondexecBits);
  P.GE = R.u64(F.GE);
  P.Daif = R.u64(F.Daif);
  St.Cpsr = armCpsrRead(P);
  // cpu_isar_feature(aa32_vfp_simd): MVFR0.SIMDReg, bits [3:0], not 0.
  St.HasVfp = (R.u64(F.Mvfr0) & 0xf) != 0;
  for (unsigned I = 0; I < 32; ++I)
    St.D[I] = R.u64(F.D[I]);
  St.Fpscr = armFpscr(F.Fp.fpsr(R), F.Fp.fpcr(R));
  return St;
}

/// Every vCPU's AArch64 registers, or (NoNotes) why not.
void ArmTarget::readAarch64(const QemuSession &S, const TypeLayout &L,
                            uint64_t First) {
  std::string Missing = fpStatusScheme(S, L);
  const Aarch64Fields F(L, Fpst);
  std::vector<Aarch64CpuState> Read;
  std::optional<uint32_t> InAarch32;
  auto Visit = [&](FieldReader &R, uint32_t Index) -> Error {
    if (R.u64(F.Aarch64) == 0 && !InAarch32)
      InAarch32 = Index;
    Aarch64CpuState St = registers(R, F);
    St.CpuIndex = Index;
    if (Missing.empty()) {
      St.Fpsr = F.Fp.fpsr(R);
      St.Fpcr = F.Fp.fpcr(R);
    }
    Read.push_back(St);
    return Error::success();
  };
  if (Error E = walkCpus(S, L, "ARMCPU", First, Visit, Problems))
    // vCPU 0's facts were read: they still tell ARCH.
    NoNotes = formatv("cannot read the vCPUs' registers ({0})",
                      toString(std::move(E)));
  else if (InAarch32)
    NoNotes =
        formatv("the vCPU with cpu_index {0} is in AArch32 state, whose "
                "registers QEMU's dump converts (aarch64_sync_32_to_64) and "
                "qemudump does not",
                *InAarch32);
  else if (!Missing.empty())
    NoNotes = formatv("this QEMU keeps the floating-point status "
                      "(FPSR) in a way qemudump does not know: {0}",
                      Missing);
  else
    Cpus = std::move(Read);
  Count = Cpus.size();
}

/// Every vCPU's AArch32 registers (a 32-bit CPU), or (NoNotes) why not.
void ArmTarget::readAarch32(const QemuSession &S, const TypeLayout &L,
                            uint64_t First) {
  std::string Missing = fpStatusScheme(S, L);
  if (Missing.empty() && !L.has("isar.mvfr0"))
    Missing = "no member ARMCPU.isar.mvfr0 (whether a vCPU has VFP)";
  const Aarch32Fields F(L, Fpst);
  std::vector<ArmCpuState> Read;
  auto Visit = [&](FieldReader &R, uint32_t Index) -> Error {
    if (!Missing.empty())
      return Error::success();
    Read.push_back(registers(R, F));
    Read.back().CpuIndex = Index;
    return Error::success();
  };
  if (Error E = walkCpus(S, L, "ARMCPU", First, Visit, Problems))
    NoNotes = formatv("cannot read the vCPUs' registers ({0})",
                      toString(std::move(E)));
  else if (!Missing.empty())
    NoNotes = formatv("this QEMU keeps the floating-point status (FPSCR) in "
                      "a way qemudump does not know: {0}",
                      Missing);
  else
    Cpus32 = std::move(Read);
  Count = Cpus32.size();
}

void ArmTarget::read(const QemuSession &S) {
  std::optional<FirstCpu> First = openVcpus(S, "ARMCPU");
  if (!First)
    return;
  if (First->Addr == 0) {
    ReadError = "QEMU's vCPU list is empty or unreadable";
    return;
  }
  if (Error E = vcpu0Facts(S, *First->Layout, First->Addr)) {
    ReadError = toString(std::move(E));
    return;
  }
  if (*HasAarch64)
    readAarch64(S, *First->Layout, First->Addr);
  else
    readAarch32(S, *First->Layout, First->Addr);
}

Expected<CpuNotes> ArmTarget::encodeNotes(const Arch &A, bool) const {
  auto Fail = [](const Twine &Why) {
    return createStringError(inconvertibleErrorCode(), Why.str());
  };
  // QEMU's dump of a 32-bit CPU is ELF32 EM_ARM, of an AArch64 one ELF64.
  bool Elf32 = A.Machine == ELF::EM_ARM;
  if (Elf32 == *HasAarch64)
    return Fail(*HasAarch64
                    ? "vCPU 0 has AArch64, whose registers QEMU's dump writes "
                      "as aarch64's notes (ARCH aarch64-le or aarch64-be), "
                      "not arm's"
                    : "vCPU 0 is a 32-bit CPU (no ARM_FEATURE_AARCH64), whose "
                      "registers QEMU's dump writes as arm's notes (ARCH "
                      "arm), not aarch64's");
  if (!NoNotes.empty())
    return Fail(NoNotes);
  if (Elf32)
    return armCpuNotes(Cpus32, A.endianness());
  return aarch64CpuNotes(Cpus, A.endianness());
}

} // namespace

std::unique_ptr<QemuTarget> readArmTarget(const QemuSession &S,
                                          StringRef Name) {
  return readTargetAs<ArmTarget>(S, Name);
}

} // namespace qemudump
