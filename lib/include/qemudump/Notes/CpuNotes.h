//===- CpuNotes.h - The vCPU notes of a vmcore, as one value ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What each guest arch's note encoding produces and the note segment takes:
// the encoded notes of every vCPU, in QEMU's order, with how many vCPUs they
// describe and which notes each has. Also the one layout every arch's
// NT_PRSTATUS shares, the kernel's struct elf_prstatus: only its pr_reg
// (elf_gregset_t) differs from arch to arch.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_NOTES_CPUNOTES_H
#define QEMUDUMP_NOTES_CPUNOTES_H

#include "qemudump/Notes/DescWriter.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Endian.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qemudump {

struct CpuNotes {
  CpuNotes() = default;
  /// Notes in \p Order, each vCPU having the notes \p Kinds names.
  CpuNotes(llvm::endianness Order, llvm::StringRef Kinds)
      : Order(Order), Kinds(Kinds.str()) {}

  /// Appends one note, named \p Name ("CORE", "LINUX", "QEMU").
  void add(llvm::StringRef Name, uint32_t Type, llvm::ArrayRef<uint8_t> Desc);

  llvm::endianness Order = llvm::endianness::little;
  std::vector<uint8_t> Bytes;
  unsigned Cpus = 0; ///< vCPUs described (each has one NT_PRSTATUS).
  std::string Kinds; ///< "CORE, QEMU": the summary's word for each vCPU's.
};

/// struct elf_prstatus of a Linux kernel of 64-bit (\p Is64Bit) or 32-bit
/// words: pr_pid at 32 (24), pr_reg at 112 (72) holding \p GregsetSize bytes
/// (what \p Regs appends, then zeros), pr_fpvalid, and the padding to the
/// word; every other member zero. \p Pid is the vCPU's cpu_index + 1, as
/// QEMU numbers them.
std::vector<uint8_t>
encodePrstatus(llvm::endianness Order, bool Is64Bit, uint32_t Pid,
               size_t GregsetSize, uint32_t FpValid,
               llvm::function_ref<void(DescWriter &)> Regs);

} // namespace qemudump

#endif // QEMUDUMP_NOTES_CPUNOTES_H
