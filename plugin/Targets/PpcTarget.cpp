//===- PpcTarget.cpp - QEMU's ppc64 target: PowerPCCPU --------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/PpcTarget.h"

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuLayout.h"

#include "qemudump/Arch/Ppc64.h"

#include "llvm/Support/FormatVariadic.h"

#include <optional>

using namespace llvm;

namespace qemudump {

namespace {

// target/ppc/cpu.h. PPC_BIT(n) is 1 << (63 - n).
constexpr uint64_t MsrHVB = 1ull << 60;
constexpr uint64_t MsrILE = 1ull << 16;
constexpr uint64_t LpcrILE = 1ull << (63 - 38);
constexpr uint64_t Hid0HILE = 1ull << (63 - 19);
constexpr uint64_t Hid0Power9HILE = 1ull << (63 - 4);
constexpr uint64_t Ppc2ISA300 = 0x80000;
constexpr unsigned SprLPCR = 0x13e, SprHID0 = 0x3f0;

/// PowerPCCPU's members the notes need, resolved once.
struct PpcFields {
  explicit PpcFields(const TypeLayout &L)
      : Nip(L, "env.nip"), Msr(L, "env.msr"), Ctr(L, "env.ctr"),
        Lr(L, "env.lr"), Xer(L, "env.xer"), So(L, "env.so"), Ov(L, "env.ov"),
        Ca(L, "env.ca"), Ov32(L, "env.ov32"), Ca32(L, "env.ca32"),
        InsnsFlags2(L, "env.insns_flags2"), Fpscr(L, "env.fpscr"),
        Vscr(L, "env.vscr"), VscrSat0(L, "env.vscr_sat.u64[0]"),
        VscrSat1(L, "env.vscr_sat.u64[1]"), SpeAcc(L, "env.spe_acc"),
        SpeFscr(L, "env.spe_fscr") {
    for (unsigned I = 0; I < 32; ++I)
      Gpr.emplace_back(L, formatv("env.gpr[{0}]", I));
    for (unsigned I = 0; I < 8; ++I)
      Crf.emplace_back(L, formatv("env.crf[{0}]", I));
    for (unsigned I = 0; I < 64; ++I)
      for (unsigned H = 0; H < 2; ++H)
        Vsr.emplace_back(L, formatv("env.vsr[{0}].u64[{1}]", I, H));
  }
  const Field &vsr(unsigned I, unsigned H) const { return Vsr[2 * I + H]; }

