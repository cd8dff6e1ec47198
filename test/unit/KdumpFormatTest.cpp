//===- KdumpFormatTest.cpp - kdump headers, bitmaps and layout ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Vmcore/KdumpFormat.h"

#include "qemudump/Arch/X86.h"
#include "qemudump/Notes/Notes.h"

#include "KdumpTestUtil.h"
#include "TestUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;
using namespace qemudump::kdumptest;

namespace {

//===----------------------------------------------------------------------===//
// Header layouts, against makedumpfile's IMPLEMENTATION and diskdump_mod.h
//===----------------------------------------------------------------------===//

TEST(KdumpFormatTest, DiskDumpHeader64) {
  kdump::DiskDumpHeader H;
  H.Uts = someUts();
  H.TimestampSec = 0x1122334455;
  H.TimestampUsec = 654321;
  H.Status = 0x20;
  H.BlockSize = PS;
  H.SubHdrSize = 2;
  H.BitmapBlocks = 64;
  H.MaxMapnr = 0x100000;
  H.NrCpus = 4;
  std::vector<uint8_t> B = kdump::encodeDiskDumpHeader(x86_64(), H);
  // char signature[8]; int header_version; struct new_utsname (6 x 65);
  // struct timeval (aligned to 8: 408); then ten 32-bit fields.
  ASSERT_EQ(B.size(), 464u);
  EXPECT_EQ(str(B, 0, 8), "KDUMP   ");
  EXPECT_EQ(le32(B, 8), 6u);
  EXPECT_EQ(str(B, 12, 65), "Linux");
  EXPECT_EQ(str(B, 12 + 65, 65), "node");
  EXPECT_EQ(str(B, 12 + 2 * 65, 65), "6.1.0-test");
  EXPECT_EQ(str(B, 12 + 3 * 65, 65), "#1 SMP");
  EXPECT_EQ(str(B, 12 + 4 * 65, 65), "x86_64");
  EXPECT_EQ(str(B, 12 + 5 * 65, 65), "(none)");
  EXPECT_EQ(B[402], 0); // padding before the timeval
  EXPECT_EQ(le64(B, 408), 0x1122334455u);
  EXPECT_EQ(le64(B, 416), 654321u);
  EXPECT_EQ(le32(B, 424), 0x20u); // status
  EXPECT_EQ(le32(B, 428), PS);    // block_size
  EXPECT_EQ(le32(B, 432), 2u);    // sub_hdr_size
  EXPECT_EQ(le32(B, 436), 64u);   // bitmap_blocks
  EXPECT_EQ(le32(B, 440), 0x100000u);
  EXPECT_EQ(le32(B, 444), 0u); // total_ram_blocks
  EXPECT_EQ(le32(B, 448), 0u); // device_blocks
  EXPECT_EQ(le32(B, 452), 0u); // written_blocks
  EXPECT_EQ(le32(B, 456), 0u); // current_cpu
  EXPECT_EQ(le32(B, 460), 4u); // nr_cpus
}

TEST(KdumpFormatTest, DiskDumpHeader32AndBigEndian) {
  kdump::DiskDumpHeader H;
  H.Uts = someUts();
  H.TimestampSec = 1000;
  H.BlockSize = PS;
  H.NrCpus = 3;
  // i386: struct timeval of two 32-bit longs right after the utsname (404).
  std::vector<uint8_t> B =
      kdump::encodeDiskDumpHeader(cantFail(parseArch("386")), H);
  ASSERT_EQ(B.size(), 452u);
  EXPECT_EQ(le32(B, 404), 1000u);
  EXPECT_EQ(le32(B, 416), PS);
  EXPECT_EQ(le32(B, 448), 3u);
  // s390x: big-endian, 64-bit.
  B = kdump::encodeDiskDumpHeader(cantFail(parseArch("s390")), H);
  ASSERT_EQ(B.size(), 464u);
  EXPECT_EQ(be32(B, 8), 6u);
  EXPECT_EQ(be64(B, 408), 1000u);
  EXPECT_EQ(be32(B, 428), PS);
  EXPECT_EQ(be32(B, 460), 3u);
}

TEST(KdumpFormatTest, UtsnameFieldsAreCutToTheirSize) {
  kdump::DiskDumpHeader H;
  H.Uts = someUts();
  H.Uts.Version = std::string(100, 'v');
  std::vector<uint8_t> B = kdump::encodeDiskDumpHeader(x86_64(), H);
  EXPECT_EQ(str(B, 12 + 3 * 65, 65), std::string(64, 'v'));
  EXPECT_EQ(str(B, 12 + 4 * 65, 65), "x86_64");
}

TEST(KdumpFormatTest, SubHeaderLayouts) {
  kdump::SubHeader H;
  H.PhysBase = -352321536;
  H.DumpLevel = 0;
  H.OffsetVmcoreinfo = 0x1234;
  H.SizeVmcoreinfo = 0x567;
  H.OffsetNote = 0x1068;
  H.SizeNote = 0x1348;
  H.MaxMapnr64 = 0x123456789;
  // 64-bit: unsigned long phys_base; int dump_level, split; unsigned long
  // start_pfn, end_pfn; off_t offset_vmcoreinfo; unsigned long
  // size_vmcoreinfo; off_t offset_note; unsigned long size_note; off_t
  // offset_eraseinfo; unsigned long size_eraseinfo; unsigned long long
  // start_pfn_64, end_pfn_64, max_mapnr_64.
  std::vector<uint8_t> B = kdump::encodeSubHeader(x86_64(), H);
  ASSERT_EQ(B.size(), 104u);
  EXPECT_EQ(int64_t(le64(B, 0)), -352321536); // signed, two's complement
  EXPECT_EQ(le32(B, 8), 0u);                  // dump_level
  EXPECT_EQ(le32(B, 12), 0u);                 // split
  EXPECT_EQ(le64(B, 32), 0x1234u);
  EXPECT_EQ(le64(B, 40), 0x567u);
  EXPECT_EQ(le64(B, 48), 0x1068u);
  EXPECT_EQ(le64(B, 56), 0x1348u);
  EXPECT_EQ(le64(B, 64), 0u); // offset_eraseinfo
  EXPECT_EQ(le64(B, 80), 0u); // start_pfn_64
  EXPECT_EQ(le64(B, 96), 0x123456789u);

  // i386 packs 64-bit members at 4 (kdump_sub_header_32pack).
  H.PhysBase = 0x1000000;
  B = kdump::encodeSubHeader(cantFail(parseArch("386")), H);
  ASSERT_EQ(B.size(), 80u);
  EXPECT_EQ(le32(B, 0), 0x1000000u);
  EXPECT_EQ(le64(B, 20), 0x1234u);
  EXPECT_EQ(le32(B, 28), 0x567u);
  EXPECT_EQ(le64(B, 32), 0x1068u);
  EXPECT_EQ(le32(B, 40), 0x1348u);
  EXPECT_EQ(le64(B, 72), 0x123456789u);

  // arm aligns them to 8 (kdump_sub_header_32pad).
  B = kdump::encodeSubHeader(cantFail(parseArch("arm")), H);
  ASSERT_EQ(B.size(), 96u);
  EXPECT_EQ(le64(B, 24), 0x1234u);
  EXPECT_EQ(le32(B, 32), 0x567u);
  EXPECT_EQ(le64(B, 40), 0x1068u);
  EXPECT_EQ(le32(B, 48), 0x1348u);
  EXPECT_EQ(le64(B, 88), 0x123456789u);

  // Big-endian 64-bit.
  B = kdump::encodeSubHeader(cantFail(parseArch("ppc64-be")), H);
  EXPECT_EQ(be64(B, 0), 0x1000000u);
  EXPECT_EQ(be64(B, 96), 0x123456789u);
}

TEST(KdumpFormatTest, PageDescriptorsAndFlattenedHeaders) {
  std::vector<uint8_t> D;
  kdump::appendPageDesc(D, true, 0x123456789a, 1234, 0x4);
  kdump::appendPageDesc(D, false, 0x10, PS, 0);
  ASSERT_EQ(D.size(), 48u);
  EXPECT_EQ(le64(D, 0), 0x123456789au);
  EXPECT_EQ(le32(D, 8), 1234u);
  EXPECT_EQ(le32(D, 12), 4u);
  EXPECT_EQ(le64(D, 16), 0u); // page_flags
  EXPECT_EQ(be64(D, 24), 0x10u);
  EXPECT_EQ(be32(D, 32), PS);

  std::vector<uint8_t> F = kdump::flatHeader();
  ASSERT_EQ(F.size(), 4096u);
  EXPECT_EQ(str(F, 0, 16), "makedumpfile");
  EXPECT_EQ(be64(F, 16), 1u); // TYPE_FLAT_HEADER
  EXPECT_EQ(be64(F, 24), 1u); // VERSION_FLAT_HEADER
  std::vector<uint8_t> R;
  kdump::appendFlatDataHeader(R, 0x2000, 24);
  kdump::appendFlatDataHeader(R, -1, -1);
  EXPECT_EQ(be64(R, 0), 0x2000u);
  EXPECT_EQ(be64(R, 8), 24u);
  EXPECT_EQ(be64(R, 16), ~0ULL);
  EXPECT_EQ(be64(R, 24), ~0ULL);
}

TEST(KdumpFormatTest, Bitmaps) {
  GuestMemoryMap Map;
  // Pages 0-159, 192-2047 (unaligned end: page 2047 is partly RAM), and
  // page 0x100001 alone.
  ASSERT_TRUE(succeeded(Map.addRange(0, 0xa0000, 0x10000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0xc0000, 0x7ff800 - 0xc0000, 0x20000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0x100001100, 0x10, 0x30000000)));
  EXPECT_EQ(kdump::maxMapnr(Map, PS), 0x100002u);
  // 257 bytes: pages 0-2055, so that page 2048 is inside the window.
  std::vector<uint8_t> B = kdump::bitmapBytes(Map, PS, 0, 257);
  auto Bit = [&](uint64_t Pfn) { return (B[Pfn / 8] >> (Pfn % 8)) & 1; };
  EXPECT_EQ(Bit(0), 1);
  EXPECT_EQ(Bit(159), 1);
  EXPECT_EQ(Bit(160), 0);
  EXPECT_EQ(Bit(191), 0);
  EXPECT_EQ(Bit(192), 1);
  EXPECT_EQ(Bit(2047), 1);
  EXPECT_EQ(Bit(2048), 0);
  EXPECT_EQ(B[0], 0xff);
  EXPECT_EQ(B[20], 0x00); // pages 160-167
  EXPECT_EQ(B[255], 0xff);
  // A window far out: byte 0x20000 holds pages 0x100000-0x100007.
  B = kdump::bitmapBytes(Map, PS, 0x20000, 1);
  ASSERT_EQ(B.size(), 1u);
  EXPECT_EQ(B[0], 0x02);
}

//===----------------------------------------------------------------------===//
// The layout, computed before anything is written
//===----------------------------------------------------------------------===//

TEST(KdumpFormatTest, LayoutPlacesEveryPart) {
  GuestMemoryMap Map;
  // Pages 0-159 and 256-1279 (1 MiB to 5 MiB): 1184 pages, max_mapnr 1280.
  ASSERT_TRUE(succeeded(Map.addRange(0, 0xa0000, 0x10000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0x100000, 0x400000, 0x20000000)));
  NoteSegment Notes = vmcoreInfoNotes("OSRELEASE=6.1\n");
  Expected<kdump::FileLayout> L =
      kdump::layOut(x86_64(), 0x1000, Map, Notes.bytes().size());
  ASSERT_TRUE(succeeded(L));
  kdump::SubHeader Sub = kdump::subHeader(*L, Notes, -4096);
  EXPECT_EQ(L->BlockSize, PS);
  ASSERT_EQ(L->Runs.size(), 2u);
  EXPECT_EQ(L->Runs[0].First, 0u);
  EXPECT_EQ(L->Runs[0].End, 160u);
  EXPECT_EQ(L->Runs[1].First, 256u);
  EXPECT_EQ(L->Runs[1].End, 1280u);
  EXPECT_EQ(L->Pages, 1184u);
  EXPECT_EQ(L->MaxMapnr, 1280u);
  // Block 1: the sub header (104 bytes) and the notes right after it.
  EXPECT_EQ(L->NotesOffset, PS + 104u);
  EXPECT_EQ(Sub.PhysBase, -4096);
  EXPECT_EQ(Sub.OffsetNote, PS + 104u);
  EXPECT_EQ(Sub.SizeNote, Notes.bytes().size());
  EXPECT_EQ(Sub.OffsetVmcoreinfo, PS + 104u + 12 + 12); // header, name
  EXPECT_EQ(Sub.SizeVmcoreinfo, 14u);
  EXPECT_EQ(Sub.MaxMapnr64, 1280u);
  EXPECT_EQ(L->SubHdrBlocks, 1u);
  // Bitmaps of 160 bytes, each a whole block; descriptors; the zero page.
  EXPECT_EQ(L->BitmapBytes, PS);
  EXPECT_EQ(L->BitmapOffset, 2u * PS);
  EXPECT_EQ(L->DescOffset, 4u * PS);
  EXPECT_EQ(L->ZeroPageOffset, 4u * PS + 1184 * 24);
  EXPECT_EQ(L->DataOffset, L->ZeroPageOffset + PS);
}

TEST(KdumpFormatTest, APartialLayoutExcludesThePagesItLacks) {
  GuestMemoryMap Ram, Held;
  // RAM: pages 0-159 and 256-1279. Held: pages 0-159, and 256 up to the
  // middle of page 600 (a page held in part is excluded), then 1000-1279.
  ASSERT_TRUE(succeeded(Ram.addRange(0, 0xa0000, 0x10000000)));
  ASSERT_TRUE(succeeded(Ram.addRange(0x100000, 0x400000, 0x20000000)));
  ASSERT_TRUE(succeeded(Held.addRange(0, 0xa0000, 0x10000000)));
  ASSERT_TRUE(succeeded(Held.addRange(0x100000, 0x158800, 0x20000000)));
  ASSERT_TRUE(succeeded(Held.addRange(0x3e8000, 0x118000, 0x202e8000)));
  Expected<kdump::FileLayout> L = kdump::layOut(x86_64(), 0x1000, Ram, Held, 0);
  ASSERT_TRUE(succeeded(L));
  ASSERT_EQ(L->RamRuns.size(), 2u);
  EXPECT_EQ(L->RamRuns[1].End, 1280u);
  ASSERT_EQ(L->Runs.size(), 3u);
  EXPECT_EQ(L->Runs[0].End, 160u);
  EXPECT_EQ(L->Runs[1].First, 256u);
  EXPECT_EQ(L->Runs[1].End, 600u);
  EXPECT_EQ(L->Runs[2].First, 1000u);
  EXPECT_EQ(L->Runs[2].End, 1280u);
  EXPECT_EQ(L->Pages, 160u + 344 + 280);
  EXPECT_EQ(L->MaxMapnr, 1280u);
  // The first bitmap has every page of RAM, the second those dumped.
  std::vector<uint8_t> First = kdump::bitmapBytes(L->RamRuns, 75, 1);
  std::vector<uint8_t> Second = kdump::bitmapBytes(L->Runs, 75, 1);
  EXPECT_EQ(First[0], 0xff); // pages 600-607
  EXPECT_EQ(Second[0], 0x00);
}

TEST(KdumpFormatTest, LayoutGrowsWithNotesAndRam) {
  GuestMemoryMap Map;
  // RAM up to 64 GiB + 4 KiB: 2 MiB + 1 byte of bitmap, rounded to blocks.
  ASSERT_TRUE(succeeded(Map.addRange(0x1000000000, 0x1000, 0x10000000)));
  NoteSegment Notes(true);
  std::vector<X86CpuState> Cpus(20);
  Notes.addCpuNotes(x86CpuNotes(Cpus, true));
  Notes.finalize();
  Expected<kdump::FileLayout> L =
      kdump::layOut(x86_64(), 0x1000, Map, Notes.bytes().size());
  ASSERT_TRUE(succeeded(L));
  kdump::SubHeader Sub = kdump::subHeader(*L, Notes, 0);
  EXPECT_EQ(L->Pages, 1u);
  EXPECT_EQ(L->MaxMapnr, 0x1000001u);
  EXPECT_EQ(L->BitmapBytes, (0x1000001u / 8 / PS + 1) * PS);
  EXPECT_FALSE(Notes.vmcoreInfo());
  EXPECT_EQ(Sub.OffsetVmcoreinfo, 0u);
  EXPECT_EQ(Sub.SizeVmcoreinfo, 0u);
  // 20 x (CORE 356 + QEMU 460) bytes of notes: five blocks with the header.
  EXPECT_EQ(L->SubHdrBlocks, (104 + Notes.bytes().size() + PS - 1) / PS);
  EXPECT_EQ(L->SubHdrBlocks, 5u);
  EXPECT_EQ(L->BitmapOffset, (1 + L->SubHdrBlocks) * PS);
  // Room for more notes than there are (a VMCOREINFO note still to be found
  // in guest RAM): more blocks, the same offsets in them.
  Expected<kdump::FileLayout> Roomy =
      kdump::layOut(x86_64(), 0x1000, Map, Notes.bytes().size() + 0x10018);
  ASSERT_TRUE(succeeded(Roomy));
  EXPECT_EQ(Roomy->SubHdrBlocks,
            (104 + Notes.bytes().size() + 0x10018 + PS - 1) / PS);
  EXPECT_EQ(Roomy->SubHdrBlocks, 21u);
  EXPECT_EQ(Roomy->NotesOffset, L->NotesOffset);
  EXPECT_EQ(kdump::subHeader(*Roomy, Notes, 0).SizeNote, Notes.bytes().size());
}

TEST(KdumpFormatTest, LayoutRefusesWhatTheFormatCannotHold) {
  GuestMemoryMap Empty;
  EXPECT_THAT(errorOf(kdump::layOut(x86_64(), 0x1000, Empty, 20)),
              testing::HasSubstr("no guest RAM"));
  GuestMemoryMap Huge;
  // Beyond 2^32 blocks of bitmap: past 2^62 bytes of guest-physical space.
  ASSERT_TRUE(succeeded(Huge.addRange(0x7ffffffffffff000, 0x1000, 0x1000)));
  EXPECT_THAT(errorOf(kdump::layOut(x86_64(), 0x1000, Huge, 20)),
              testing::HasSubstr("too high for a kdump file"));
}

} // namespace
