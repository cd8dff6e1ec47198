// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Arch/Arch.h"

#include "TestUtil.h"
#include "llvm/BinaryFormat/ELF.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

TEST(ArchTest, SeedNamesParseCaseInsensitively) {
  struct {
    const char *Name;
    uint8_t Class, Data;
    uint16_t Machine;
  } Cases[] = {
      {"aarch64-le", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_AARCH64},
      {"AARCH64-BE", ELF::ELFCLASS64, ELF::ELFDATA2MSB, ELF::EM_AARCH64},
      {"x86_64", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_X86_64},
      {"386", ELF::ELFCLASS32, ELF::ELFDATA2LSB, ELF::EM_386},
      {"S390", ELF::ELFCLASS64, ELF::ELFDATA2MSB, ELF::EM_S390},
      {"ppc64-LE", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_PPC64},
      {"ppc64-be", ELF::ELFCLASS64, ELF::ELFDATA2MSB, ELF::EM_PPC64},
      {"RISCV64", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_RISCV},
      {"riscv32", ELF::ELFCLASS32, ELF::ELFDATA2LSB, ELF::EM_RISCV},
      {"loongarch64", ELF::ELFCLASS64, ELF::ELFDATA2LSB, ELF::EM_LOONGARCH},
      {"ARM", ELF::ELFCLASS32, ELF::ELFDATA2LSB, ELF::EM_ARM},
  };
  for (const auto &E : Cases) {
    Expected<const Arch &> A = parseArch(E.Name);
    ASSERT_TRUE(succeeded(A)) << E.Name;
    EXPECT_EQ(A->ElfClass, E.Class) << E.Name;
    EXPECT_EQ(A->ElfData, E.Data) << E.Name;
    EXPECT_EQ(A->Machine, E.Machine) << E.Name;
  }
}

TEST(ArchTest, UnknownNameListsTheValidOnes) {
  Expected<const Arch &> A = parseArch("mips");
  ASSERT_FALSE(bool(A));
  std::string Message = toString(A.takeError());
  EXPECT_NE(Message.find("'mips'"), std::string::npos);
  for (const Arch *Valid : allArches())
    EXPECT_NE(Message.find(Valid->Name.str()), std::string::npos) << Message;
}

} // namespace