  Field Nip, Msr, Ctr, Lr, Xer, So, Ov, Ca, Ov32, Ca32, InsnsFlags2, Fpscr,
      Vscr, VscrSat0, VscrSat1, SpeAcc, SpeFscr;
  std::vector<Field> Gpr, Crf, Vsr;
};

PpcCpuState registers(FieldReader &R, const PpcFields &F) {
  PpcCpuState St;
  for (unsigned I = 0; I < 32; ++I)
    St.Gpr[I] = R.u64(F.Gpr[I]);
  St.Nip = R.u64(F.Nip);
  St.Msr = R.u64(F.Msr);
  St.Ctr = R.u64(F.Ctr);
  St.Lr = R.u64(F.Lr);
  PpcXerParts X;
  X.Xer = R.u64(F.Xer);
  X.So = R.u64(F.So);
  X.Ov = R.u64(F.Ov);
  X.Ca = R.u64(F.Ca);
  X.Ov32 = R.u64(F.Ov32);
  X.Ca32 = R.u64(F.Ca32);
  X.Isa300 = R.u64(F.InsnsFlags2) & Ppc2ISA300;
  St.Xer = ppcReadXer(X);
  uint32_t Crf[8];
  for (unsigned I = 0; I < 8; ++I)
    Crf[I] = R.u64(F.Crf[I]);
  St.Ccr = ppcCr(Crf);
  // On a little-endian host, VsrD(0), the high doubleword (a VSR's FPR),
  // is u64[1].
  for (unsigned I = 0; I < 32; ++I) {
    St.Fpr[I] = R.u64(F.vsr(I, 1));
    St.Vsrl[I] = R.u64(F.vsr(I, 0));
    St.Avr[I][0] = R.u64(F.vsr(32 + I, 0));
    St.Avr[I][1] = R.u64(F.vsr(32 + I, 1));
  }
  St.Fpscr = R.u64(F.Fpscr);
  bool Sat = R.u64(F.VscrSat0) | R.u64(F.VscrSat1);
  St.Vscr = uint32_t(R.u64(F.Vscr)) | (Sat ? 1 : 0); // VSCR_SAT is bit 0
  St.SpeAcc = R.u64(F.SpeAcc);
  St.SpeFscr = R.u64(F.SpeFscr);
  return St;
}

/// ppc_interrupts_little_endian(vCPU 0, its MSR_HVB): the class's
/// insns_flags2 and lpcr_mask are read through the QOM class pointer.
std::optional<bool> interruptsLittleEndian(const QemuSession &S, FieldReader &R,
                                           std::string &Problem) {
  uint64_t Msr = R.u64("env.msr");
  bool Hv = R.u64("env.msr_mask") & MsrHVB;
  if (Hv && R.u64("env.has_hv_mode")) {
    uint64_t Hid0 = R.u64(formatv("env.spr[{0}]", SprHID0).str());
    bool Isa300 = R.u64("env.insns_flags2") & Ppc2ISA300;
    return (Hid0 & (Isa300 ? Hid0Power9HILE : Hid0HILE)) != 0;
  }
  uint64_t Lpcr = R.u64(formatv("env.spr[{0}]", SprLPCR).str());
  uint64_t Class = R.u64("parent_obj.parent_obj.parent_obj.class");
  if (!R.ok())
    return std::nullopt;
  Expected<TypeLayout> ClassLayout =
      qemuLayout(S, "PowerPCCPUClass", "cpu_get_dump_info");
  if (!ClassLayout) {
    Problem = toString(ClassLayout.takeError());
    return std::nullopt;
  }
  FieldReader C(S.process(), *ClassLayout, Class);
  uint64_t LpcrMask = C.u64("lpcr_mask");
  if (!C.ok()) {
    Problem = formatv("cannot read vCPU 0's class (PowerPCCPUClass at "
                      "{0:x}): {1}",
                      Class, *C.failure());
    return std::nullopt;
  }
  if (LpcrMask & LpcrILE)
    return (Lpcr & LpcrILE) != 0;
  return (Msr & MsrILE) != 0;
}

class PpcTarget final : public QemuTarget {
public:
  PpcTarget(StringRef Name) : QemuTarget(Name.str()) {}

  void read(const QemuSession &S);

  Expected<ArchChoice> inferArch() const override {
    return inferPpc64Arch(LittleEndian,
                          ReadError.empty() ? EndianProblem : ReadError);
  }

private:
  Expected<CpuNotes> encodeNotes(const Arch &A, bool) const override {
    return ppc64CpuNotes(Cpus, A.endianness());
  }

  std::vector<PpcCpuState> Cpus;
  /// vCPU 0's interrupts are little-endian: QEMU writes a little-endian
  /// dump; unset when it cannot be told (EndianProblem says why).
  std::optional<bool> LittleEndian;
  std::string EndianProblem;
};

void PpcTarget::read(const QemuSession &S) {
  std::optional<FirstCpu> First = openVcpus(S, "PowerPCCPU");
  if (!First)
    return;
  const PpcFields F(*First->Layout);
  std::vector<PpcCpuState> Read;
  std::optional<bool> Vcpu0LittleEndian;
  auto Visit = [&](FieldReader &R, uint32_t Index) -> Error {
    PpcCpuState St = registers(R, F);
    St.CpuIndex = Index;
    if (Read.empty())
      Vcpu0LittleEndian = interruptsLittleEndian(S, R, EndianProblem);
    Read.push_back(St);
    return Error::success();
  };
  if (!walkVcpus(S, *First, "PowerPCCPU", Visit)) {
    EndianProblem.clear();
    return;
  }
  LittleEndian = Vcpu0LittleEndian;
  Cpus = std::move(Read);
  Count = Cpus.size();
}

} // namespace

std::unique_ptr<QemuTarget> readPpcTarget(const QemuSession &S,
                                          StringRef Name) {
  if (Name != "ppc64") // qemu-system-ppc: its vCPUs are not read
    return unreadTarget(Name);
  return readTargetAs<PpcTarget>(S, Name);
}

} // namespace qemudump
