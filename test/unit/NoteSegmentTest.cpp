//===- NoteSegmentTest.cpp - The notes of one vmcore ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/NoteSegment.h"
#include "qemudump/Arch/X86.h"
#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

std::vector<uint8_t> guestNote(StringRef Name, StringRef Text, bool LE) {
  std::vector<uint8_t> Raw;
  appendNote(Raw, LE, Name, 0, arrayRefFromStringRef(Text));
  return Raw;
}

TEST(NoteSegmentTest, KnowsItsVcpusAndWhereVmcoreInfoIs) {
  std::vector<X86CpuState> Cpus(3);
  for (unsigned I = 0; I < 3; ++I)
    Cpus[I].CpuIndex = I;
  NoteSegment N(true);
  N.addCpuNotes(x86CpuNotes(Cpus, /*LongLayout=*/true));
  StringRef Text = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
  ASSERT_TRUE(succeeded(N.addGuestNote(guestNote("VMCOREINFO", Text, true))));
  N.finalize();
  EXPECT_EQ(N.cpuCount(), 3u);
  EXPECT_EQ(N.describe(), "3 vCPUs (CORE, QEMU), VMCOREINFO");
  ASSERT_TRUE(N.vmcoreInfo());
  EXPECT_EQ(N.vmcoreInfo()->text(), Text);
  EXPECT_EQ(N.vmcoreInfo()->release(), "6.1.0");

  // The bytes are the notes in QEMU's order, and the offset is right.
  Expected<std::vector<NoteView>> Parsed = parseNotes(N.bytes(), true);
  ASSERT_TRUE(succeeded(Parsed));
  ASSERT_EQ(Parsed->size(), 7u);
  for (unsigned I = 0; I < 3; ++I) {
    EXPECT_EQ((*Parsed)[I].Name, "CORE");
    EXPECT_EQ((*Parsed)[I].Type, ELF::NT_PRSTATUS);
    EXPECT_EQ((*Parsed)[3 + I].Name, "QEMU");
  }
  EXPECT_EQ((*Parsed)[6].Name, "VMCOREINFO");
  ASSERT_TRUE(N.vmcoreInfoText().has_value());
  EXPECT_EQ(N.vmcoreInfoText()->Offset,
            uint64_t((*Parsed)[6].Desc.data() - N.bytes().data()));
  EXPECT_EQ(N.vmcoreInfoText()->Size, Text.size());
}

TEST(NoteSegmentTest, OneVcpuAndBigEndianGuestNote) {
  NoteSegment N(false);
  N.addCpuNotes(x86CpuNotes(std::vector<X86CpuState>(1), false));
  ASSERT_TRUE(
      succeeded(N.addGuestNote(guestNote("VMCOREINFO", "A=1\n", false))));
  N.finalize();
  EXPECT_EQ(N.describe(), "1 vCPU (CORE, QEMU), VMCOREINFO");
  ASSERT_TRUE(N.vmcoreInfo());
  EXPECT_EQ(N.vmcoreInfo()->text(), "A=1\n");
  EXPECT_EQ(N.vmcoreInfo()->value("A"), "1");
}

TEST(NoteSegmentTest, AnEmptySegmentGetsThePlaceholder) {
  NoteSegment N(true);
  N.addCpuNotes(x86CpuNotes({}, true)); // no vCPUs: nothing
  N.finalize();
  EXPECT_EQ(N.cpuCount(), 0u);
  EXPECT_FALSE(N.vmcoreInfo());
  EXPECT_TRUE(N.bytes() == ArrayRef<uint8_t>(placeholderNote(true)));
  EXPECT_EQ(N.describe(), "placeholder NONE (no vCPU notes, no VMCOREINFO "
                          "from the guest)");
}

TEST(NoteSegmentTest, AGuestNoteOfAnotherNameHasNoVmcoreInfoText) {
  // QEMU keeps whatever first note the guest wrote; only a VMCOREINFO
  // note's descriptor is the text.
  NoteSegment N(true);
  ASSERT_TRUE(succeeded(N.addGuestNote(guestNote("LINUX", "x", true))));
  N.finalize();
  EXPECT_FALSE(N.vmcoreInfoText().has_value());
  EXPECT_FALSE(N.vmcoreInfo());
  EXPECT_EQ(N.describe(), "VMCOREINFO");
}

TEST(NoteSegmentTest, MalformedGuestNotesAreRefused) {
  NoteSegment N(true);
  std::vector<uint8_t> Two = guestNote("VMCOREINFO", "A=1\n", true);
  std::vector<uint8_t> Second = guestNote("X", "y", true);
  Two.insert(Two.end(), Second.begin(), Second.end());
  EXPECT_EQ(errorOf(N.addGuestNote(Two)), "expected one note, found 2");
  std::vector<uint8_t> Cut = guestNote("VMCOREINFO", "A=1\n", true);
  Cut.pop_back();
  EXPECT_THAT(errorOf(N.addGuestNote(Cut)), testing::HasSubstr("overruns"));
  N.finalize();
  EXPECT_EQ(N.describe(), "placeholder NONE (no vCPU notes, no VMCOREINFO "
                          "from the guest)");
}

TEST(NoteSegmentTest, AVmcoreInfoIsAddedAsItsNote) {
  NoteSegment N(true);
  VmcoreInfo Info = VmcoreInfo::fromText("OSRELEASE=6.1.0\n", true);
  std::vector<uint8_t> Note(Info.note().begin(), Info.note().end());
  N.addVmcoreInfo(std::move(Info), "from f");
  N.finalize();
  EXPECT_TRUE(N.bytes() == ArrayRef<uint8_t>(Note));
  EXPECT_EQ(N.describe(), "VMCOREINFO (from f)");
  EXPECT_EQ(N.vmcoreInfoText()->Offset, 24u);
}

} // namespace
