//===- RiscvTarget.cpp - QEMU's RISC-V target: RISCVCPU -------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/RiscvTarget.h"

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuLayout.h"

#include "qemudump/Arch/Riscv.h"

#include "llvm/Support/FormatVariadic.h"

#include <optional>

using namespace llvm;

namespace qemudump {

namespace {

class RiscvTarget final : public QemuTarget {
public:
  RiscvTarget(StringRef Name) : QemuTarget(Name.str()) {}

  void read(const QemuSession &S);

  Expected<ArchChoice> inferArch() const override {
    return inferRiscvArch(Name, BigEndian);
  }

private:
  Expected<CpuNotes> encodeNotes(const Arch &A, bool) const override {
    return riscvCpuNotes(Cpus, A.is64Bit(), A.endianness());
  }

  std::vector<RiscvCpuState> Cpus;
  /// vCPU 0's mstatus.UBE is set.
  std::optional<bool> BigEndian;
};

void RiscvTarget::read(const QemuSession &S) {
  std::optional<FirstCpu> First = openVcpus(S, "RISCVCPU");
  if (!First)
    return;
  const TypeLayout &L = *First->Layout;
  const Field Pc(L, "env.pc"), Mstatus(L, "env.mstatus");
  std::vector<Field> Gpr;
  for (unsigned I = 0; I < 32; ++I)
    Gpr.emplace_back(L, formatv("env.gpr[{0}]", I));
  std::vector<RiscvCpuState> Read;
  std::optional<bool> Vcpu0BigEndian;
  auto Visit = [&](FieldReader &R, uint32_t Index) -> Error {
    RiscvCpuState St;
    St.CpuIndex = Index;
    St.Pc = R.u64(Pc);
    for (unsigned I = 1; I < 32; ++I)
      St.Gpr[I] = R.u64(Gpr[I]);
    if (Read.empty()) {
      constexpr uint64_t MstatusUBE = 1u << 6;
      Vcpu0BigEndian = (R.u64(Mstatus) & MstatusUBE) != 0;
    }
    Read.push_back(St);
    return Error::success();
  };
  if (!walkVcpus(S, *First, "RISCVCPU", Visit))
    return;
  BigEndian = Vcpu0BigEndian;
  Cpus = std::move(Read);
  Count = Cpus.size();
}

} // namespace

std::unique_ptr<QemuTarget> readRiscvTarget(const QemuSession &S,
                                            StringRef Name) {
  return readTargetAs<RiscvTarget>(S, Name);
}

} // namespace qemudump
