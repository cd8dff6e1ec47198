// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Arch/X86Flags.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace llvm;
using namespace qemudump;

namespace {

constexpr uint64_t C = X86_CC_C, P = X86_CC_P, A = X86_CC_A, Z = X86_CC_Z,
                   S = X86_CC_S, O = X86_CC_O, D = X86_DF_MASK;

constexpr int Versions[] = {7, 10};

/// A vCPU's lazy state with its cc_op by name, for the QEMU of major
/// version 7 (7.2) or 10 (10.0).
struct NamedState : X86CcState {
  int Major = 0;
  std::string Op;
};

NamedState state(int Major, StringRef Op, uint64_t Dst, uint64_t Src = 0,
                 uint64_t Src2 = 0) {
  NamedState St;
  St.Major = Major;
  St.Op = Op.str();
  St.CcDst = Dst;
  St.CcSrc = Src;
  St.CcSrc2 = Src2;
  return St;
}

/// A binary whose CCOp has the one enumerator St.Op (value 42), St's cc_op.
X86CcOps opsOf(const NamedState &St) {
  return X86CcOps(St.Major == 7 ? X86FlagsScheme::Qemu7_2
                                : X86FlagsScheme::Qemu10_0,
                  {{St.Op, 42}});
}

Expected<uint64_t> x86ComputeCcFlags(NamedState St) {
  St.CcOp = 42;
  return opsOf(St).ccFlags(St);
}

Expected<uint64_t> x86ComputeEflags(NamedState St) {
  St.CcOp = 42;
  return opsOf(St).eflags(St);
}

/// The flags for the state, or ~0 (and a failure) on error.
uint64_t flags(int Major, StringRef Op, uint64_t Dst, uint64_t Src = 0,
               uint64_t Src2 = 0) {
  std::optional<uint64_t> F =
      valueOf(x86ComputeCcFlags(state(Major, Op, Dst, Src, Src2)));
  return F ? *F : ~uint64_t(0);
}

// Cases that hold for both versions. Values worked out from x86 semantics.
TEST(X86FlagsTest, AddSubAdcSbb) {
  for (int V : Versions) {
    SCOPED_TRACE(V);
    // 0xff + 0x01 = 0x00: carry out, carry out of bit 3, zero, even parity.
    EXPECT_EQ(flags(V, "CC_OP_ADDB", 0x00, 0xff), C | Z | A | P);
    // 0x7fffffff + 1: signed overflow.
    EXPECT_EQ(flags(V, "CC_OP_ADDL", 0x80000000, 0x7fffffff), S | O | A | P);
    // 2 + 3 = 5 in 64 bits: even parity (0b101), nothing else.
    EXPECT_EQ(flags(V, "CC_OP_ADDQ", 5, 2), P);
    // 0 - 1 (CC_SRC = the subtrahend); the high 32 bits of CC_DST ignored.
    EXPECT_EQ(flags(V, "CC_OP_SUBL", 0xffffffff, 1), C | S | A | P);
    EXPECT_EQ(flags(V, "CC_OP_SUBL", 0xdeadbeefffffffff, 1), C | S | A | P);
    // 0x80 - 1 = 0x7f: signed overflow, borrow into bit 3, odd parity.
    EXPECT_EQ(flags(V, "CC_OP_SUBB", 0x7f, 1), O | A);
    // 5 - 5 in 16 bits.
    EXPECT_EQ(flags(V, "CC_OP_SUBW", 0, 5), Z | P);
    // 0xff + 0x00 + carry 1 = 0x00.
    EXPECT_EQ(flags(V, "CC_OP_ADCB", 0x00, 0xff, 1), C | Z | A | P);
    // 0xff + 0x00 + carry 0 = 0xff.
    EXPECT_EQ(flags(V, "CC_OP_ADCB", 0xff, 0xff, 0), S | P);
    // -1 + -1 + 1 = -1 with carry out, in 64 bits (no wider type there).
    EXPECT_EQ(flags(V, "CC_OP_ADCQ", ~0ULL, ~0ULL, 1), C | S | A | P);
    // 0x7fff + 0 + 1: signed overflow.
    EXPECT_EQ(flags(V, "CC_OP_ADCW", 0x8000, 0, 1), O | S | A | P);
    // 0 - 0 - borrow 1 = 0xffffffff.
    EXPECT_EQ(flags(V, "CC_OP_SBBL", 0xffffffff, 0, 1), C | S | A | P);
    // 0 - 0 - 1 in 64 bits.
    EXPECT_EQ(flags(V, "CC_OP_SBBQ", ~0ULL, 0, 1), C | S | A | P);
    // 5 - 5 - 0 in 8 bits.
    EXPECT_EQ(flags(V, "CC_OP_SBBB", 0, 5, 0), Z | P);
  }
}

TEST(X86FlagsTest, LogicIncDec) {
  for (int V : Versions) {
    SCOPED_TRACE(V);
    EXPECT_EQ(flags(V, "CC_OP_LOGICQ", 0x8000000000000001, 0x1234), S);
    EXPECT_EQ(flags(V, "CC_OP_LOGICQ", 0), Z | P);
    EXPECT_EQ(flags(V, "CC_OP_LOGICB", 0x100), Z | P); // truncated to 0
    EXPECT_EQ(flags(V, "CC_OP_LOGICW", 0x8003), S | P);
    // INC/DEC keep CF, which is CC_SRC.
    EXPECT_EQ(flags(V, "CC_OP_INCB", 0x80, 1), C | O | S | A);
    EXPECT_EQ(flags(V, "CC_OP_INCB", 0x80, 0), O | S | A);
    EXPECT_EQ(flags(V, "CC_OP_INCQ", 0, 1), C | Z | P | A);
    EXPECT_EQ(flags(V, "CC_OP_INCL", 0x80000000, 0), O | S | A | P);
    EXPECT_EQ(flags(V, "CC_OP_DECW", 0x7fff, 0), O | A | P);
    EXPECT_EQ(flags(V, "CC_OP_DECW", 0x7fff, 1), C | O | A | P);
    EXPECT_EQ(flags(V, "CC_OP_DECL", 0, 1), C | Z | P);
    EXPECT_EQ(flags(V, "CC_OP_DECQ", 0x7fffffffffffffff, 0), O | A | P);
  }
}

TEST(X86FlagsTest, ShiftsAndMul) {
  for (int V : Versions) {
    SCOPED_TRACE(V);
    // shl $1, %al with al = 0xc1: CC_SRC = the value shifted by count - 1.
    EXPECT_EQ(flags(V, "CC_OP_SHLB", 0x82, 0xc1), C | S | P);
    // shl $1 of 0x40000000: OF as the sign changed.
    EXPECT_EQ(flags(V, "CC_OP_SHLL", 0x80000000, 0x40000000), O | S | P);
    EXPECT_EQ(flags(V, "CC_OP_SHLQ", 0, 0x8000000000000000), C | O | Z | P);
    EXPECT_EQ(flags(V, "CC_OP_SHLW", 0x0002, 0x0001), 0u);
    // sar $1 of 0x8000000000000003.
    EXPECT_EQ(flags(V, "CC_OP_SARQ", 0xc000000000000001, 0x8000000000000003),
              C | S);
    EXPECT_EQ(flags(V, "CC_OP_SARB", 0x00, 0x01), C | Z | P);
    EXPECT_EQ(flags(V, "CC_OP_SARW", 0x1fff, 0x3ffe), P);
    // MUL: C = O = (CC_SRC != 0), CC_SRC not truncated to the size.
    EXPECT_EQ(flags(V, "CC_OP_MULL", 0, 1), C | O | Z | P);
    EXPECT_EQ(flags(V, "CC_OP_MULB", 0, 0x100), C | O | Z | P);
    EXPECT_EQ(flags(V, "CC_OP_MULQ", 0x8000000000000000, 0), S | P);
    EXPECT_EQ(flags(V, "CC_OP_MULW", 0x0001, 0), 0u);
  }
}

TEST(X86FlagsTest, AdcxAdoxAdcox) {
  for (int V : Versions) {
    SCOPED_TRACE(V);
    // CC_SRC holds the other flags, CC_DST the new C, CC_SRC2 the new O.
    EXPECT_EQ(flags(V, "CC_OP_ADCX", 1, O | S | Z | P), O | S | Z | P | C);
    EXPECT_EQ(flags(V, "CC_OP_ADCX", 0, O | S | Z | P | C), O | S | Z | P);
    EXPECT_EQ(flags(V, "CC_OP_ADOX", 0x1234, S | Z | P | C, 1),
              O | S | Z | P | C);
    EXPECT_EQ(flags(V, "CC_OP_ADOX", 0, O | S | Z | P | C, 0), S | Z | P | C);
    EXPECT_EQ(flags(V, "CC_OP_ADCOX", 0, O | S | Z | P | C, 0), S | Z | P);
    EXPECT_EQ(flags(V, "CC_OP_ADCOX", 1, S | Z | P, 1), O | S | Z | P | C);
  }
}

TEST(X86FlagsTest, EflagsBmilgPopcnt) {
  for (int V : Versions) {
    SCOPED_TRACE(V);
    EXPECT_EQ(flags(V, "CC_OP_EFLAGS", 0x1234, O | S | A | C), O | S | A | C);
    // cpu_cc_compute_all returns a uint32_t.
    EXPECT_EQ(flags(V, "CC_OP_EFLAGS", 0, 0x100000001), C);
    // BMILG: C = (CC_SRC == 0), Z and S from CC_DST; P and A left clear.
    EXPECT_EQ(flags(V, "CC_OP_BMILGL", 0x80000000, 0), C | S);
    EXPECT_EQ(flags(V, "CC_OP_BMILGQ", 0, 5), Z);
    EXPECT_EQ(flags(V, "CC_OP_BMILGB", 0x100, 0x100), C | Z); // truncated
    EXPECT_EQ(flags(V, "CC_OP_BMILGW", 3, 3), 0u);
    // POPCNT with its operand zero and non-zero.
    uint64_t Zero = flags(V, "CC_OP_POPCNT", 0, 0);
    EXPECT_EQ(Zero, Z);
    EXPECT_EQ(flags(V, "CC_OP_POPCNT", 0xf0, 0xf0), 0u);
  }
}

TEST(X86FlagsTest, OnlyIn72) {
  EXPECT_EQ(flags(7, "CC_OP_CLR", 0x1234, 0x5678, 9), Z | P);
  // POPCNT: Z from CC_SRC in 7.2.
  EXPECT_EQ(flags(7, "CC_OP_POPCNT", 5, 0), Z);
  EXPECT_EQ(flags(7, "CC_OP_POPCNT", 0, 5), 0u);
  for (const char *Name :
       {"CC_OP_BLSIB", "CC_OP_BLSIQ", "CC_OP_POPCNTQ__", "CC_OP_POPCNTB__"})
    EXPECT_THAT(errorOf(x86ComputeCcFlags(state(7, Name, 0))),
                testing::HasSubstr("unknown cc_op"))
        << Name;
}

TEST(X86FlagsTest, OnlyIn10) {
  // BLSI: C = (CC_SRC != 0).
  EXPECT_EQ(flags(10, "CC_OP_BLSIQ", 0, 0), Z);
  EXPECT_EQ(flags(10, "CC_OP_BLSIQ", 1, 1), C);
  EXPECT_EQ(flags(10, "CC_OP_BLSIB", 0x180, 0x100), S); // truncated
  EXPECT_EQ(flags(10, "CC_OP_BLSIL", 0x80000000, 0x80000000), C | S);
  EXPECT_EQ(flags(10, "CC_OP_BLSIW", 0x10, 0x30), C);
  // POPCNT: Z from CC_DST in 10.0; POPCNTQ__ is the same value.
  EXPECT_EQ(flags(10, "CC_OP_POPCNT", 0, 5), Z);
  EXPECT_EQ(flags(10, "CC_OP_POPCNT", 5, 0), 0u);
  EXPECT_EQ(flags(10, "CC_OP_POPCNTQ__", 0, 5), Z);
  EXPECT_EQ(flags(10, "CC_OP_POPCNTQ__", 5, 0), 0u);
  // The narrower ones have no case in helper_cc_compute_all: 0.
  for (const char *Name :
       {"CC_OP_POPCNTB__", "CC_OP_POPCNTW__", "CC_OP_POPCNTL__"})
    EXPECT_EQ(flags(10, Name, 0, 0), 0u) << Name;
  EXPECT_THAT(errorOf(x86ComputeCcFlags(state(10, "CC_OP_CLR", 0))),
              testing::HasSubstr("unknown cc_op 'CC_OP_CLR' for QEMU 10.0"));
}

// Where the two versions' code differs for states TCG does not produce
// (carry-in or CF not 0/1): each version's own result.
TEST(X86FlagsTest, VersionSpecificCornerCases) {
  // ADC with carry-in 2: 7.2 tests dst <= src1, 10.0 dst < src1 + 2.
  EXPECT_EQ(flags(7, "CC_OP_ADCB", 0x01, 0x00, 2) & C, 0u);
  EXPECT_EQ(flags(10, "CC_OP_ADCB", 0x01, 0x00, 2) & C, C);
  EXPECT_EQ(flags(7, "CC_OP_SBBW", 0xffff, 0x0000, 2) & C, 0u);
  EXPECT_EQ(flags(10, "CC_OP_SBBW", 0xffff, 0x0000, 2) & C, C);
  // INCB 2 -> 3 (P) with CC_SRC 4: 7.2 ORs the parts, 10.0 adds them.
  EXPECT_EQ(flags(7, "CC_OP_INCB", 3, 4), P);
  EXPECT_EQ(flags(10, "CC_OP_INCB", 3, 4), 2 * P);
}

TEST(X86FlagsTest, EveryEnumeratorOfEachVersion) {
  const char *Sized[] = {"MUL", "ADD", "ADC", "SUB", "SBB",  "LOGIC",
                         "INC", "DEC", "SHL", "SAR", "BMILG"};
  for (int V : Versions) {
    std::vector<std::string> Names = {"CC_OP_EFLAGS", "CC_OP_ADCX",
                                      "CC_OP_ADOX", "CC_OP_ADCOX",
                                      "CC_OP_POPCNT"};
    for (const char *F : Sized)
      for (char Sz : {'B', 'W', 'L', 'Q'})
        Names.push_back(std::string("CC_OP_") + F + Sz);
    if (V == 7)
      Names.push_back("CC_OP_CLR");
    else
      for (char Sz : {'B', 'W', 'L', 'Q'}) {
        Names.push_back(std::string("CC_OP_BLSI") + Sz);
        Names.push_back(std::string("CC_OP_POPCNT") + Sz + "__");
      }
    EXPECT_EQ(Names.size(), V == 7 ? 50u : 57u);
    for (const std::string &N : Names)
      EXPECT_TRUE(succeeded(x86ComputeCcFlags(state(V, N, 0)))) << V << N;
  }
}

TEST(X86FlagsTest, Errors) {
  for (int V : Versions)
    for (const char *Name :
         {"CC_OP_NB", "", "CC_OP_", "CC_OP_ADD", "CC_OP_ADDX", "CC_OP_FOOB",
          "ADDB", "CC_OP_addb", "CC_OP_POPCNTQ_"})
      EXPECT_THAT(errorOf(x86ComputeCcFlags(state(V, Name, 0))),
                  testing::HasSubstr("unknown cc_op"))
          << V << Name;
  // A value no enumerator has.
  X86CcOps Ops(X86FlagsScheme::Qemu10_0, {{"CC_OP_EFLAGS", 1}});
  X86CcState St;
  St.CcOp = 2;
  EXPECT_EQ(errorOf(Ops.ccFlags(St)),
            "cc_op 2 is not a value of this QEMU's CCOp");
}

TEST(X86FlagsTest, ComputeEflagsMergesEflagsFlagsAndDf) {
  for (int V : Versions) {
    SCOPED_TRACE(V);
    NamedState St = state(V, "CC_OP_ADDB", 0x00, 0xff);
    St.Eflags = 0x202; // IF and the always-one bit 1
    St.Df = 1;
    std::optional<uint64_t> F = valueOf(x86ComputeEflags(St));
    ASSERT_TRUE(F);
    EXPECT_EQ(*F, 0x202 | C | Z | A | P);
    St.Df = -1;
    F = valueOf(x86ComputeEflags(St));
    ASSERT_TRUE(F);
    EXPECT_EQ(*F, 0x202 | C | Z | A | P | D);
    // cpu_compute_eflags returns a uint32_t.
    St.Eflags = 0x100000202;
    F = valueOf(x86ComputeEflags(St));
    ASSERT_TRUE(F);
    EXPECT_EQ(*F, 0x202 | C | Z | A | P | D);
    // CC_OP_EFLAGS: the flags are in CC_SRC.
    St = state(V, "CC_OP_EFLAGS", 0, O | C);
    St.Eflags = 0x246;
    F = valueOf(x86ComputeEflags(St));
    ASSERT_TRUE(F);
    EXPECT_EQ(*F, 0x246 | O | C);
    // CC_OP_DYNAMIC (a vCPU that never ran): no lazy flags, as in QEMU.
    St = state(V, "CC_OP_DYNAMIC", 0x12, 0x34);
    St.Eflags = 0x2;
    St.Df = -1;
    F = valueOf(x86ComputeEflags(St));
    ASSERT_TRUE(F);
    EXPECT_EQ(*F, 0x2 | D);
  }
}

} // namespace

