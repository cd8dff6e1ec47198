// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Input/DwarfTypes.h"

#include "TestUtil.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdio>

using namespace llvm;
using namespace qemudump;

namespace {

/// The file address of the function \p Name in the ELF file \p Path.
std::optional<uint64_t> symbolAddress(StringRef Path, StringRef Name) {
  auto Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    return std::nullopt;
  auto Elf = object::ELFFile<object::ELF64LE>::create((*Buf)->getBuffer());
  if (!Elf) {
    consumeError(Elf.takeError());
    return std::nullopt;
  }
  auto Sections = Elf->sections();
  if (!Sections) {
    consumeError(Sections.takeError());
    return std::nullopt;
  }
  for (const auto &Sh : *Sections) {
    if (Sh.sh_type != ELF::SHT_SYMTAB)
      continue;
    auto Syms = Elf->symbols(&Sh);
    auto Strs = Elf->getStringTableForSymtab(Sh);
    if (!Syms || !Strs) {
      consumeError(Syms.takeError());
      consumeError(Strs.takeError());
      return std::nullopt;
    }
    for (const auto &Sym : *Syms) {
      Expected<StringRef> N = Sym.getName(*Strs);
      if (N && *N == Name)
        return uint64_t(Sym.st_value);
      if (!N)
        consumeError(N.takeError());
    }
  }
  return std::nullopt;
}

/// What the program prints: "PATH OFFSET SIZE", and "Cpu SIZE".
StringMap<std::pair<uint64_t, uint64_t>> printedLayout(StringRef Program) {
  StringMap<std::pair<uint64_t, uint64_t>> Out;
  FILE *P = ::popen(Program.str().c_str(), "r");
  if (!P)
    return Out;
  char Path[128];
  unsigned long Offset, Size;
  char Line[256];
  while (std::fgets(Line, sizeof Line, P)) {
    int N = std::sscanf(Line, "%127s %lu %lu", Path, &Offset, &Size);
    if (N == 3)
      Out[Path] = {Offset, Size};
    else if (N == 2)
      Out[Path] = {0, Offset};
  }
  ::pclose(P);
  return Out;
}

class DwarfTypesTest : public testing::Test {
protected:
  void SetUp() override {
    auto T = DwarfTypes::open(QEMUDUMP_DWARF_TYPES_PROGRAM);
    ASSERT_TRUE(succeeded(T));
    Types = std::move(*T);
    LayoutA = symbolAddress(QEMUDUMP_DWARF_TYPES_PROGRAM, "layout_a");
    LayoutB = symbolAddress(QEMUDUMP_DWARF_TYPES_PROGRAM, "layout_b");
    ASSERT_TRUE(LayoutA && LayoutB);
  }

