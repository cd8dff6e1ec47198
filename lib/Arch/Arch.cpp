//===- Arch.cpp - Guest architectures a vmcore can be written for ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/Arch.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

static const Arch Arches[] = {
    {"aarch64-le", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_AARCH64, 0x1000},
    {"aarch64-be", ELF::ELFCLASS64, ELF::ELFDATA2MSB, ELF::EM_AARCH64, 0x1000},
    {"X86_64", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_X86_64, 0x1000},
    {"386", ELF::ELFCLASS32, ELF::ELFDATA2LSB, ELF::EM_386, 0x1000},
    {"s390", ELF::ELFCLASS64, ELF::ELFDATA2MSB, ELF::EM_S390, 0x1000},
    {"ppc64-le", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_PPC64, 0x1000},
    {"ppc64-be", ELF::ELFCLASS64, ELF::ELFDATA2MSB, ELF::EM_PPC64, 0x1000},
    {"riscv64", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_RISCV, 0x1000},
    {"riscv32", ELF::ELFCLASS32, ELF::ELFDATA2LSB, ELF::EM_RISCV, 0x1000},
    {"loongarch64", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_LOONGARCH,
     0x1000},
    {"arm", ELF::ELFCLASS32, ELF::ELFDATA2LSB, ELF::EM_ARM, 0x1000},
};

bool Arch::is64Bit() const { return ElfClass == ELF::ELFCLASS64; }
bool Arch::isLittleEndian() const { return ElfData == ELF::ELFDATA2LSB; }

ArrayRef<uint32_t> Arch::pageSizes() const {
  static const uint32_t Arm64[] = {0x1000, 0x4000, 0x10000};
  static const uint32_t Ppc64[] = {0x1000, 0x10000};
  switch (Machine) {
  case ELF::EM_AARCH64:
  case ELF::EM_LOONGARCH:
    return Arm64;
  case ELF::EM_PPC64:
    return Ppc64;
  default:
    return ArrayRef<uint32_t>(PageSize);
  }
}

ArrayRef<Arch> allArches() { return Arches; }

std::string archNameList() {
  std::string List;
  for (const Arch &A : Arches) {
    if (!List.empty())
      List += ", ";
    List += A.Name;
  }
  return List;
}

Expected<const Arch &> parseArch(StringRef Name) {
  for (const Arch &A : Arches)
    if (A.Name.equals_insensitive(Name))
      return A;
  return createStringError(
      inconvertibleErrorCode(),
      formatv("unknown guest architecture '{0}'; valid names (any case): {1}",
              Name, archNameList())
          .str());
}

} // namespace qemudump
