//===- S390xTarget.cpp - QEMU's s390x target: S390CPU ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/S390xTarget.h"

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuLayout.h"

#include "qemudump/Arch/S390x.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

/// S390CPU's members the notes need, resolved once.
struct S390xFields {
  explicit S390xFields(const TypeLayout &L)
      : PswMask(L, "env.psw.mask"), PswAddr(L, "env.psw.addr"),
        Fpc(L, "env.fpc"), Cputm(L, "env.cputm"), Ckc(L, "env.ckc"),
        Todpr(L, "env.todpr"), Psa(L, "env.psa") {
    for (unsigned I = 0; I < 16; ++I) {
      Gprs.emplace_back(L, formatv("env.regs[{0}]", I));
      Acrs.emplace_back(L, formatv("env.aregs[{0}]", I));
      Cregs.emplace_back(L, formatv("env.cregs[{0}]", I));
    }
    for (unsigned I = 0; I < 32; ++I)
      for (unsigned H = 0; H < 2; ++H)
        Vregs.emplace_back(L, formatv("env.vregs[{0}][{1}]", I, H));
    for (unsigned I = 0; I < 4; ++I)
      Gscb.emplace_back(L, formatv("env.gscb[{0}]", I));
  }
  Field PswMask, PswAddr, Fpc, Cputm, Ckc, Todpr, Psa;
  std::vector<Field> Gprs, Acrs, Cregs, Vregs, Gscb;
};

S390xCpuState registers(FieldReader &R, const S390xFields &F) {
  S390xCpuState St;
  St.PswMask = R.u64(F.PswMask);
  St.PswAddr = R.u64(F.PswAddr);
  for (unsigned I = 0; I < 16; ++I) {
    St.Gprs[I] = R.u64(F.Gprs[I]);
    St.Acrs[I] = R.u64(F.Acrs[I]);
    St.Cregs[I] = R.u64(F.Cregs[I]);
  }
  St.Fpc = R.u64(F.Fpc);
  for (unsigned I = 0; I < 32; ++I)
    for (unsigned H = 0; H < 2; ++H)
      St.Vregs[I][H] = R.u64(F.Vregs[2 * I + H]);
  St.Cputm = R.u64(F.Cputm);
  St.Ckc = R.u64(F.Ckc);
  St.Todpr = R.u64(F.Todpr);
  St.Prefix = R.u64(F.Psa);
  for (unsigned I = 0; I < 4; ++I)
    St.Gscb[I] = R.u64(F.Gscb[I]);
  return St;
}

class S390xTarget final : public QemuTarget {
public:
  S390xTarget(StringRef Name) : QemuTarget(Name.str()) {}

  void read(const QemuSession &S) {
    std::optional<FirstCpu> First = openVcpus(S, "S390CPU");
    if (!First)
      return;
    const S390xFields F(*First->Layout);
    std::vector<S390xCpuState> Read;
    auto Visit = [&](FieldReader &R, uint32_t Index) -> Error {
      Read.push_back(registers(R, F));
      Read.back().CpuIndex = Index;
      return Error::success();
    };
    if (!walkVcpus(S, *First, "S390CPU", Visit))
      return;
    Cpus = std::move(Read);
    Count = Cpus.size();
  }

private:
  Expected<CpuNotes> encodeNotes(const Arch &, bool) const override {
    return s390xCpuNotes(Cpus);
  }

  std::vector<S390xCpuState> Cpus;
};

} // namespace

std::unique_ptr<QemuTarget> readS390xTarget(const QemuSession &S,
                                            StringRef Name) {
  return readTargetAs<S390xTarget>(S, Name);
}

} // namespace qemudump
