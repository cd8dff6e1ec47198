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

namespace {

/// "X86_64 or 386".
std::string names(ArrayRef<const Arch *> Arches) {
  return join(map_range(Arches, [](const Arch *A) { return A->Name.str(); }),
              " or ");
}

} // namespace

Expected<ArchChoice> checkRequestedArch(const Arch &Requested,
                                        StringRef Target) {
  SmallVector<const Arch *, 3> Fits = archesOfTarget(Target);
  if (!Fits.empty() && !is_contained(Fits, &Requested))
    return createStringError(
        inconvertibleErrorCode(),
        formatv("ARCH {0} does not match this QEMU, whose target is {1}: use "
                "{2}, or leave ARCH out",
                Requested.Name, Target, names(Fits))
            .str());
  return ArchChoice{&Requested, ""};
}

Expected<ArchChoice> inferFromTargetName(StringRef Target, StringRef Why) {
  SmallVector<const Arch *, 3> Fits = archesOfTarget(Target);
  if (Fits.empty())
    return createStringError(
        inconvertibleErrorCode(),
        formatv("cannot infer ARCH for this program: neither its vCPU type "
                "nor its name (qemu-system-TARGET) is of a target qemudump "
                "knows{0}; give ARCH, one of {1}",
                Target.empty() ? "" : " (it is qemu-system-" + Target + ")",
                archNameList())
            .str());
  std::string Origin =
      formatv("inferred from qemu-system-{0}{1}", Target,
              Fits.size() > 1 ? "; little-endian assumed, give ARCH otherwise"
                              : "")
          .str();
  if (!Why.empty())
    Origin += " (" + Why.str() + ")";
  return ArchChoice{Fits.front(), Origin};
}

Error cannotInferArch(StringRef Target, const Twine &Why) {
  return createStringError(inconvertibleErrorCode(),
                           formatv("cannot infer ARCH: {0}; give ARCH ({1})",
                                   Why.str(), names(archesOfTarget(Target)))
                               .str());
}

ElfClassChoice vmcoreElfClass(const Arch &A, uint64_t RamEnd) {
  if (A.Elf64AboveFourGiB && RamEnd > (1ULL << 32))
    return {ELF::ELFCLASS64, "ELF64: guest RAM above 4 GiB"};
  return {A.ElfClass, ""};
}

} // namespace qemudump
