//===- VmcoreWriter.cpp - One vmcore format: lay out, then write ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Vmcore/VmcoreWriter.h"

#include <algorithm>
#include <thread>

namespace qemudump {

VmcoreWriter::~VmcoreWriter() = default;

unsigned defaultKdumpThreads() {
  unsigned N = std::thread::hardware_concurrency();
  return std::clamp(N, 1u, 2u);
}

} // namespace qemudump
