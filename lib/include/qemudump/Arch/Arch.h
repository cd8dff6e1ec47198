//===- Arch.h - Guest architectures a vmcore can be written for -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The arch table: for each ARCH name the command accepts, the ELF class, data
// encoding and e_machine of the vmcore, and the guest's page size.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_H
#define QEMUDUMP_ARCH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace qemudump {

struct Arch {
  llvm::StringLiteral Name; ///< As the user spells it, e.g. "X86_64".
  uint8_t ElfClass;         ///< llvm::ELF::ELFCLASS32 or ELFCLASS64.
  uint8_t ElfData;          ///< llvm::ELF::ELFDATA2LSB or ELFDATA2MSB.
  uint16_t Machine;         ///< e_machine.
  uint32_t PageSize;        ///< The guest's (smallest) page size.

  bool is64Bit() const;
  bool isLittleEndian() const;
  /// The page sizes the guest's kernel may be built with, PageSize first
  /// (aarch64 and ppc64 kernels of 64 KiB pages are common).
  llvm::ArrayRef<uint32_t> pageSizes() const;
};

/// Every supported architecture, in the order the help text lists them.
llvm::ArrayRef<Arch> allArches();

/// The valid names, comma separated, for help and error messages.
std::string archNameList();

/// Looks \p Name up case-insensitively; the error lists the valid names.
llvm::Expected<const Arch &> parseArch(llvm::StringRef Name);

} // namespace qemudump

#endif // QEMUDUMP_ARCH_H
