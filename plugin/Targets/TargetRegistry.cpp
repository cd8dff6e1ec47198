//===- TargetRegistry.cpp - Which QEMU target a binary is, and its reader -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One line per QEMU target: the C type of its vCPUs, the names of the
// binaries built for it (qemu-system-NAME, the first the default for a
// binary of another name; "x86" stands for both x86 binaries), and the
// reader of its vCPUs.
//
//===----------------------------------------------------------------------===//

#include "Targets/ArmTarget.h"
#include "Targets/PpcTarget.h"
#include "Targets/QemuTarget.h"
#include "Targets/RiscvTarget.h"
#include "Targets/S390xTarget.h"
#include "Targets/X86Target.h"

#include "llvm/ADT/STLExtras.h"

using namespace llvm;

namespace qemudump {

namespace {

using ReadFn = std::unique_ptr<QemuTarget> (*)(const QemuSession &,
                                               StringRef Name);

struct TargetEntry {
  const char *CpuType;
  StringRef Names[2];
  ReadFn Read; ///< Null: qemudump reads no vCPUs of this target.
};

const TargetEntry Targets[] = {
    {"X86CPU", {"x86"}, readX86Target},
    {"ARMCPU", {"aarch64", "arm"}, readArmTarget},
    {"PowerPCCPU", {"ppc64", "ppc"}, readPpcTarget},
    {"S390CPU", {"s390x"}, readS390xTarget},
    {"RISCVCPU", {"riscv64", "riscv32"}, readRiscvTarget},
    {"LoongArchCPU", {"loongarch64"}, nullptr},
};

} // namespace

std::unique_ptr<QemuTarget> readQemuTarget(const QemuSession &S) {
  std::string Exe = S.exeName();
  StringRef Binary = Exe;
  bool Named = Binary.consume_front("qemu-system-") && !Binary.empty();
  auto Open = [&](const TargetEntry &T, StringRef Name) {
    return T.Read ? T.Read(S, Name) : unreadTarget(Name);
  };
  // By the vCPU type of the debug info, the binary's name telling the 32-
  // from the 64-bit target.
  for (const TargetEntry &T : Targets)
    if (S.target().FindFirstType(T.CpuType).IsValid())
      return Open(T,
                  Named && is_contained(T.Names, Binary) ? Binary : T.Names[0]);
  // Else by the name alone: the reader says what it lacks.
  for (const TargetEntry &T : Targets)
    if (Named && is_contained(T.Names, Binary))
      return Open(T, Binary);
  return unreadTarget(Named ? Binary : "",
                      "this QEMU's debug info has no vCPU type qemudump "
                      "reads (X86CPU, ARMCPU, PowerPCCPU, S390CPU, RISCVCPU), "
                      "so its vCPUs were not read");
}

} // namespace qemudump
