//===- VmcoreInfoTest.cpp - The guest kernel's VMCOREINFO, parsed once ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/VmcoreInfo.h"

#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

std::vector<uint8_t> note(StringRef Name, StringRef Text, bool LE) {
  std::vector<uint8_t> Raw;
  appendNote(Raw, LE, Name, 0, arrayRefFromStringRef(Text));
  return Raw;
}

TEST(VmcoreInfoTest, KeysAndValuesAsTheKernelPrintsThem) {
  // The kernel's page holds NULs after the text.
  std::string Text = "OSRELEASE=6.1.0-18-amd64\nPAGESIZE=4096\n"
                     "NUMBER(phys_base)=-715128832\n"
                     "SYMBOL(init_uts_ns)=ffffffff9d213ec0\n"
                     "NUMBER(kimage_voffset)=0xffff800070000000\n"
                     "nonsense\nOFFSET(uts_namespace.name)=4 \n";
  Text += std::string(2, '\0');
  VmcoreInfo I = VmcoreInfo::fromText(Text, true);
  EXPECT_EQ(I.text(), Text);
  EXPECT_EQ(I.release(), "6.1.0-18-amd64");
  EXPECT_EQ(I.pageSize(), 4096u);
  EXPECT_EQ(I.decimal("NUMBER(phys_base)"), -715128832);
  EXPECT_EQ(I.hex("SYMBOL(init_uts_ns)"), 0xffffffff9d213ec0u);
  EXPECT_EQ(I.hex("NUMBER(kimage_voffset)"), 0xffff800070000000u);
  EXPECT_EQ(I.decimal("OFFSET(uts_namespace.name)"), 4) << "trimmed";
  EXPECT_EQ(I.value("nonsense"), std::nullopt);
  EXPECT_EQ(I.value("MISSING"), std::nullopt);
  EXPECT_EQ(I.decimal("SYMBOL(init_uts_ns)"), std::nullopt) << "not decimal";
}

TEST(VmcoreInfoTest, TheNoteIsKeptAsTheGuestWroteIt) {
  for (bool LE : {true, false}) {
    std::vector<uint8_t> N = note("VMCOREINFO", "OSRELEASE=6.1\n", LE);
    Expected<VmcoreInfo> I = VmcoreInfo::fromNote(N, LE);
    ASSERT_TRUE(succeeded(I));
    EXPECT_TRUE(I->note() == ArrayRef<uint8_t>(N));
    EXPECT_EQ(I->textOffset(), 24u);
    EXPECT_EQ(I->release(), "6.1");
    // The text's note, built, is the same note.
    EXPECT_TRUE(VmcoreInfo::fromText("OSRELEASE=6.1\n", LE).note() ==
                ArrayRef<uint8_t>(N));
  }
}

TEST(VmcoreInfoTest, OnlyOneNoteNamedVmcoreInfoIsOne) {
  EXPECT_EQ(errorOf(VmcoreInfo::fromNote(note("LINUX", "A=1\n", true), true)),
            "a note named 'LINUX', not VMCOREINFO");
  std::vector<uint8_t> Two = note("VMCOREINFO", "A=1\n", true);
  std::vector<uint8_t> More = note("VMCOREINFO", "B=1\n", true);
  Two.insert(Two.end(), More.begin(), More.end());
  EXPECT_EQ(errorOf(VmcoreInfo::fromNote(Two, true)),
            "expected one note, found 2");
  std::vector<uint8_t> Cut = note("VMCOREINFO", "A=1\n", true);
  Cut.pop_back();
  EXPECT_THAT(errorOf(VmcoreInfo::fromNote(Cut, true)),
              testing::HasSubstr("overruns"));
}

class VmcoreInfoFileTest : public TempDirTest {
protected:
  VmcoreInfoFileTest() : TempDirTest("vmcoreinfo") {}
  std::string write(ArrayRef<uint8_t> Bytes) {
    std::error_code EC;
    raw_fd_ostream OS(Path, EC);
    EXPECT_FALSE(EC);
    OS << toStringRef(Bytes);
    return std::string(Path);
  }
};

TEST_F(VmcoreInfoFileTest, AFileIsTheNoteOrTheText) {
  std::vector<uint8_t> N = note("VMCOREINFO", "OSRELEASE=6.1\n", false);
  Expected<VmcoreInfo> I = VmcoreInfo::fromFile(write(N), false);
  ASSERT_TRUE(succeeded(I));
  EXPECT_EQ(I->release(), "6.1");
  I = VmcoreInfo::fromFile(
      write(arrayRefFromStringRef("OSRELEASE=6.2\nPAGESIZE=4096\n")), true);
  ASSERT_TRUE(succeeded(I));
  EXPECT_EQ(I->release(), "6.2");
  EXPECT_EQ(I->pageSize(), 4096u);
  EXPECT_THAT(errorOf(VmcoreInfo::fromFile(
                  write(arrayRefFromStringRef("PAGESIZE=4096\n")), true)),
              testing::HasSubstr("neither a VMCOREINFO note nor VMCOREINFO "
                                 "text"));
  EXPECT_THAT(errorOf(VmcoreInfo::fromFile((Path + ".none").str(), true)),
              testing::HasSubstr(".none"));
}

} // namespace
