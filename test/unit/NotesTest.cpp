// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#include "qemudump/Notes/Notes.h"

#include "TestUtil.h"
#include "llvm/ADT/StringExtras.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

TEST(NotesTest, SizesArePaddedToFour) {
  EXPECT_EQ(noteSize(5, 5), 12u + 8u + 8u);
  EXPECT_EQ(noteSize(11, 0), 12u + 12u);
  EXPECT_EQ(noteSize(4, 4), 12u + 4u + 4u);
}

TEST(NotesTest, PlaceholderIsNoneEmpty) {
  std::vector<uint8_t> LE = placeholderNote(true);
  const uint8_t ExpectedLE[] = {5,   0,   0,   0,   5,   0,   0, 0, 0, 0,
                                0,   0,   'N', 'O', 'N', 'E', 0, 0, 0, 0,
                                'E', 'M', 'P', 'T', 'Y', 0,   0, 0};
  EXPECT_EQ(LE,
            std::vector<uint8_t>(std::begin(ExpectedLE), std::end(ExpectedLE)));
  std::vector<uint8_t> BE = placeholderNote(false);
  EXPECT_EQ(BE[3], 5);
  EXPECT_EQ(BE[0], 0);
}

std::vector<uint8_t> guestNote(bool LE, StringRef Text, size_t BufferSize) {
  std::vector<uint8_t> Buf;
  appendNote(Buf, LE, "VMCOREINFO", 0, arrayRefFromStringRef(Text));
  Buf.resize(BufferSize, 0xAB);
  return Buf;
}

TEST(NotesTest, GuestNoteIsSizedByItsOwnHeader) {
  for (bool LE : {true, false}) {
    std::vector<uint8_t> Buf = guestNote(LE, "OSRELEASE=6.1.0\n", 0x1024);
    Expected<std::vector<uint8_t>> Note = extractGuestNote(Buf, LE);
    ASSERT_TRUE(succeeded(Note));
    EXPECT_EQ(Note->size(), noteSize(11, 16));
    EXPECT_TRUE(std::equal(Note->begin(), Note->end(), Buf.begin()));
    auto Parsed = parseNotes(*Note, LE);
    ASSERT_TRUE(succeeded(Parsed));
    ASSERT_EQ(Parsed->size(), 1u);
    EXPECT_EQ((*Parsed)[0].Name, "VMCOREINFO");
    EXPECT_EQ(toStringRef((*Parsed)[0].Desc), "OSRELEASE=6.1.0\n");
  }
}

TEST(NotesTest, MalformedGuestNotesAreRejected) {
  std::vector<uint8_t> Buf = guestNote(true, "PAGESIZE=4096\n", 0x40);
  // descsz overruns the buffer the guest announced.
  EXPECT_THAT(errorOf(extractGuestNote(ArrayRef(Buf).take_front(30), true)),
              testing::HasSubstr("overruns"));
  // descsz beyond 1 MiB.
  std::vector<uint8_t> Huge = Buf;
  Huge[4] = 0x01, Huge[5] = 0x00, Huge[6] = 0x20, Huge[7] = 0x00;
  EXPECT_THAT(errorOf(extractGuestNote(Huge, true)),
              testing::HasSubstr("limit"));
  // Too short for a header.
  EXPECT_NE(errorOf(extractGuestNote(ArrayRef(Buf).take_front(8), true)), "");
  // Read with the wrong byte order, the sizes are absurd.
  EXPECT_NE(errorOf(extractGuestNote(Buf, false)), "");
}

} // namespace
