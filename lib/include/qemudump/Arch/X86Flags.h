//===- X86Flags.h - EFLAGS of a TCG x86 vCPU --------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// While an x86 vCPU runs under TCG, QEMU keeps the arithmetic flags out of
// env->eflags: they live lazily in cc_op/cc_dst/cc_src/cc_src2, and DF in
// env->df. This recomputes them as QEMU's cpu_compute_eflags() does, for
// QEMU 7.2 and 10.0 with a 64-bit target (x86_64-softmmu) on a 64-bit host.
//
// The cc_op is given by its CCOp enumerator name, as the QEMU binary's debug
// info spells it, because the enumerator values differ between versions
// (env->cc_op itself is a uint32_t; map its value through the CCOp enum).
// Semantics under the same name also differ (CC_OP_POPCNT tests CC_SRC in 7.2
// and CC_DST in 10.0), hence QemuMajor.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_X86FLAGS_H
#define QEMUDUMP_X86FLAGS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace qemudump {

/// EFLAGS bits involved.
inline constexpr uint32_t X86_CC_C = 0x0001;
inline constexpr uint32_t X86_CC_P = 0x0004;
inline constexpr uint32_t X86_CC_A = 0x0010;
inline constexpr uint32_t X86_CC_Z = 0x0040;
inline constexpr uint32_t X86_CC_S = 0x0080;
inline constexpr uint32_t X86_DF_MASK = 0x0400;
inline constexpr uint32_t X86_CC_O = 0x0800;

/// The lazy-flags part of a CPUX86State.
struct X86CcState {
  /// QEMU's major version: 7 (7.2 semantics) or 10 (10.0 semantics). Any
  /// other value is an error: the semantics of other versions are unchecked.
  int QemuMajor = 0;
  /// The CCOp enumerator name, e.g. "CC_OP_ADDL", "CC_OP_EFLAGS",
  /// "CC_OP_POPCNT", "CC_OP_POPCNTQ__", "CC_OP_CLR".
  llvm::StringRef CcOp;
  /// env->cc_dst, cc_src, cc_src2 (target_ulong, 64-bit target).
  uint64_t CcDst = 0, CcSrc = 0, CcSrc2 = 0;
  /// env->eflags.
  uint64_t Eflags = 0;
  /// env->df: 1, or -1 when DF is set.
  int64_t Df = 1;
};

/// The flags QEMU's cpu_cc_compute_all() returns for \p S: its
/// helper_cc_compute_all(CC_DST, CC_SRC, CC_SRC2, CC_OP) as a uint32_t.
/// An error for an unsupported QemuMajor, or for a cc_op name that version
/// does not have or that never appears in env (CC_OP_NB). CC_OP_DYNAMIC,
/// which a vCPU that never ran can hold, adds no flags, as in QEMU.
llvm::Expected<uint64_t> x86ComputeCcFlags(const X86CcState &S);

/// QEMU's cpu_compute_eflags() for a TCG vCPU:
/// (uint32_t)(env->eflags | cc flags | (env->df & DF_MASK)).
llvm::Expected<uint64_t> x86ComputeEflags(const X86CcState &S);

} // namespace qemudump

#endif