namespace {

TEST(X86FlagsTest, TheSchemeIsToldByTheEnumerators) {
  EXPECT_EQ(x86FlagsScheme({"CC_OP_DYNAMIC", "CC_OP_CLR"}),
            X86FlagsScheme::Qemu7_2);
  EXPECT_EQ(x86FlagsScheme({"CC_OP_DYNAMIC", "CC_OP_POPCNTQ__"}),
            X86FlagsScheme::Qemu10_0);
  EXPECT_EQ(x86FlagsScheme({"CC_OP_DYNAMIC"}), std::nullopt);
  EXPECT_EQ(x86FlagsScheme({"CC_OP_CLR", "CC_OP_POPCNTQ__"}), std::nullopt);
}

TEST(X86FlagsTest, EachValueIsItsOwnEnumeratorsOperation) {
  // The same value means another operation in another binary: a table per
  // binary, each vCPU looked up in it.
  X86CcOps Ops(X86FlagsScheme::Qemu7_2,
               {{"CC_OP_ADDB", 7}, {"CC_OP_SUBB", 3}, {"CC_OP_EFLAGS", 1}});
  X86CcState St;
  St.CcDst = 0x00;
  St.CcSrc = 0xff;
  St.CcOp = 7;
  EXPECT_EQ(valueOf(Ops.ccFlags(St)),
            X86_CC_C | X86_CC_Z | X86_CC_A | X86_CC_P);
  St.CcOp = 1;
  EXPECT_EQ(valueOf(Ops.ccFlags(St)), 0xffu);
}

} // namespace
