//===- QemuS390Cpus.cpp - QEMU's s390x vCPUs ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/QemuS390Cpus.h"

#include "Qemu/QemuCpuList.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

S390CpuState registers(FieldReader &R) {
  auto Env = [&](const Twine &Path) { return R.u64(("env." + Path).str()); };
  S390CpuState St;
  St.PswMask = Env("psw.mask");
  St.PswAddr = Env("psw.addr");
  for (unsigned I = 0; I < 16; ++I) {
    St.Gprs[I] = Env(formatv("regs[{0}]", I));
    St.Acrs[I] = Env(formatv("aregs[{0}]", I));
    St.Cregs[I] = Env(formatv("cregs[{0}]", I));
  }
  St.Fpc = Env("fpc");
  for (unsigned I = 0; I < 32; ++I)
    for (unsigned H = 0; H < 2; ++H)
      St.Vregs[I][H] = Env(formatv("vregs[{0}][{1}]", I, H));
  St.Cputm = Env("cputm");
  St.Ckc = Env("ckc");
  St.Todpr = Env("todpr");
  St.Prefix = Env("psa");
  for (unsigned I = 0; I < 4; ++I)
    St.Gscb[I] = Env(formatv("gscb[{0}]", I));
  return St;
}

} // namespace

Expected<S390Cpus> readS390Cpus(const QemuSession &S) {
  return readCpuSet<S390Cpus>(
      S, "S390CPU", [](FieldReader &R, uint32_t Index, S390Cpus &Out) {
        S390CpuState St = registers(R);
        St.CpuIndex = Index;
        Out.Cpus.push_back(St);
      });
}

} // namespace qemudump
