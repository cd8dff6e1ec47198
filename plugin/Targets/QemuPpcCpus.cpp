//===- QemuPpcCpus.cpp - QEMU's ppc64 vCPUs -------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/QemuPpcCpus.h"

#include "llvm/Support/FormatVariadic.h"

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

PpcCpuState registers(FieldReader &R) {
  auto Env = [&](const Twine &Path) { return R.u64(("env." + Path).str()); };
  PpcCpuState St;
  for (unsigned I = 0; I < 32; ++I)
    St.Gpr[I] = Env(formatv("gpr[{0}]", I));
  St.Nip = Env("nip");
  St.Msr = Env("msr");
  St.Ctr = Env("ctr");
  St.Lr = Env("lr");
  PpcXerParts X;
  X.Xer = Env("xer");
  X.So = Env("so");
  X.Ov = Env("ov");
  X.Ca = Env("ca");
  X.Ov32 = Env("ov32");
  X.Ca32 = Env("ca32");
  X.Isa300 = Env("insns_flags2") & Ppc2ISA300;
  St.Xer = ppcReadXer(X);
  uint32_t Crf[8];
  for (unsigned I = 0; I < 8; ++I)
    Crf[I] = Env(formatv("crf[{0}]", I));
  St.Ccr = ppcCr(Crf);
  // On a little-endian host, VsrD(0), the high doubleword (a VSR's FPR),
  // is u64[1].
  for (unsigned I = 0; I < 32; ++I) {
    St.Fpr[I] = Env(formatv("vsr[{0}].u64[1]", I));
    St.Vsrl[I] = Env(formatv("vsr[{0}].u64[0]", I));
    St.Avr[I][0] = Env(formatv("vsr[{0}].u64[0]", 32 + I));
    St.Avr[I][1] = Env(formatv("vsr[{0}].u64[1]", 32 + I));
  }
  St.Fpscr = Env("fpscr");
  bool Sat = Env("vscr_sat.u64[0]") | Env("vscr_sat.u64[1]");
  St.Vscr = uint32_t(Env("vscr")) | (Sat ? 1 : 0); // VSCR_SAT is bit 0
  St.SpeAcc = Env("spe_acc");
  St.SpeFscr = Env("spe_fscr");
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

} // namespace

Expected<PpcCpus> readPpcCpus(const QemuSession &S) {
  return readCpuSet<PpcCpus>(
      S, "PowerPCCPU", [&S](FieldReader &R, uint32_t Index, PpcCpus &Out) {
        PpcCpuState St = registers(R);
        St.CpuIndex = Index;
        if (Out.Cpus.empty())
          Out.LittleEndian = interruptsLittleEndian(S, R, Out.EndianProblem);
        Out.Cpus.push_back(St);
      });
}

} // namespace qemudump
