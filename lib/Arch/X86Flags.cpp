//===- X86Flags.cpp - EFLAGS of a TCG x86 vCPU from its lazy state --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// An independent implementation of the semantics of QEMU's
// target/i386/tcg/cc_helper.c (helper_cc_compute_all) and cc_helper_template.h
// (7.2) / cc_helper_template.h.inc (10.0), and of cpu_compute_eflags() in
// target/i386/cpu.h, for a 64-bit target on a 64-bit host.
//
//===----------------------------------------------------------------------===//

#include "qemudump/Arch/X86Flags.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FormatVariadic.h"

#include <optional>

using namespace llvm;

namespace qemudump {

namespace {

enum class Family {
  Eflags, // CC_SRC = the flags.
  Mul,    // CC_DST = res, C = O = (CC_SRC != 0).
  Add,    // CC_DST = res, CC_SRC = src1.
  Adc,    // CC_DST = res, CC_SRC = src1, CC_SRC2 = carry in.
  Sub,    // CC_DST = res, CC_SRC = src2.
  Sbb,    // CC_DST = res, CC_SRC = src2, CC_SRC2 = borrow in.
  Logic,  // CC_DST = res.
  Inc,    // CC_DST = res, CC_SRC = C.
  Dec,    // CC_DST = res, CC_SRC = C.
  Shl,    // CC_DST = res, CC_SRC.msb = C.
  Sar,    // CC_DST = res, CC_SRC.lsb = C.
  Bmilg,  // Z, S via CC_DST, C = (CC_SRC == 0).
  Blsi,   // Z, S via CC_DST, C = (CC_SRC != 0). 10.0 only.
  Adcx,   // CC_DST = C, CC_SRC = the rest.
  Adox,   // CC_SRC2 = O, CC_SRC = the rest.
  Adcox,  // CC_DST = C, CC_SRC2 = O, CC_SRC = the rest.
  Clr,    // Z and P set, the rest clear. 7.2 only.
  Popcnt, // Z iff CC_SRC (7.2) / CC_DST (10.0) is 0, the rest clear.
  Zero,   // In the enum but not in helper_cc_compute_all: its default, 0.
};

struct CcOp {
  Family F;
  unsigned Bits; // Operand size for the sized families, else 64.
};

/// The operation of CCOp enumerator \p Name under \p Scheme; none when the
/// scheme does not have it.
std::optional<CcOp> parseCcOp(X86FlagsScheme Scheme, StringRef Name) {
  const bool V10 = Scheme == X86FlagsScheme::Qemu10_0;
  if (!Name.consume_front("CC_OP_"))
    return std::nullopt;

  if (Name == "EFLAGS")
    return CcOp{Family::Eflags, 64};
  if (Name == "ADCX")
    return CcOp{Family::Adcx, 64};
  if (Name == "ADOX")
    return CcOp{Family::Adox, 64};
  if (Name == "ADCOX")
    return CcOp{Family::Adcox, 64};
  if (Name == "POPCNT")
    return CcOp{Family::Popcnt, 64};
  if (Name == "CLR" && !V10)
    return CcOp{Family::Clr, 64};
  // A vCPU that never ran TCG code can hold CC_OP_DYNAMIC (7.2's reset leaves
  // cc_op 0, which is CC_OP_DYNAMIC there): helper_cc_compute_all has no case
  // for it and answers 0, so QEMU's own cpu_compute_eflags adds no flags.
  if (Name == "DYNAMIC")
    return CcOp{Family::Zero, 64};

  // The rest have an operand-size suffix.
  if (Name.size() < 2)
    return std::nullopt;
  // 10.0's POPCNT{B,W,L,Q}__: CC_OP_POPCNT is CC_OP_POPCNTQ__ on a 64-bit
  // target, and the other three have no case in helper_cc_compute_all.
  if (V10 && Name.consume_back("__")) {
    if (Name == "POPCNTQ")
      return CcOp{Family::Popcnt, 64};
    if (Name == "POPCNTB" || Name == "POPCNTW" || Name == "POPCNTL")
      return CcOp{Family::Zero, 64};
    return std::nullopt;
  }
  unsigned Bits = StringSwitch<unsigned>(Name.take_back())
                      .Case("B", 8)
                      .Case("W", 16)
                      .Case("L", 32)
                      .Case("Q", 64)
                      .Default(0);
  if (Bits == 0)
    return std::nullopt;
  std::optional<Family> F =
      StringSwitch<std::optional<Family>>(Name.drop_back())
          .Case("MUL", Family::Mul)
          .Case("ADD", Family::Add)
          .Case("ADC", Family::Adc)
          .Case("SUB", Family::Sub)
          .Case("SBB", Family::Sbb)
          .Case("LOGIC", Family::Logic)
          .Case("INC", Family::Inc)
          .Case("DEC", Family::Dec)
          .Case("SHL", Family::Shl)
          .Case("SAR", Family::Sar)
          .Case("BMILG", Family::Bmilg)
          .Case("BLSI", Family::Blsi)
          .Default(std::nullopt);
  if (!F || (*F == Family::Blsi && !V10))
    return std::nullopt;
  return CcOp{*F, Bits};
}

/// Operand-size arithmetic: values truncated to Bits, as the template's
/// DATA_TYPE does.
struct Sized {
  unsigned Bits;
  uint64_t Mask, Sign;

