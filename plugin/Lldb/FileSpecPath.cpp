//===- FileSpecPath.cpp - An SBFileSpec's path as a string ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Lldb/FileSpecPath.h"

#include <climits>

namespace qemudump {

std::optional<std::string> fileSpecPath(const lldb::SBFileSpec &Spec) {
  if (!Spec.IsValid() || !Spec.GetFilename())
    return std::nullopt;
  char Path[PATH_MAX];
  uint32_t N = Spec.GetPath(Path, sizeof(Path));
  if (N == 0 || N >= sizeof(Path))
    return std::nullopt;
  return std::string(Path, N);
}

} // namespace qemudump
