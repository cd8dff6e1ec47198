//===- X86Flags.h - EFLAGS of a TCG x86 vCPU --------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// While an x86 vCPU runs under TCG, QEMU keeps the arithmetic flags out of
// env->eflags: they live lazily in cc_op/cc_dst/cc_src/cc_src2, and DF in
// env->df. This recomputes them as QEMU's cpu_compute_eflags() does, for
// QEMU 7.2 and 10.0 with a 64-bit target (x86_64-softmmu) on a 64-bit host.
//
// The enumerator values of CCOp differ between versions (env->cc_op is a
// uint32_t), so each binary's enumerators are resolved by name, once
// (X86CcOps); semantics under the same name also differ (CC_OP_POPCNT tests
// CC_SRC in 7.2 and CC_DST in 10.0): X86FlagsScheme.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_X86FLAGS_H
#define QEMUDUMP_ARCH_X86FLAGS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qemudump {

/// EFLAGS bits involved.
inline constexpr uint32_t X86_CC_C = 0x0001;
inline constexpr uint32_t X86_CC_P = 0x0004;
inline constexpr uint32_t X86_CC_A = 0x0010;
inline constexpr uint32_t X86_CC_Z = 0x0040;
inline constexpr uint32_t X86_CC_S = 0x0080;
inline constexpr uint32_t X86_DF_MASK = 0x0400;
inline constexpr uint32_t X86_CC_O = 0x0800;

/// Which semantics a QEMU's lazy flags have, told by its CCOp enumerators
/// (x86FlagsScheme): QEMU 7.2's (CC_OP_CLR; CC_OP_POPCNT tests CC_SRC) or
/// 10.0's, which 10.2 keeps (the sized CC_OP_POPCNT*__; POPCNT tests CC_DST).
enum class X86FlagsScheme { Qemu7_2, Qemu10_0 };

/// The scheme of a binary whose CCOp has the enumerators \p Names; none for
/// a set qemudump does not know (its semantics are unchecked).
std::optional<X86FlagsScheme>
x86FlagsScheme(llvm::ArrayRef<llvm::StringRef> Names);

/// The lazy-flags part of a CPUX86State.
struct X86CcState {
  uint64_t CcOp = 0; ///< env->cc_op: a value of the binary's CCOp.
  /// env->cc_dst, cc_src, cc_src2 (target_ulong, 64-bit target).
  uint64_t CcDst = 0, CcSrc = 0, CcSrc2 = 0;
  /// env->eflags.
  uint64_t Eflags = 0;
  /// env->df: 1, or -1 when DF is set.
  int64_t Df = 1;
};

/// One binary's CCOp, each enumerator's operation resolved once from its
/// name (the values differ between versions), for every vCPU's flags.
class X86CcOps {
public:
  /// \p Enumerators: the CCOp enumerators (name, value) of a binary of
  /// scheme \p Scheme. A name the scheme does not have is kept, and is an
  /// error only for a vCPU whose cc_op it is.
  X86CcOps(X86FlagsScheme Scheme,
           llvm::ArrayRef<std::pair<std::string, uint64_t>> Enumerators);
  ~X86CcOps();
  X86CcOps(X86CcOps &&);
  X86CcOps &operator=(X86CcOps &&);

  X86FlagsScheme scheme() const { return Scheme; }

  /// The flags QEMU's cpu_cc_compute_all() returns for \p S: its
  /// helper_cc_compute_all(CC_DST, CC_SRC, CC_SRC2, CC_OP) as a uint32_t.
  /// An error for a cc_op no enumerator has, one this scheme does not know,
  /// or one that never appears in env (CC_OP_NB). CC_OP_DYNAMIC, which a
  /// vCPU that never ran can hold, adds no flags, as in QEMU.
  llvm::Expected<uint64_t> ccFlags(const X86CcState &S) const;

  /// QEMU's cpu_compute_eflags() for a TCG vCPU:
  /// (uint32_t)(env->eflags | cc flags | (env->df & DF_MASK)).
  llvm::Expected<uint64_t> eflags(const X86CcState &S) const;

private:
  struct Op;
  X86FlagsScheme Scheme;
  std::vector<Op> Ops; ///< By value.
};

} // namespace qemudump

#endif
