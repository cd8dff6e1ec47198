//===- BuildId.h - The GNU build-id of an ELF image in memory ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Finds the NT_GNU_BUILD_ID note of an ELF executable as it is mapped in a
// process, from its ELF header: so that a core can be checked against the
// binary a debugger loaded for it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_BUILDID_H
#define QEMUDUMP_BUILDID_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qemudump {

using ReadMemoryFn = llvm::function_ref<llvm::Error(
    uint64_t Addr, llvm::MutableArrayRef<uint8_t>)>;

/// The build-id of the ELF image whose header is mapped at \p HeaderAddr,
/// read through \p Read; none when the image has no build-id note. Fails when
/// the memory cannot be read or is not an ELF image.
llvm::Expected<std::optional<std::vector<uint8_t>>>
readBuildId(ReadMemoryFn Read, uint64_t HeaderAddr);

} // namespace qemudump

#endif // QEMUDUMP_BUILDID_H
