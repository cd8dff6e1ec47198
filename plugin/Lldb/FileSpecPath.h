//===- FileSpecPath.h - An SBFileSpec's path as a string --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// SBFileSpec::GetPath fills a caller's buffer and returns the length the
// whole path needs: a path that does not fit is truncated, and a spec with
// no file name yields the directory alone. Both are refused here, once.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_LLDB_FILESPECPATH_H
#define QEMUDUMP_PLUGIN_LLDB_FILESPECPATH_H

#include "lldb/API/SBFileSpec.h"

#include <optional>
#include <string>

namespace qemudump {

/// The full path \p Spec names; none when it is invalid, names no file, or
/// its path is longer than PATH_MAX.
std::optional<std::string> fileSpecPath(const lldb::SBFileSpec &Spec);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_LLDB_FILESPECPATH_H
