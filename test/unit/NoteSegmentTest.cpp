//===- NoteSegmentTest.cpp - The notes of one vmcore ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/NoteSegment.h"
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
  N.addX86Cpus(Cpus, /*LongLayout=*/true);
  StringRef Text = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
  ASSERT_TRUE(succeeded(N.addGuestNote(guestNote("VMCOREINFO", Text, true))));
  N.finalize();
  EXPECT_EQ(N.cpuCount(), 3u);
  EXPECT_EQ(N.describe(), "3 vCPUs (CORE, QEMU), VMCOREINFO");
  ASSERT_TRUE(N.vmcoreInfoText().has_value());
  EXPECT_EQ(*N.vmcoreInfoText(), Text);

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
  EXPECT_EQ(N.vmcoreInfo()->Offset,
            uint64_t((*Parsed)[6].Desc.data() - N.bytes().data()));
  EXPECT_EQ(N.vmcoreInfo()->Size, Text.size());
}

TEST(NoteSegmentTest, OneVcpuAndBigEndianGuestNote) {
  NoteSegment N(false);
  N.addX86Cpus(std::vector<X86CpuState>(1), false);
  ASSERT_TRUE(
      succeeded(N.addGuestNote(guestNote("VMCOREINFO", "A=1\n", false))));
  N.finalize();
  EXPECT_EQ(N.describe(), "1 vCPU (CORE, QEMU), VMCOREINFO");
  EXPECT_EQ(*N.vmcoreInfoText(), "A=1\n");
}

TEST(NoteSegmentTest, AnEmptySegmentGetsThePlaceholder) {
  NoteSegment N(true);
  N.addX86Cpus({}, true); // no vCPUs: nothing
  N.finalize();
  EXPECT_EQ(N.cpuCount(), 0u);
  EXPECT_FALSE(N.vmcoreInfo().has_value());
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

} // namespace
