//===- Arch.h - Guest architectures, one row each ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The arch table: for each ARCH name the command accepts, everything about
// the guest arch that is not its vCPUs' notes: the vmcore's ELF class, data
// encoding and e_machine, the page sizes its kernels use, the QEMU targets
// that run it, and how its Linux kernel is found (utsname.machine, how a
// kernel address becomes guest-physical, where phys_base comes from, how a
// kdump file's headers are packed).
//
// Each row is defined in its arch's own file (Arch/X86.cpp defines X86_64
// and 386) and listed once in Arch/Arches.def, which orders them as help
// lists them. docs/design.md says how to add one.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_ARCH_H
#define QEMUDUMP_ARCH_ARCH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qemudump {

class VmcoreInfo;

/// How a kdump file's headers are packed for the guest's kernel: 64-bit, or
/// 32-bit with 64-bit members aligned to 4 (i386: kdump_sub_header_32pack)
/// or to 8 (arm, riscv32: kdump_sub_header_32pad).
enum class KdumpHeaderKind { Bits64, Bits32Pack, Bits32Pad };

/// Where a kdump header's phys_base comes from.
enum class PhysBaseSource {
  /// NUMBER(phys_base) of VMCOREINFO (signed decimal), else 0.
  PhysBaseNumber,
  /// arm64's PHYS_OFFSET: NUMBER(PHYS_OFFSET) (hex), else the lowest guest
  /// RAM address, as QEMU's dump guesses it.
  PhysOffset,
};

struct Arch {
  llvm::StringLiteral Name; ///< As the user spells it, e.g. "X86_64".
  uint8_t ElfClass;         ///< llvm::ELF::ELFCLASS32 or ELFCLASS64.
  uint8_t ElfData;          ///< llvm::ELF::ELFDATA2LSB or ELFDATA2MSB.
  uint16_t Machine;         ///< e_machine.
  /// The page sizes the guest's kernel may be built with, the smallest (the
  /// default) first: aarch64 and ppc64 kernels of 64 KiB pages are common.
  llvm::ArrayRef<uint32_t> PageSizes;
  /// The QEMU targets whose guests may be dumped as this arch: NAME of
  /// qemu-system-NAME, or "x86" for both x86 targets (read from the vCPU
  /// type). Of a target's arches, the first in the table is its default.
  llvm::ArrayRef<llvm::StringLiteral> QemuTargets;
  /// utsname.machine of such a kernel, when the guest does not say.
  llvm::StringLiteral UtsMachine;
  KdumpHeaderKind KdumpHeader;
  PhysBaseSource PhysBase;
  /// An ELF vmcore of guest RAM above 4 GiB is ELF64 though the arch is
  /// 32-bit (QEMU widens i386 dumps so).
  bool Elf64AboveFourGiB = false;
  /// The guest-physical address of the kernel virtual address \p Vaddr (of
  /// the kernel image, where its init_uts_ns is), translated as \p Info
  /// says; none when it does not say, or (a null function) the arch's
  /// translation is not known.
  std::optional<uint64_t> (*KernelPhysical)(uint64_t Vaddr,
                                            const VmcoreInfo &Info) = nullptr;

  bool is64Bit() const;
  bool isLittleEndian() const;
  llvm::endianness endianness() const {
    return isLittleEndian() ? llvm::endianness::little : llvm::endianness::big;
  }
  /// The default (smallest) page size.
  uint32_t pageSize() const { return PageSizes.front(); }
  /// Whether the guest \p Target (as QemuTargets spells it) may be dumped as
  /// this arch.
  bool runsOn(llvm::StringRef Target) const;
};

/// Every supported architecture, in the order the help text lists them.
llvm::ArrayRef<const Arch *> allArches();

/// The valid names, comma separated, for help and error messages.
std::string archNameList();

/// Looks \p Name up case-insensitively; the error lists the valid names.
llvm::Expected<const Arch &> parseArch(llvm::StringRef Name);

/// The arches of QEMU target \p Target, its default first; empty for a
/// target qemudump does not know.
llvm::SmallVector<const Arch *, 3> archesOfTarget(llvm::StringRef Target);

} // namespace qemudump

#endif // QEMUDUMP_ARCH_ARCH_H
