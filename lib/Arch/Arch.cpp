//===- Arch.cpp - Guest architectures, one row each -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Arch.h"

#include "ArchRows.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

static const Arch *const Registry[] = {
#define ARCH(Row) &Row,
#include "Arches.def"
};

bool Arch::is64Bit() const { return ElfClass == ELF::ELFCLASS64; }
bool Arch::isLittleEndian() const { return ElfData == ELF::ELFDATA2LSB; }

bool Arch::runsOn(StringRef Target) const {
  return is_contained(QemuTargets, Target);
}

ArrayRef<const Arch *> allArches() { return Registry; }

std::string archNameList() {
  std::string List;
  for (const Arch *A : Registry) {
    if (!List.empty())
      List += ", ";
    List += A->Name;
  }
  return List;
}

Expected<const Arch &> parseArch(StringRef Name) {
  for (const Arch *A : Registry)
    if (A->Name.equals_insensitive(Name))
      return *A;
  return createStringError(
      inconvertibleErrorCode(),
      formatv("unknown guest architecture '{0}'; valid names (any case): {1}",
              Name, archNameList())
          .str());
}

SmallVector<const Arch *, 3> archesOfTarget(StringRef Target) {
  SmallVector<const Arch *, 3> Fits;
  for (const Arch *A : Registry)
    if (A->runsOn(Target))
      Fits.push_back(A);
  return Fits;
}

} // namespace qemudump
