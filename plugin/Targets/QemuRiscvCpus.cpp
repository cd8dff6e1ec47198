//===- QemuRiscvCpus.cpp - QEMU's RISC-V vCPUs ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/QemuRiscvCpus.h"

#include "Qemu/QemuCpuList.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

Expected<RiscvCpus> readRiscvCpus(const QemuSession &S) {
  return readCpuSet<RiscvCpus>(
      S, "RISCVCPU", [](FieldReader &R, uint32_t Index, RiscvCpus &Out) {
        RiscvCpuState St;
        St.CpuIndex = Index;
        St.Pc = R.u64("env.pc");
        for (unsigned I = 1; I < 32; ++I)
          St.Gpr[I] = R.u64(formatv("env.gpr[{0}]", I).str());
        if (Out.Cpus.empty()) {
          constexpr uint64_t MstatusUBE = 1u << 6;
          Out.BigEndian = R.u64("env.mstatus") & MstatusUBE;
        }
        Out.Cpus.push_back(St);
      });
}

} // namespace qemudump
