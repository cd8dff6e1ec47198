//===- ArchChoice.cpp - Which guest architecture a vmcore is for ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/ArchChoice.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

ArrayRef<StringRef> archesOfFamily(StringRef Family) {
  static const StringRef X86[] = {"X86_64", "386"};
  static const StringRef Aarch64[] = {"aarch64-le", "aarch64-be", "arm"};
  static const StringRef Ppc64[] = {"ppc64-le", "ppc64-be"};
  static const StringRef S390[] = {"s390"};
  static const StringRef Riscv64[] = {"riscv64"};
  static const StringRef Riscv32[] = {"riscv32"};
  static const StringRef Loongarch[] = {"loongarch64"};
  static const StringRef Arm[] = {"arm"};
  if (Family == "x86" || Family == "x86_64" || Family == "i386")
    return X86;
  if (Family == "aarch64")
    return Aarch64;
  if (Family == "ppc64")
    return Ppc64;
  if (Family == "s390x")
    return S390;
  if (Family == "riscv64")
    return Riscv64;
  if (Family == "riscv32")
    return Riscv32;
  if (Family == "loongarch64")
    return Loongarch;
  if (Family == "arm")
    return Arm;
  return {};
}

static const Arch *named(StringRef Name) { return &cantFail(parseArch(Name)); }

static Expected<ArchChoice> checkRequested(const Arch &A,
                                           const TargetFacts &Facts) {
  ArrayRef<StringRef> Fits = archesOfFamily(Facts.Family);
  if (!Fits.empty() && !is_contained(Fits, A.Name))
    return createStringError(
        inconvertibleErrorCode(),
        formatv("ARCH {0} does not match this QEMU, whose target is {1}: use "
                "{2}, or leave ARCH out",
                A.Name, Facts.Family, join(Fits.begin(), Fits.end(), " or "))
            .str());
  return ArchChoice{&A, ""};
}

static Expected<ArchChoice> inferX86(const TargetFacts &Facts) {
  if (!Facts.X86LongMode)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("cannot infer ARCH: {0}; give ARCH (X86_64 or 386)",
                Facts.X86Problem)
            .str());
  if (*Facts.X86LongMode)
    return ArchChoice{named("X86_64"), "inferred: vCPU 0 is in long mode"};
  return ArchChoice{named("386"), "inferred: vCPU 0 is not in long mode"};
}

static ArchChoice inferFromFamily(const TargetFacts &Facts,
                                  ArrayRef<StringRef> Fits) {
  if (Facts.Family == "aarch64" || Facts.Family == "arm") {
    // As QEMU's dump: ELF32 for a CPU without AArch64 (qemudump's arm is
    // little-endian only).
    if (Facts.ArmAarch64 && !*Facts.ArmAarch64)
      return ArchChoice{named("arm"),
                        "inferred: vCPU 0 has no AArch64 (a 32-bit CPU)"};
  }
  if (Facts.Family == "aarch64") {
    // As QEMU's dump: the endianness of EL1, from vCPU 0's SCTLR_EL1.EE.
    if (Facts.Aarch64BigEndian)
      return *Facts.Aarch64BigEndian
                 ? ArchChoice{named("aarch64-be"),
                              "inferred: vCPU 0's SCTLR_EL1.EE is set"}
                 : ArchChoice{named("aarch64-le"),
                              "inferred: vCPU 0's SCTLR_EL1.EE is clear"};
  }
  if (Facts.Family == "ppc64" && Facts.PpcLittleEndian)
    return *Facts.PpcLittleEndian
               ? ArchChoice{named("ppc64-le"),
                            "inferred: vCPU 0's interrupts are little-endian"}
               : ArchChoice{named("ppc64-be"),
                            "inferred: vCPU 0's interrupts are big-endian"};
  if (Facts.RiscvBigEndian)
    return ArchChoice{named(Fits.front()),
                      formatv("inferred: qemu-system-{0}, vCPU 0's "
                              "mstatus.UBE is clear",
                              Facts.Family)
                          .str()};
  std::string Origin =
      formatv("inferred from qemu-system-{0}{1}", Facts.Family,
              Fits.size() > 1 ? "; little-endian assumed, give ARCH otherwise"
                              : "")
          .str();
  if (Facts.Family == "aarch64")
    Origin += " (" + Facts.Aarch64Problem + ")";
  if (Facts.Family == "ppc64" && !Facts.PpcProblem.empty())
    Origin += " (" + Facts.PpcProblem + ")";
  return ArchChoice{named(Fits.front()), Origin};
}

Expected<ArchChoice> resolveArch(const Arch *Requested,
                                 const TargetFacts &Facts) {
  if (Requested)
    return checkRequested(*Requested, Facts);
  if (Facts.Family == "x86")
    return inferX86(Facts);
  if (Facts.RiscvBigEndian.value_or(false))
    return createStringError(
        inconvertibleErrorCode(),
        "cannot infer ARCH: vCPU 0's mstatus.UBE is set, so QEMU's own dump "
        "of this guest is big-endian, which qemudump does not write; give "
        "ARCH " +
            Facts.Family + " for a little-endian vmcore");
  ArrayRef<StringRef> Fits = archesOfFamily(Facts.Family);
  if (!Fits.empty())
    return inferFromFamily(Facts, Fits);
  return createStringError(
      inconvertibleErrorCode(),
      formatv("cannot infer ARCH for this program: neither its vCPU type nor "
              "its name (qemu-system-TARGET) is of a target qemudump knows{0}; "
              "give ARCH, one of {1}",
              Facts.Family.empty()
                  ? ""
                  : " (it is qemu-system-" + Facts.Family + ")",
              archNameList())
          .str());
}

ElfClassChoice vmcoreElfClass(const Arch &A, uint64_t RamEnd) {
  if (A.Machine == ELF::EM_386 && RamEnd > (1ULL << 32))
    return {ELF::ELFCLASS64, "ELF64: guest RAM above 4 GiB"};
  return {A.ElfClass, ""};
}

} // namespace qemudump