  explicit Sized(unsigned Bits)
      : Bits(Bits), Mask(Bits == 64 ? ~uint64_t(0) : (uint64_t(1) << Bits) - 1),
        Sign(uint64_t(1) << (Bits - 1)) {}

  uint64_t operator()(uint64_t V) const { return V & Mask; }
  /// PF: even parity of the low byte.
  static uint32_t pf(uint64_t Res) {
    return (popcount(uint8_t(Res)) & 1) ? 0 : X86_CC_P;
  }
  static uint32_t zf(uint64_t Res) { return Res == 0 ? X86_CC_Z : 0; }
  uint32_t sf(uint64_t Res) const { return (Res & Sign) ? X86_CC_S : 0; }
  /// OF from the sign bit of an overflow expression.
  uint32_t of(uint64_t Expr) const { return (Expr & Sign) ? X86_CC_O : 0; }
  static uint32_t af(uint64_t A, uint64_t B, uint64_t C) {
    return (A ^ B ^ C) & X86_CC_A;
  }
};

uint32_t computeSized(Family F, unsigned Bits, X86FlagsScheme Scheme,
                      const X86CcState &S) {
  Sized T(Bits);
  const bool V10 = Scheme == X86FlagsScheme::Qemu10_0;
  const uint64_t Dst = T(S.CcDst);
  const uint64_t Res = Dst;
  uint32_t CF = 0, AF = 0, OF = 0;
  uint32_t PF = Sized::pf(Res), ZF = Sized::zf(Res), SF = T.sf(Res);

  switch (F) {
  case Family::Mul:
    // CC_SRC is not truncated to the operand size here.
    CF = S.CcSrc != 0;
    AF = 0;
    OF = CF ? X86_CC_O : 0;
    break;
  case Family::Add: {
    uint64_t Src1 = T(S.CcSrc), Src2 = T(Dst - Src1);
    CF = Dst < Src1;
    AF = Sized::af(Dst, Src1, Src2);
    OF = T.of(~(Src1 ^ Src2) & (Src1 ^ Dst));
    break;
  }
  case Family::Adc: {
    uint64_t Src1 = T(S.CcSrc), Src3 = T(S.CcSrc2);
    uint64_t Src2 = T(Dst - Src1 - Src3);
    if (V10 && Bits < 64) // 10.0: compare in a wider type.
      CF = Dst < Src1 + Src3;
    else
      CF = Src3 ? Dst <= Src1 : Dst < Src1;
    AF = Sized::af(Dst, Src1, Src2);
    OF = T.of(~(Src1 ^ Src2) & (Src1 ^ Dst));
    break;
  }
  case Family::Sub: {
    uint64_t Src2 = T(S.CcSrc), Src1 = T(Dst + Src2);
    CF = Src1 < Src2;
    AF = Sized::af(Dst, Src1, Src2);
    OF = T.of((Src1 ^ Src2) & (Src1 ^ Dst));
    break;
  }
  case Family::Sbb: {
    uint64_t Src2 = T(S.CcSrc), Src3 = T(S.CcSrc2);
    uint64_t Src1 = T(Dst + Src2 + Src3);
    if (V10 && Bits < 64) // 10.0: compare in a wider type.
      CF = Src1 < Src2 + Src3;
    else
      CF = Src3 ? Src1 <= Src2 : Src1 < Src2;
    AF = Sized::af(Dst, Src1, Src2);
    OF = T.of((Src1 ^ Src2) & (Src1 ^ Dst));
    break;
  }
  case Family::Logic:
    break;
  case Family::Inc:
  case Family::Dec: {
    bool Inc = F == Family::Inc;
    // CF is CC_SRC itself (0 or 1 in practice), kept in a 32-bit int.
    CF = uint32_t(T(S.CcSrc));
    AF = Sized::af(Dst, T(Inc ? Dst - 1 : Dst + 1), 1);
    OF = Dst == (Inc ? T.Sign : T.Sign - 1) ? X86_CC_O : 0;
    // 7.2 ORs the parts together, 10.0 adds them: the same for CF in {0, 1}.
    uint32_t Rest = PF | AF | ZF | SF | OF;
    return V10 ? CF + Rest : CF | Rest;
  }
  case Family::Shl:
    CF = (T(S.CcSrc) >> (Bits - 1)) & X86_CC_C;
    OF = T.of(S.CcSrc ^ S.CcDst);
    break;
  case Family::Sar:
    CF = S.CcSrc & X86_CC_C;
    OF = T.of(S.CcSrc ^ S.CcDst);
    break;
  case Family::Bmilg:
  case Family::Blsi:
    CF = F == Family::Bmilg ? T(S.CcSrc) == 0 : T(S.CcSrc) != 0;
    PF = 0; // Undefined, and QEMU leaves it clear.
    break;
  default:
    llvm_unreachable("not a sized cc_op family");
  }
  return CF | PF | AF | ZF | SF | OF;
}

} // namespace

std::optional<X86FlagsScheme> x86FlagsScheme(ArrayRef<StringRef> Names) {
  bool HasClr = is_contained(Names, "CC_OP_CLR");
  bool HasPopcntQ = is_contained(Names, "CC_OP_POPCNTQ__");
  if (HasClr && !HasPopcntQ)
    return X86FlagsScheme::Qemu7_2;
  if (!HasClr && HasPopcntQ)
    return X86FlagsScheme::Qemu10_0;
  return std::nullopt;
}

struct X86CcOps::Op {
  uint64_t Value = 0;
  std::string Name;
  std::optional<CcOp> Meaning; ///< None: the scheme does not know Name.
};

X86CcOps::X86CcOps(X86FlagsScheme Scheme,
                   ArrayRef<std::pair<std::string, uint64_t>> Enumerators)
    : Scheme(Scheme) {
  for (const auto &[Name, Value] : Enumerators)
    Ops.push_back({Value, Name, parseCcOp(Scheme, Name)});
  // Stable: of enumerators of one value, the first (as the binary's DWARF
  // lists them) is the one looked up.
  llvm::stable_sort(Ops,
                    [](const Op &A, const Op &B) { return A.Value < B.Value; });
}

X86CcOps::~X86CcOps() = default;
X86CcOps::X86CcOps(X86CcOps &&) = default;
X86CcOps &X86CcOps::operator=(X86CcOps &&) = default;

Expected<uint64_t> X86CcOps::ccFlags(const X86CcState &S) const {
  auto It =
      llvm::partition_point(Ops, [&](const Op &O) { return O.Value < S.CcOp; });
  if (It == Ops.end() || It->Value != S.CcOp)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("cc_op {0} is not a value of this QEMU's CCOp", S.CcOp).str());
  if (!It->Meaning)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("cc_op {0} ({1}): unknown cc_op '{1}' for QEMU {2}", S.CcOp,
                It->Name, Scheme == X86FlagsScheme::Qemu7_2 ? "7.2" : "10.0")
            .str());
  const CcOp &Op = *It->Meaning;
  // helper_cc_compute_all returns a target_ulong; cpu_cc_compute_all narrows
  // it to uint32_t.
  switch (Op.F) {
  case Family::Eflags:
    return uint32_t(S.CcSrc);
  case Family::Adcx:
    return uint32_t((S.CcSrc & ~uint64_t(X86_CC_C)) | (S.CcDst * X86_CC_C));
  case Family::Adox:
    return uint32_t((S.CcSrc & ~uint64_t(X86_CC_O)) | (S.CcSrc2 * X86_CC_O));
  case Family::Adcox:
    return uint32_t((S.CcSrc & ~uint64_t(X86_CC_C | X86_CC_O)) |
                    (S.CcDst * X86_CC_C) | (S.CcSrc2 * X86_CC_O));
  case Family::Clr:
    return X86_CC_Z | X86_CC_P;
  case Family::Popcnt:
    return (Scheme == X86FlagsScheme::Qemu10_0 ? S.CcDst : S.CcSrc) ? 0
                                                                    : X86_CC_Z;
  case Family::Zero:
    return 0;
  default:
    return computeSized(Op.F, Op.Bits, Scheme, S);
  }
}

Expected<uint64_t> X86CcOps::eflags(const X86CcState &S) const {
  Expected<uint64_t> Cc = ccFlags(S);
  if (!Cc)
    return Cc.takeError();
  uint32_t Df = uint32_t(int32_t(S.Df)) & X86_DF_MASK;
  return uint32_t(S.Eflags) | uint32_t(*Cc) | Df;
}

} // namespace qemudump
