//===- CoreLayoutTest.cpp - Minidump and Mach-O core layouts --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Input/CoreLayout.h"
#include "qemudump/Input/BuildId.h"

#include "TestUtil.h"

#include "llvm/BinaryFormat/MachO.h"

#include <cstring>

using namespace llvm;
using namespace qemudump;

namespace {

/// A little-endian file under construction.
struct Bytes {
  std::vector<uint8_t> B;
  uint64_t size() const { return B.size(); }
  void u16(uint16_t V) { put(&V, 2); }
  void u32(uint32_t V) { put(&V, 4); }
  void u64(uint64_t V) { put(&V, 8); }
  void put(const void *P, size_t N) {
    const auto *C = static_cast<const uint8_t *>(P);
    B.insert(B.end(), C, C + N);
  }
  void fill(size_t N, uint8_t V = 0) { B.insert(B.end(), N, V); }
  void set32(uint64_t Off, uint32_t V) { std::memcpy(&B[Off], &V, 4); }
  MemoryBufferRef ref(size_t Keep = SIZE_MAX) const {
    return MemoryBufferRef(StringRef(reinterpret_cast<const char *>(B.data()),
                                     std::min(Keep, B.size())),
                           "test.dmp");
  }
};

constexpr uint64_t RamHost = 0x7f0000000000;
const uint8_t ExeId[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};

/// A minidump as LLDB's `process save-core --style full` writes one:
/// ModuleList (QEMU, with an ELF build-id), MemoryInfoList and
/// Memory64List. QEMU had RAM at RamHost (0x3000 bytes, stored as two
/// ranges), a small readable region at RamHost + 0x10000 the file left out,
/// and nothing between.
Bytes fullMinidump() {
  Bytes F;
  // Header; the directory of 3 streams follows it at 32.
  F.u32(0x504d444d);
  F.u32(0xa793);
  F.u32(3);
  F.u32(32);
  F.u32(0);
  F.u32(0);
  F.u64(0);
  uint64_t Dir = F.size();
  F.fill(3 * 12);
  auto Stream = [&](int I, uint32_t Type, uint64_t Rva, uint64_t Size) {
    F.set32(Dir + I * 12, Type);
    F.set32(Dir + I * 12 + 4, Size);
    F.set32(Dir + I * 12 + 8, Rva);
  };
  // Module name, CodeView record, ModuleList.
  uint64_t Name = F.size();
  std::string Path = "/opt/qemu/bin/qemu-system-x86_64";
  F.u32(Path.size() * 2);
  for (char C : Path)
    F.u16(C);
  uint64_t Cv = F.size();
  F.u32(0x4270454c); // 'BpEL'
  F.put(ExeId, sizeof(ExeId));
  uint64_t Modules = F.size();
  F.u32(1);
  F.u64(0x555555554000); // BaseOfImage
  F.u32(0x1000);         // SizeOfImage
  F.u32(0);
  F.u32(0);
  F.u32(Name);
  F.fill(52);               // VS_FIXEDFILEINFO
  F.u32(4 + sizeof(ExeId)); // CvRecord
  F.u32(Cv);
  F.fill(8 + 16); // MiscRecord, reserved
  Stream(0, 4, Modules, F.size() - Modules);
  // MemoryInfoList: RAM (committed, RW), the left-out region (committed,
  // RO), a free region.
  uint64_t Info = F.size();
  F.u32(16);
  F.u32(48);
  F.u64(3);
  auto Region = [&](uint64_t Base, uint64_t Size, uint32_t State,
                    uint32_t Protect) {
    F.u64(Base);
    F.u64(Base);
    F.u32(Protect);
    F.u32(0);
    F.u64(Size);
    F.u32(State);
    F.u32(Protect);
    F.u32(0x20000);
    F.u32(0);
  };
  Region(RamHost, 0x3000, 0x1000, 0x04);
  Region(RamHost + 0x3000, 0xd000, 0x10000, 0x01);
  Region(RamHost + 0x10000, 0x100, 0x1000, 0x02);
  Stream(1, 16, Info, F.size() - Info);
  // Memory64List: RamHost (0x1000) and RamHost + 0x1000 (0x2000), data
  // after the descriptors.
  uint64_t Mem = F.size();
  F.u64(2);
  uint64_t BaseOff = F.size();
  F.u64(0);
  F.u64(RamHost);
  F.u64(0x1000);
  F.u64(RamHost + 0x1000);
  F.u64(0x2000);
  Stream(2, 9, Mem, F.size() - Mem);
  uint64_t DataRva = F.size();
  std::memcpy(&F.B[BaseOff], &DataRva, 8);
  F.fill(0x3000, 0xab);
  return F;
}

TEST(CoreLayoutTest, IdentifiesFormatsByTheirFirstBytes) {
  auto Id = [](std::vector<uint8_t> H) {
    H.resize(32);
    return identifyCoreFormat(H);
  };
  EXPECT_EQ(Id({0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0}),
            CoreFormat::Elf);
  EXPECT_EQ(Id({0x7f, 'E', 'L', 'F', 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4}),
            CoreFormat::Elf);
  EXPECT_EQ(Id({0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0}),
            CoreFormat::Unknown); // an executable
  EXPECT_EQ(Id({'M', 'D', 'M', 'P', 0x93, 0xa7}), CoreFormat::Minidump);
  EXPECT_EQ(Id({0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1, 3, 0, 0, 0, 4, 0, 0, 0}),
            CoreFormat::MachO);
  EXPECT_EQ(Id({0xfe, 0xed, 0xfa, 0xcf, 1, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0, 4}),
            CoreFormat::MachO);
  EXPECT_EQ(Id({0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1, 3, 0, 0, 0, 2, 0, 0, 0}),
            CoreFormat::Unknown); // MH_EXECUTE
  EXPECT_EQ(identifyCoreFormat({}), CoreFormat::Unknown);
  EXPECT_EQ(coreFormatName(CoreFormat::Minidump), "minidump");
}

TEST(CoreLayoutTest, MinidumpStoredRangesRegionsAndModules) {
  Bytes F = fullMinidump();
  Expected<CoreLayout> L = readMinidumpLayout(F.ref());
  ASSERT_TRUE(succeeded(L));
  EXPECT_EQ(L->Format, CoreFormat::Minidump);
  ASSERT_EQ(L->Stored.size(), 1u); // the two ranges are adjacent: merged
  EXPECT_EQ(L->Stored[0].Start, RamHost);
  EXPECT_EQ(L->Stored[0].Size, 0x3000u);
  EXPECT_TRUE(L->Zero.empty()); // a minidump declares nothing zero
  EXPECT_FALSE(L->Damage);
  EXPECT_FALSE(L->Partial);
  ASSERT_EQ(L->Regions.size(), 3u);
  EXPECT_TRUE(L->Regions[0].Committed && L->Regions[0].Readable);
  EXPECT_FALSE(L->Regions[1].Committed);
  ASSERT_EQ(L->Modules.size(), 1u);
  EXPECT_EQ(L->Modules[0].Path, "/opt/qemu/bin/qemu-system-x86_64");
  EXPECT_EQ(L->Modules[0].BuildId,
            std::vector<uint8_t>(ExeId, ExeId + sizeof(ExeId)));
  EXPECT_TRUE(L->storedAt(RamHost + 0x2fff));
  EXPECT_FALSE(L->storedAt(RamHost + 0x3000));
}

TEST(CoreLayoutTest, MinidumpSaysWhyAnAddressIsMissing) {
  Bytes F = fullMinidump();
  Expected<CoreLayout> L = readMinidumpLayout(F.ref());
  ASSERT_TRUE(succeeded(L));
  std::string LeftOut = L->whyMissing(RamHost + 0x10000, "q.dmp");
  EXPECT_THAT(LeftOut, testing::HasSubstr("minidump core 'q.dmp' does not "
                                          "hold QEMU's memory at "
                                          "0x7f0000010000"));
  EXPECT_THAT(LeftOut, testing::HasSubstr("file left it out"));
  EXPECT_THAT(LeftOut, testing::HasSubstr("--style full"));
  EXPECT_THAT(L->whyMissing(RamHost + 0x5000, "q.dmp"),
              testing::HasSubstr("QEMU had no readable memory there"));
}

TEST(CoreLayoutTest, TruncatedMinidumpKeepsWhatItHasAndNamesTheCut) {
  Bytes F = fullMinidump();
  // Cut in the middle of the second range's data.
  Expected<CoreLayout> L = readMinidumpLayout(F.ref(F.size() - 0x1800));
  ASSERT_TRUE(succeeded(L));
  ASSERT_EQ(L->Stored.size(), 1u);
  EXPECT_EQ(L->Stored[0].Size, 0x1800u);
  ASSERT_TRUE(L->Damage);
  EXPECT_THAT(*L->Damage, testing::HasSubstr("is truncated"));
  EXPECT_THAT(*L->Damage, testing::HasSubstr("0x7f0000001800"));
  ASSERT_TRUE(L->cutAt(RamHost + 0x2000));
  EXPECT_THAT(L->whyMissing(RamHost + 0x2000, "q.dmp"),
              testing::HasSubstr("is truncated"));
  // What was left out on purpose is still said to be left out.
  EXPECT_THAT(L->whyMissing(RamHost + 0x10000, "q.dmp"),
              testing::HasSubstr("file left it out"));
}

TEST(CoreLayoutTest, MinidumpMemoryListOfTheOlderKind) {
  Bytes F;
  F.u32(0x504d444d);
  F.u32(0xa793);
  F.u32(1);
  F.u32(32);
  F.fill(16);
  F.u32(5); // MemoryList
  F.u32(4 + 2 * 16);
  F.u32(44);
  F.u32(2);
  F.u64(0x2000); // stored second in the file, first in memory
  F.u32(0x10);
  F.u32(44 + 4 + 32 + 0x10);
  F.u64(0x1000);
  F.u32(0x10);
  F.u32(44 + 4 + 32);
  F.fill(0x20, 1);
  Expected<CoreLayout> L = readMinidumpLayout(F.ref());
  ASSERT_TRUE(succeeded(L));
  ASSERT_EQ(L->Stored.size(), 2u);
  EXPECT_EQ(L->Stored[0].Start, 0x1000u);
  EXPECT_EQ(L->Stored[1].Start, 0x2000u);
  EXPECT_FALSE(L->Damage);
  EXPECT_TRUE(L->Regions.empty());
  EXPECT_THAT(L->whyMissing(0x3000, "q.dmp"),
              testing::HasSubstr("save the core with all of QEMU's memory"));
}

TEST(CoreLayoutTest, MinidumpWithLinuxMapsInsteadOfMemoryInfoList) {
  // As LLDB writes them on Linux: no MemoryInfoList, /proc/PID/maps text.
  Bytes F;
  F.u32(0x504d444d);
  F.u32(0xa793);
  F.u32(2);
  F.u32(32);
  F.fill(16);
  std::string Maps = "7f0000000000-7f0000003000 rw-p 00000000 00:00 0 \n"
                     "7f0000003000-7f0000004000 ---p 00000000 00:00 0 \n"
                     "garbage\n"
                     "7f0000010000-7f0000011000 r--p 00000000 08:01 12 /x\n";
  uint64_t MapsAt = 32 + 2 * 12;
  uint64_t MemAt = MapsAt + Maps.size();
  F.u32(0x47670009); // LinuxMaps
  F.u32(Maps.size());
  F.u32(MapsAt);
  F.u32(9); // Memory64List
  F.u32(32);
  F.u32(MemAt);
  F.put(Maps.data(), Maps.size());
  F.u64(1);
  F.u64(MemAt + 32);
  F.u64(RamHost);
  F.u64(0x3000);
  F.fill(0x3000, 7);
  Expected<CoreLayout> L = readMinidumpLayout(F.ref());
  ASSERT_TRUE(succeeded(L));
  ASSERT_EQ(L->Regions.size(), 3u);
  EXPECT_THAT(L->whyMissing(RamHost + 0x10000, "q.dmp"),
              testing::HasSubstr("QEMU had it (0x7f0000010000-0x7f0000011000, "
                                 "readable), but the file left it out"));
  EXPECT_THAT(L->whyMissing(RamHost + 0x3000, "q.dmp"),
              testing::HasSubstr("QEMU had no readable memory there"));
  // It stores 0x3000 of the 0x4000 readable bytes its maps list: a partial
  // minidump, the likely cause of what cannot be read.
  EXPECT_FALSE(L->Damage);
  ASSERT_TRUE(L->Partial);
  EXPECT_THAT(*L->Partial, testing::HasSubstr("holds 12288 of the 16384 bytes "
                                              "of memory QEMU could read"));
  EXPECT_EQ(L->classify(RamHost + 0x10000), CoreLayout::Missing::LeftOut);
  EXPECT_EQ(L->classify(RamHost + 0x3000), CoreLayout::Missing::NotMapped);
}

TEST(CoreLayoutTest, DamagedMinidumpsAreRefused) {
  Bytes F = fullMinidump();
  EXPECT_THAT(errorOf(readMinidumpLayout(F.ref(40))),
              testing::HasSubstr("its stream directory (3 entries at offset "
                                 "0x20) is beyond the end of the file"));
  Bytes Bad = F;
  Bad.set32(0, 0x12345678);
  EXPECT_THAT(errorOf(readMinidumpLayout(Bad.ref())),
              testing::HasSubstr("does not start with a minidump header"));
  Bytes Far = F;
  Far.set32(32 + 2 * 12 + 8, 0xfffffff0); // Memory64List's RVA
  EXPECT_THAT(errorOf(readMinidumpLayout(Far.ref())),
              testing::HasSubstr("Memory64List stream is beyond the end"));
}

/// A segment of a Mach-O core: its file data at offset FileOff from the end
/// of the load commands.
struct Segment {
  uint64_t VAddr, VSize, FileOff, FileSize;
  uint32_t Prot = MachO::VM_PROT_READ | MachO::VM_PROT_WRITE;
};

/// A 64-bit Mach-O core of \p Segs, followed by \p DataBytes of data.
Bytes machOCoreOf(ArrayRef<Segment> Segs, size_t DataBytes) {
  Bytes F;
  MachO::mach_header_64 H{};
  H.magic = MachO::MH_MAGIC_64;
  H.cputype = MachO::CPU_TYPE_X86_64;
  H.filetype = MachO::MH_CORE;
  H.ncmds = Segs.size();
  H.sizeofcmds = Segs.size() * sizeof(MachO::segment_command_64);
  F.put(&H, sizeof(H));
  uint64_t Data = sizeof(H) + H.sizeofcmds;
  for (const Segment &G : Segs) {
    MachO::segment_command_64 S{};
    S.cmd = MachO::LC_SEGMENT_64;
    S.cmdsize = sizeof(S);
    S.vmaddr = G.VAddr;
    S.vmsize = G.VSize;
    S.fileoff = Data + G.FileOff;
    S.filesize = G.FileSize;
    S.initprot = S.maxprot = G.Prot;
    F.put(&S, sizeof(S));
  }
  F.fill(DataBytes, 0xcd);
  return F;
}

/// A Mach-O core: two LC_SEGMENT_64, the first stored whole (0x1000 at
/// 0x10000), the second only its first 0x1000 of 0x4000 (at 0x20000).
Bytes machOCore() {
  return machOCoreOf(
      {{0x10000, 0x1000, 0, 0x1000}, {0x20000, 0x4000, 0x1000, 0x1000}},
      0x2000);
}

TEST(CoreLayoutTest, MachOSegmentsStoreTheirFileSizeTheRestIsZero) {
  Bytes F = machOCore();
  Expected<CoreLayout> L = readMachOCoreLayout(F.ref());
  ASSERT_TRUE(succeeded(L));
  EXPECT_EQ(L->Format, CoreFormat::MachO);
  ASSERT_EQ(L->Stored.size(), 2u);
  ASSERT_EQ(L->Zero.size(), 1u);
  EXPECT_EQ(L->Zero[0].Start, 0x21000u);
  EXPECT_EQ(L->Zero[0].Size, 0x3000u);
  EXPECT_FALSE(L->Damage);
  EXPECT_TRUE(L->zeroAt(0x23fff));
  EXPECT_FALSE(L->zeroAt(0x24000));
  EXPECT_TRUE(L->Modules.empty());
}

TEST(CoreLayoutTest, TruncatedMachOCoreIsCutNotZero) {
  Bytes F = machOCore();
  Expected<CoreLayout> L = readMachOCoreLayout(F.ref(F.size() - 0x800));
  ASSERT_TRUE(succeeded(L));
  ASSERT_TRUE(L->Damage);
  EXPECT_THAT(*L->Damage, testing::HasSubstr("Mach-O core 'test.dmp' is "
                                             "truncated"));
  EXPECT_TRUE(L->cutAt(0x20800));
  EXPECT_FALSE(L->zeroAt(0x20800)); // missing, not zero
  EXPECT_TRUE(L->zeroAt(0x21000));  // never stored: zero by the format
}

TEST(CoreLayoutTest, MachOStoredBytesWinOverAnotherSegmentsZeroTail) {
  // A hostile or odd core: a segment nested in another's zero tail, and a
  // segment QEMU could not read (its tail is missing, not zero).
  Bytes F = machOCoreOf({{0x10000, 0x4000, 0, 0x1000, MachO::VM_PROT_READ},
                         {0x12000, 0x1000, 0x1000, 0x1000, MachO::VM_PROT_READ},
                         {0x20000, 0x2000, 0x2000, 0x1000, 0}},
                        0x3000);
  Expected<CoreLayout> L = readMachOCoreLayout(F.ref());
  ASSERT_TRUE(succeeded(L));
  EXPECT_TRUE(L->storedAt(0x12000));
  EXPECT_FALSE(L->zeroAt(0x12000));
  EXPECT_TRUE(L->zeroAt(0x11000));
  EXPECT_TRUE(L->zeroAt(0x13000));
  EXPECT_FALSE(L->zeroAt(0x21000));
  EXPECT_EQ(L->classify(0x21000), CoreLayout::Missing::NotMapped);
}

TEST(CoreLayoutTest, NormalizeMergesAndSubtracts) {
  CoreLayout L;
  L.Stored = {{0x3000, 0x1000}, {0x1000, 0x1000}, {0x1800, 0x1000}};
  L.Zero = {{0x0, 0x5000}};
  L.Cut = {{0x4800, 0x1000}};
  L.normalize();
  ASSERT_EQ(L.Stored.size(), 2u);
  EXPECT_EQ(L.Stored[0].Start, 0x1000u);
  EXPECT_EQ(L.Stored[0].Size, 0x1800u);
  ASSERT_EQ(L.Zero.size(), 3u); // [0, 0x1000) [0x2800, 0x3000) [0x4000, 0x4800)
  EXPECT_EQ(L.Zero[0].Size, 0x1000u);
  EXPECT_EQ(L.Zero[1].Start, 0x2800u);
  EXPECT_EQ(L.Zero[1].Size, 0x800u);
  EXPECT_EQ(L.Zero[2].Start, 0x4000u);
  EXPECT_EQ(L.Zero[2].Size, 0x800u);
  ASSERT_EQ(L.Cut.size(), 1u);
}

TEST(CoreLayoutTest, DamagedOrThirtyTwoBitMachOCoresAreRefused) {
  Bytes F = machOCore();
  F.set32(sizeof(MachO::mach_header_64) + 4, 4); // cmdsize too small
  EXPECT_THAT(errorOf(readMachOCoreLayout(F.ref())),
              testing::HasSubstr("load command 0 at offset 0x20 is damaged"));
  Bytes Small = machOCore();
  Small.set32(0, MachO::MH_MAGIC);
  EXPECT_THAT(errorOf(readMachOCoreLayout(Small.ref())),
              testing::HasSubstr("32-bit Mach-O core"));
  Bytes Cmds = machOCore();
  EXPECT_THAT(errorOf(readMachOCoreLayout(Cmds.ref(40))),
              testing::HasSubstr("load commands (144 bytes) are beyond"));
}

TEST(CoreLayoutTest, RecordedImagesAgainstTheExecutable) {
  std::vector<RecordedImage> Images = {
      {"/usr/lib/libc.so.6", {1, 2, 3, 4}},
      {"/opt/qemu/bin/qemu-system-x86_64", {0xde, 0xad, 0xbe, 0xef}}};
  EXPECT_TRUE(succeeded(checkImagesMatchExecutable(Images, "qemu-system-x86_64",
                                                   "deadbeef", "minidump")));
  EXPECT_THAT(errorOf(checkImagesMatchExecutable(Images, "qemu-system-x86_64",
                                                 "deadbeee", "minidump")),
              testing::HasSubstr("the minidump was written by a different "
                                 "build of QEMU than 'qemu-system-x86_64': "
                                 "build-id deadbeef in the minidump"));
  // A UUID that is not a build-id of that size, or no image of that name:
  // nothing to tell.
  EXPECT_TRUE(succeeded(checkImagesMatchExecutable(
      Images, "qemu-system-x86_64", "deadbeef0000", "minidump")));
  EXPECT_TRUE(succeeded(checkImagesMatchExecutable(
      Images, "qemu-system-aarch64", "deadbeee", "minidump")));
}

} // namespace
