//===- DescWriterTest.cpp - Descriptors in one byte order; elf_prstatus ---===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/DescWriter.h"
#include "qemudump/Notes/CpuNotes.h"

#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

std::vector<uint8_t> bytes(std::initializer_list<uint8_t> B) { return B; }

TEST(DescWriterTest, AppendsInItsByteOrder) {
  DescWriter LE(endianness::little);
  LE.u8(1).u16(0x0203).u32(0x04050607).u64(0x08090a0b0c0d0e0f);
  EXPECT_EQ(LE.take(),
            bytes({1, 3, 2, 7, 6, 5, 4, 0xf, 0xe, 0xd, 0xc, 0xb, 0xa, 9, 8}));
  DescWriter BE(endianness::big);
  BE.u8(1).u16(0x0203).u32(0x04050607).u64(0x08090a0b0c0d0e0f);
  EXPECT_EQ(BE.take(),
            bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf}));
}

TEST(DescWriterTest, A128BitIntegerIsOneIntegerInTheOrder) {
  DescWriter LE(endianness::little), BE(endianness::big);
  LE.u128(/*Lo=*/1, /*Hi=*/2);
  BE.u128(/*Lo=*/1, /*Hi=*/2);
  ASSERT_EQ(LE.size(), 16u);
  EXPECT_EQ(support::endian::read64le(LE.bytes().data()), 1u);
  EXPECT_EQ(support::endian::read64le(LE.bytes().data() + 8), 2u);
  EXPECT_EQ(support::endian::read64be(BE.bytes().data()), 2u) << "high half";
  EXPECT_EQ(support::endian::read64be(BE.bytes().data() + 8), 1u);
}

TEST(DescWriterTest, WordsZerosPaddingAndFields) {
  DescWriter D(endianness::big);
  D.word(0x11223344, 4).word(5, 8).zeros(2).raw(bytes({0xaa})).padTo(16);
  EXPECT_EQ(D.take(), bytes({0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 0, 0, 0, 5, 0,
                             0, 0xaa, 0}));
  // Fields put at offsets grow the buffer; strings keep their NUL.
  DescWriter F(endianness::little, 4);
  F.put16(0, 0x0102);
  F.put32(6, 0x03040506);
  F.putString(10, "abcdef", 4);
  F.putWord(14, 7, 4);
  EXPECT_EQ(F.take(), bytes({2, 1, 0, 0, 0, 0, 6, 5, 4, 3, 'a', 'b', 'c', 0, 7,
                             0, 0, 0}));
}

TEST(CpuNotesTest, PrstatusHasOneLayoutPerWordSize) {
  // elf_prstatus: pr_pid at 32 and pr_reg at 112 on 64-bit kernels, 24 and
  // 72 on 32-bit ones; pr_fpvalid after pr_reg, padded to the word.
  auto Regs = [](DescWriter &D) { D.u32(0xaabbccdd); };
  std::vector<uint8_t> P64 =
      encodePrstatus(endianness::little, true, 3, 27 * 8, 0, Regs);
  EXPECT_EQ(P64.size(), 336u) << "x86_64's";
  EXPECT_EQ(support::endian::read32le(&P64[32]), 3u);
  EXPECT_EQ(support::endian::read32le(&P64[112]), 0xaabbccddu);
  std::vector<uint8_t> P32 =
      encodePrstatus(endianness::big, false, 4, 17 * 4, 1, Regs);
  EXPECT_EQ(P32.size(), 144u) << "i386's";
  EXPECT_EQ(support::endian::read32be(&P32[24]), 4u);
  EXPECT_EQ(support::endian::read32be(&P32[72]), 0xaabbccddu);
  EXPECT_EQ(support::endian::read32be(&P32[72 + 68]), 1u) << "pr_fpvalid";
  // Each arch's size, as QEMU's arch_dump.c states it.
  EXPECT_EQ(encodePrstatus(endianness::little, true, 1, 34 * 8, 1, Regs).size(),
            392u); // aarch64
  EXPECT_EQ(encodePrstatus(endianness::big, true, 1, 48 * 8, 0, Regs).size(),
            504u); // ppc64
  EXPECT_EQ(encodePrstatus(endianness::big, true, 1, 216, 0, Regs).size(),
            336u); // s390x
  EXPECT_EQ(encodePrstatus(endianness::little, true, 1, 256, 0, Regs).size(),
            376u); // riscv64
  EXPECT_EQ(encodePrstatus(endianness::little, false, 1, 128, 0, Regs).size(),
            204u); // riscv32
  EXPECT_EQ(encodePrstatus(endianness::little, false, 1, 72, 1, Regs).size(),
            148u); // arm
}

TEST(CpuNotesTest, NotesAreAppendedInTheirOrder) {
  CpuNotes N(endianness::big, "PRSTATUS");
  N.add("CORE", ELF::NT_PRSTATUS, bytes({1, 2, 3}));
  N.add("LINUX", 0x300, bytes({4}));
  Expected<std::vector<NoteView>> V = parseNotes(N.Bytes, false);
  ASSERT_TRUE(succeeded(V));
  ASSERT_EQ(V->size(), 2u);
  EXPECT_EQ((*V)[0].Name, "CORE");
  EXPECT_EQ((*V)[1].Name, "LINUX");
  EXPECT_EQ((*V)[1].Type, 0x300u);
}

} // namespace