  std::unique_ptr<DwarfTypes> Types;
  std::optional<uint64_t> LayoutA, LayoutB;
};

TEST_F(DwarfTypesTest, OffsetsAreTheCompilers) {
  auto Printed = printedLayout(QEMUDUMP_DWARF_TYPES_PROGRAM);
  ASSERT_EQ(Printed.size(), 11u);
  auto Cpu = Types->type("Cpu", LayoutA);
  ASSERT_TRUE(succeeded(Cpu));
  EXPECT_EQ(Cpu->size(), Printed["Cpu"].second);
  for (const auto &P : Printed) {
    if (P.first() == "Cpu")
      continue;
    auto F = Cpu->field(P.first());
    ASSERT_TRUE(succeeded(F)) << P.first().str();
    EXPECT_EQ(F->Offset, P.second.first) << P.first().str();
    EXPECT_EQ(F->Size, P.second.second) << P.first().str();
  }
}

TEST_F(DwarfTypesTest, TheUnitOfTheCodeAddressIsReadFirst) {
  auto InB = Types->type("Cpu", LayoutB);
  ASSERT_TRUE(succeeded(InB));
  EXPECT_EQ(InB->size(), 4u);
  EXPECT_TRUE(InB->has("only"));
  EXPECT_FALSE(InB->has("env"));
  auto InA = Types->type("Cpu", LayoutA);
  ASSERT_TRUE(succeeded(InA));
  EXPECT_TRUE(InA->has("env.regs[0]"));
  // Without an address, or one in no unit: the units in order (a first).
  auto Any = Types->type("Cpu", std::nullopt);
  ASSERT_TRUE(succeeded(Any));
  EXPECT_EQ(Any->size(), InA->size());
  auto Nowhere = Types->type("Cpu", uint64_t(1));
  ASSERT_TRUE(succeeded(Nowhere));
  EXPECT_EQ(Nowhere->size(), InA->size());
  // A type only the other unit defines is found there.
  auto Seg = Types->type("Seg", LayoutB);
  ASSERT_TRUE(succeeded(Seg));
  EXPECT_EQ(valueOf(Seg->field("base"))->Offset, 8u);
}

TEST_F(DwarfTypesTest, WhatCannotBeLaidOutIsAnError) {
  auto Cpu = valueOf(Types->type("Cpu", LayoutA));
  ASSERT_TRUE(Cpu);
  EXPECT_EQ(errorOf(Cpu->field("env.nope")), "Cpu.env.nope: no member 'nope'");
  EXPECT_EQ(errorOf(Cpu->field("env.bits")),
            "Cpu.env.bits: 'bits' is a bit-field");
  EXPECT_EQ(errorOf(Cpu->field("env.regs[16]")),
            "Cpu.env.regs[16]: index 16 is out of the array's bounds (16)");
  EXPECT_EQ(errorOf(Cpu->field("env.grid[1]")),
            "Cpu.env.grid[1]: indexes 1 of the 2 dimensions of an array");
  EXPECT_EQ(errorOf(Cpu->field("env.grid[1][3]")),
            "Cpu.env.grid[1][3]: index 3 is out of the array's bounds (3)");
  EXPECT_EQ(errorOf(Cpu->field("env.regs.x")),
            "Cpu.env.regs.x: 'x' is looked up in something that is not a "
            "structure or union");
  EXPECT_EQ(errorOf(Cpu->field("env[0]")),
            "Cpu.env[0]: indexes something that is not an array");
  EXPECT_EQ(errorOf(Types->type("Nope", LayoutA)),
            std::string(QEMUDUMP_DWARF_TYPES_PROGRAM) +
                ": no compile unit defines the type Nope");
}

TEST(DwarfTypesOpenTest, CompressedSectionsAreRead) {
  auto Printed = printedLayout(QEMUDUMP_DWARF_TYPES_PROGRAM);
  for (const char *Path :
       {QEMUDUMP_DWARF_TYPES_COMPRESSED, QEMUDUMP_DWARF_TYPES_ZSTD}) {
    auto T = DwarfTypes::open(Path);
    ASSERT_TRUE(succeeded(T)) << Path;
    auto Cpu = (*T)->type("Cpu", std::nullopt);
    ASSERT_TRUE(succeeded(Cpu)) << Path;
    EXPECT_EQ(valueOf(Cpu->field("env.segs[2].base"))->Offset,
              Printed["env.segs[2].base"].first)
        << Path;
  }
}

TEST(DwarfTypesOpenTest, NotAnElfFileOrNoDwarf) {
  std::string NotElf = errorOf(DwarfTypes::open(__FILE__));
  EXPECT_NE(NotElf.find("not a 64-bit little-endian ELF file"),
            std::string::npos)
      << NotElf;
  std::string Missing = errorOf(DwarfTypes::open("/nonexistent/qemu"));
  EXPECT_NE(Missing.find("cannot read it"), std::string::npos) << Missing;
  std::string Stripped =
      errorOf(DwarfTypes::open(QEMUDUMP_DWARF_TYPES_STRIPPED));
  EXPECT_NE(Stripped.find("it has no .debug_info section"), std::string::npos)
      << Stripped;
}

} // namespace
