//===- BuildId.h - The GNU build-id of an ELF image in memory ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Finds the NT_GNU_BUILD_ID note of an ELF executable as it is mapped in a
// process, from its ELF header: so that a core can be checked against the
// binary a debugger loaded for it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_INPUT_BUILDID_H
#define QEMUDUMP_INPUT_BUILDID_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

using ReadMemoryFn = llvm::function_ref<llvm::Error(
    uint64_t Addr, llvm::MutableArrayRef<uint8_t>)>;

/// The build-id of the ELF image whose header is mapped at \p HeaderAddr,
/// read through \p Read; none when the image has no build-id note. Fails when
/// the memory cannot be read or is not an ELF image.
llvm::Expected<std::optional<std::vector<uint8_t>>>
readBuildId(ReadMemoryFn Read, uint64_t HeaderAddr);

/// An image a core records with its build-id: a mapping of an ELF file's
/// start (the build-id read from the core's memory), or a minidump's module.
struct RecordedImage {
  std::string Path;
  std::vector<uint8_t> BuildId;
};

/// Fails when one of \p Images is named like the executable (its file name
/// is \p ExeName) and has a build-id of the same size as \p Want (the
/// executable's, lower-case hex) but another value: the core was written by
/// another build, whose structures the debug info does not describe. Passes
/// on the first match, and when no image can tell. \p CoreKind names the
/// core in the message ("core", "minidump").
llvm::Error checkImagesMatchExecutable(llvm::ArrayRef<RecordedImage> Images,
                                       llvm::StringRef ExeName,
                                       llvm::StringRef Want,
                                       llvm::StringRef CoreKind);

} // namespace qemudump

#endif // QEMUDUMP_INPUT_BUILDID_H
