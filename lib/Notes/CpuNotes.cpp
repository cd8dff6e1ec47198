//===- CpuNotes.cpp - The vCPU notes of a vmcore, as one value ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/CpuNotes.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/Support/MathExtras.h"

#include <cassert>

using namespace llvm;

namespace qemudump {

void CpuNotes::add(StringRef Name, uint32_t Type, ArrayRef<uint8_t> Desc) {
  appendNote(Bytes, Order == endianness::little, Name, Type, Desc);
}

std::vector<uint8_t> encodePrstatus(endianness Order, bool Is64Bit,
                                    uint32_t Pid, size_t GregsetSize,
                                    uint32_t FpValid,
                                    function_ref<void(DescWriter &)> Regs) {
  // pr_info, pr_cursig, pr_sigpend and pr_sighold before pr_pid; pr_ppid,
  // pr_pgrp, pr_sid and four struct timevals between it and pr_reg.
  const size_t PidOffset = Is64Bit ? 32 : 24;
  const size_t RegOffset = Is64Bit ? 112 : 72;
  const size_t Word = Is64Bit ? 8 : 4;
  DescWriter D(Order, PidOffset);
  D.u32(Pid).padTo(RegOffset);
  Regs(D);
  assert(D.size() <= RegOffset + GregsetSize && "pr_reg overran its size");
  D.padTo(RegOffset + GregsetSize).u32(FpValid);
  D.padTo(alignTo(D.size(), Word));
  return D.take();
}

} // namespace qemudump
