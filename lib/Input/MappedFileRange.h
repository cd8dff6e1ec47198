//===- MappedFileRange.h - A file's bytes looked at in place ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Looking at a range of a file through a read-only mapping instead of
// reading it into a buffer: nothing is copied, and of a file on a file
// system with large folios (XFS) the page cache is mapped a folio at a time.
// A mapping has one danger that read(2) has not: touching a page the kernel
// cannot fill (the file was cut short while it was mapped, its disk failed a
// read) raises SIGBUS, which would kill LLDB and leave the user with
// nothing. So the bytes are looked at under LLVM's CrashRecoveryContext: a
// fault ends the look, not the process, and the caller reads the range
// with read(2), which says which byte fails and why (or reads it, if the
// fault was passing).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_INPUT_MAPPEDFILERANGE_H
#define QEMUDUMP_INPUT_MAPPEDFILERANGE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>

namespace qemudump {

/// Hands \p Look the bytes of [Offset, Offset + Length) of the file open as
/// \p FD, mapped read-only, and returns true when it ran to its end. False
/// when the range could not be mapped, or touching it faulted: \p Look was
/// then stopped at the touch that faulted. So no touch of the bytes may come
/// while \p Look holds something that needs releasing (a lock, an
/// allocation under way); between touches it may do what it likes. What it
/// kept before the fault stays kept, and the caller looks at the range
/// again (by read(2)): keeping the same thing twice must do no harm.
/// Threads may look at once.
bool lookAtMapped(int FD, uint64_t Offset, uint64_t Length,
                  llvm::function_ref<void(llvm::ArrayRef<uint8_t>)> Look);

} // namespace qemudump

#endif // QEMUDUMP_INPUT_MAPPEDFILERANGE_H
