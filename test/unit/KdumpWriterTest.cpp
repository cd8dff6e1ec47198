#include "qemudump/KdumpWriter.h"
#include "qemudump/Notes.h"

#include "TestUtil.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <cstring>
#include <map>
#include <random>
#include <set>

#ifdef QEMUDUMP_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef QEMUDUMP_HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef QEMUDUMP_HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef QEMUDUMP_HAVE_ZSTD
#include <zstd.h>
#endif

using namespace llvm;
using namespace qemudump;

namespace {

constexpr uint32_t PS = 4096;
const Arch &x86_64() { return cantFail(parseArch("X86_64")); }

uint64_t le64(ArrayRef<uint8_t> B, size_t Off) {
  return support::endian::read64le(B.data() + Off);
}
uint32_t le32(ArrayRef<uint8_t> B, size_t Off) {
  return support::endian::read32le(B.data() + Off);
}
uint64_t be64(ArrayRef<uint8_t> B, size_t Off) {
  return support::endian::read64be(B.data() + Off);
}
uint32_t be32(ArrayRef<uint8_t> B, size_t Off) {
  return support::endian::read32be(B.data() + Off);
}
std::string str(ArrayRef<uint8_t> B, size_t Off, size_t Max) {
  StringRef S(reinterpret_cast<const char *>(B.data()) + Off, Max);
  return S.take_until([](char C) { return C == 0; }).str();
}

KdumpUtsname someUts() {
  return {"Linux", "node", "6.1.0-test", "#1 SMP", "x86_64", "(none)"};
}

//===----------------------------------------------------------------------===//
// Header layouts, against makedumpfile's IMPLEMENTATION and diskdump_mod.h
//===----------------------------------------------------------------------===//

TEST(KdumpLayoutTest, DiskDumpHeader64) {
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

TEST(KdumpLayoutTest, DiskDumpHeader32AndBigEndian) {
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

TEST(KdumpLayoutTest, UtsnameFieldsAreCutToTheirSize) {
  kdump::DiskDumpHeader H;
  H.Uts = someUts();
  H.Uts.Version = std::string(100, 'v');
  std::vector<uint8_t> B = kdump::encodeDiskDumpHeader(x86_64(), H);
  EXPECT_EQ(str(B, 12 + 3 * 65, 65), std::string(64, 'v'));
  EXPECT_EQ(str(B, 12 + 4 * 65, 65), "x86_64");
}

TEST(KdumpLayoutTest, SubHeaderLayouts) {
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

TEST(KdumpLayoutTest, PageDescriptorsAndFlattenedHeaders) {
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

TEST(KdumpLayoutTest, Bitmaps) {
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
// Whole files
//===----------------------------------------------------------------------===//

/// Host memory from buffers at given addresses; optionally, ranges the
/// source knows to be zero without reading them.
class BufferMemory : public MemorySource {
public:
  std::map<uint64_t, std::vector<uint8_t>> Buffers;
  std::vector<std::pair<uint64_t, uint64_t>> KnownZero;
  uint64_t BytesRead = 0;
  uint64_t FailAt = ~0ULL;

  Extent extent(uint64_t Addr, uint64_t MaxLen) override {
    for (auto [Lo, Hi] : KnownZero) {
      if (Addr >= Lo && Addr < Hi)
        return {true, std::min(MaxLen, Hi - Addr)};
      if (Lo > Addr && Lo < Addr + MaxLen)
        MaxLen = Lo - Addr;
    }
    return {false, MaxLen};
  }
  Error read(uint64_t Addr, MutableArrayRef<uint8_t> Buf) override {
    if (FailAt >= Addr && FailAt < Addr + Buf.size())
      return createStringError(inconvertibleErrorCode(), "unreadable");
    auto It = Buffers.upper_bound(Addr);
    if (It == Buffers.begin())
      return createStringError(inconvertibleErrorCode(), "no buffer");
    --It;
    uint64_t Off = Addr - It->first;
    if (Off + Buf.size() > It->second.size())
      return createStringError(inconvertibleErrorCode(), "past the buffer");
    std::memcpy(Buf.data(), It->second.data() + Off, Buf.size());
    BytesRead += Buf.size();
    return Error::success();
  }
};

/// The decoded raw kdump file: the bytes of each dumped page.
struct Decoded {
  std::vector<uint8_t> Header, Sub;
  std::map<uint64_t, std::vector<uint8_t>> Pages;
  std::set<uint64_t> ZeroOffsets;
  unsigned Compressed = 0, Plain = 0;
  std::string Problem;
};

std::vector<uint8_t> decompress(uint32_t Flags, ArrayRef<uint8_t> In) {
  std::vector<uint8_t> Out(PS);
  switch (Flags) {
#ifdef QEMUDUMP_HAVE_ZLIB
  case 0x1: {
    uLongf N = PS;
    if (uncompress(Out.data(), &N, In.data(), In.size()) != Z_OK || N != PS)
      return {};
    return Out;
  }
#endif
#ifdef QEMUDUMP_HAVE_LZO
  case 0x2: {
    lzo_uint N = PS;
    if (lzo1x_decompress_safe(In.data(), In.size(), Out.data(), &N, nullptr) !=
            LZO_E_OK ||
        N != PS)
      return {};
    return Out;
  }
#endif
#ifdef QEMUDUMP_HAVE_SNAPPY
  case 0x4: {
    size_t N = PS;
    if (snappy_uncompress(reinterpret_cast<const char *>(In.data()), In.size(),
                          reinterpret_cast<char *>(Out.data()),
                          &N) != SNAPPY_OK ||
        N != PS)
      return {};
    return Out;
  }
#endif
#ifdef QEMUDUMP_HAVE_ZSTD
  case 0x20: {
    size_t N = ZSTD_decompress(Out.data(), PS, In.data(), In.size());
    if (ZSTD_isError(N) || N != PS)
      return {};
    return Out;
  }
#endif
  }
  return {};
}

Decoded decodeRaw(ArrayRef<uint8_t> F) {
  Decoded D;
  if (F.size() < 2 * PS || str(F, 0, 8) != "KDUMP   ") {
    D.Problem = "no KDUMP header";
    return D;
  }
  D.Header.assign(F.begin(), F.begin() + 464);
  uint32_t Status = le32(F, 424);
  uint32_t SubBlocks = le32(F, 432), BitmapBlocks = le32(F, 436);
  D.Sub.assign(F.begin() + PS, F.begin() + PS + 104);
  uint64_t Half = uint64_t(BitmapBlocks) / 2 * PS;
  uint64_t B1 = (1 + SubBlocks) * uint64_t(PS), B2 = B1 + Half;
  if (F.slice(B1, Half) != F.slice(B2, Half)) {
    D.Problem = "bitmaps differ";
    return D;
  }
  uint64_t Desc = B2 + Half;
  uint64_t Index = 0;
  for (uint64_t Pfn = 0; Pfn < Half * 8; ++Pfn) {
    if (!((F[B2 + Pfn / 8] >> (Pfn % 8)) & 1))
      continue;
    uint64_t At = Desc + Index++ * 24;
    uint64_t Off = le64(F, At);
    uint32_t Size = le32(F, At + 8), Flags = le32(F, At + 12);
    if (Off + Size > F.size()) {
      D.Problem = "page data past the end";
      return D;
    }
    ArrayRef<uint8_t> Data = F.slice(Off, Size);
    if (Flags == 0) {
      if (Size != PS) {
        D.Problem = "plain page not of the page size";
        return D;
      }
      if (llvm::all_of(Data, [](uint8_t B) { return B == 0; }))
        D.ZeroOffsets.insert(Off);
      else
        ++D.Plain;
      D.Pages[Pfn].assign(Data.begin(), Data.end());
    } else {
      if (Flags != Status || Size >= PS) {
        D.Problem = "bad compressed page";
        return D;
      }
      ++D.Compressed;
      D.Pages[Pfn] = decompress(Flags, Data);
      if (D.Pages[Pfn].empty()) {
        D.Problem = "page does not decompress";
        return D;
      }
    }
  }
  return D;
}

/// The raw file a flattened stream stands for.
std::optional<std::vector<uint8_t>> reassemble(ArrayRef<uint8_t> F) {
  if (F.size() < 4096 || str(F, 0, 16) != "makedumpfile" || be64(F, 16) != 1)
    return std::nullopt;
  std::vector<uint8_t> Raw;
  for (size_t Pos = 4096;;) {
    if (Pos + 16 > F.size())
      return std::nullopt;
    int64_t Off = int64_t(be64(F, Pos)), Size = int64_t(be64(F, Pos + 8));
    Pos += 16;
    if (Off == -1)
      return Pos == F.size() ? std::optional(Raw) : std::nullopt;
    if (Off < 0 || Size <= 0 || Pos + Size > F.size())
      return std::nullopt;
    if (Raw.size() < uint64_t(Off + Size))
      Raw.resize(Off + Size);
    std::memcpy(Raw.data() + Off, F.data() + Pos, Size);
    Pos += Size;
  }
}

class KdumpWriterTest : public TempDirTest {
protected:
  KdumpWriterTest() : TempDirTest("out.kdump") {}

  Expected<KdumpStats> write(const GuestMemoryMap &Map, MemorySource &M,
                             KdumpOptions Options, ArrayRef<uint8_t> Notes = {},
                             const Arch &A = x86_64()) {
    std::vector<uint8_t> DefaultNotes;
    if (Notes.empty()) {
      appendNote(DefaultNotes, true, "VMCOREINFO", 0,
                 arrayRefFromStringRef("OSRELEASE=6.1.0-test\n"
                                       "NUMBER(phys_base)=-715128832\n"));
      Notes = DefaultNotes;
    }
    if (!Options.Timestamp)
      Options.Timestamp = 1700000000;
    Options.Guest.Uts = someUts();
    Expected<OutputFile> Out = OutputFile::create(Path);
    if (!Out)
      return Out.takeError();
    Expected<KdumpStats> S =
        writeKdumpVmcore(*Out, A, Map, Notes, M, Options, nullptr);
    if (!S)
      return S.takeError();
    if (Error E = Out->commit())
      return std::move(E);
    return S;
  }
  std::vector<uint8_t> file() {
    auto Buf = MemoryBuffer::getFile(Path);
    if (!Buf)
      return {};
    ArrayRef<uint8_t> B = arrayRefFromStringRef((*Buf)->getBuffer());
    return std::vector<uint8_t>(B.begin(), B.end());
  }
};

/// Guest RAM of \p Pages pages at host 0x10000000: zero, text-like
/// (compressible) and random (incompressible) pages in turn.
GuestMemoryMap mixedGuest(BufferMemory &M, uint64_t Pages) {
  std::vector<uint8_t> &B = M.Buffers[0x10000000];
  B.assign(Pages * PS, 0);
  std::mt19937_64 Rng(42);
  for (uint64_t P = 0; P < Pages; ++P) {
    uint8_t *Page = B.data() + P * PS;
    switch (P % 3) {
    case 0:
      break;
    case 1:
      for (uint32_t I = 0; I < PS; ++I)
        Page[I] = "kernel log line "[I % 16] + (P & 7);
      break;
    case 2:
      for (uint32_t I = 0; I < PS; I += 8) {
        uint64_t R = Rng();
        std::memcpy(Page + I, &R, 8);
      }
      break;
    }
  }
  GuestMemoryMap Map;
  cantFail(Map.addRange(0, Pages * PS, 0x10000000));
  return Map;
}

TEST_F(KdumpWriterTest, EveryCompressionRoundTripsThroughItsLibrary) {
  for (KdumpCompression C :
       {KdumpCompression::Zlib, KdumpCompression::Lzo, KdumpCompression::Snappy,
        KdumpCompression::Zstd}) {
    SCOPED_TRACE(compressionName(C).str());
    if (!compressionAvailable(C))
      continue;
    BufferMemory M;
    GuestMemoryMap Map = mixedGuest(M, 600);
    KdumpOptions O;
    O.Compression = C;
    Expected<KdumpStats> S = write(Map, M, O);
    ASSERT_TRUE(succeeded(S));
    EXPECT_EQ(S->Pages, 600u);
    EXPECT_EQ(S->ZeroPages, 200u);
    EXPECT_EQ(S->CompressedPages, 200u); // the text-like ones
    EXPECT_EQ(S->PlainPages, 200u);      // random data: stored as is
    std::vector<uint8_t> F = file();
    EXPECT_EQ(S->FileSize, F.size());
    Decoded D = decodeRaw(F);
    ASSERT_EQ(D.Problem, "");
    EXPECT_EQ(le32(D.Header, 424), compressionFlag(C));
    EXPECT_EQ(D.Compressed, 200u);
    EXPECT_EQ(D.Plain, 200u);
    // Every zero page shares one page of data.
    EXPECT_EQ(D.ZeroOffsets.size(), 1u);
    ASSERT_EQ(D.Pages.size(), 600u);
    const std::vector<uint8_t> &Src = M.Buffers[0x10000000];
    for (uint64_t P = 0; P < 600; ++P)
      ASSERT_TRUE(std::equal(D.Pages[P].begin(), D.Pages[P].end(),
                             Src.begin() + P * PS))
          << "page " << P;
  }
}

TEST_F(KdumpWriterTest, HeadersDescribeTheGuest) {
  BufferMemory M;
  GuestMemoryMap Map = mixedGuest(M, 16);
  std::vector<uint8_t> Notes;
  appendNote(Notes, true, "CORE", ELF::NT_PRSTATUS, std::vector<uint8_t>(336));
  appendNote(Notes, true, "CORE", ELF::NT_PRSTATUS, std::vector<uint8_t>(336));
  StringRef Text = "OSRELEASE=6.1.0-test\nNUMBER(phys_base)=-715128832\n";
  appendNote(Notes, true, "VMCOREINFO", 0, arrayRefFromStringRef(Text));
  KdumpOptions O;
  O.Guest.PhysBase = -715128832;
  ASSERT_TRUE(succeeded(write(Map, M, O, Notes)));
  std::vector<uint8_t> F = file();
  EXPECT_EQ(le32(F, 8), 6u);
  EXPECT_EQ(le64(F, 408), 1700000000u);
  EXPECT_EQ(le32(F, 428), PS);
  EXPECT_EQ(le32(F, 460), 2u); // nr_cpus: the NT_PRSTATUS notes
  uint32_t SubBlocks = le32(F, 432);
  EXPECT_EQ(SubBlocks, 1u);
  EXPECT_EQ(le32(F, 436), 2u); // one block per bitmap
  EXPECT_EQ(le32(F, 440), 16u);
  EXPECT_EQ(int64_t(le64(F, PS)), -715128832);
  EXPECT_EQ(le64(F, PS + 96), 16u); // max_mapnr_64
  // The notes right after the sub header; the VMCOREINFO text inside them.
  uint64_t NoteOff = le64(F, PS + 48), NoteSize = le64(F, PS + 56);
  EXPECT_EQ(NoteOff, PS + 104u);
  EXPECT_EQ(NoteSize, Notes.size());
  EXPECT_TRUE(ArrayRef<uint8_t>(F).slice(NoteOff, NoteSize) ==
              ArrayRef<uint8_t>(Notes));
  uint64_t VOff = le64(F, PS + 32), VSize = le64(F, PS + 40);
  EXPECT_EQ(VSize, Text.size());
  EXPECT_EQ(toStringRef(ArrayRef<uint8_t>(F).slice(VOff, VSize)), Text);
}

TEST_F(KdumpWriterTest, FlattenedStreamHoldsTheRawFile) {
  BufferMemory M;
  GuestMemoryMap Map = mixedGuest(M, 700);
  KdumpOptions O;
  O.Compression = KdumpCompression::Zlib;
  ASSERT_TRUE(succeeded(write(Map, M, O)));
  std::vector<uint8_t> Raw = file();
  O.Layout = KdumpLayout::Flattened;
  ASSERT_TRUE(succeeded(write(Map, M, O)));
  std::optional<std::vector<uint8_t>> Flat = reassemble(file());
  ASSERT_TRUE(Flat.has_value());
  EXPECT_TRUE(*Flat == Raw);
}

TEST_F(KdumpWriterTest, ThreadCountDoesNotChangeTheFile) {
  BufferMemory M;
  GuestMemoryMap Map = mixedGuest(M, 2000); // several batches
  std::vector<uint8_t> First;
  for (unsigned Threads : {1u, 2u, 5u}) {
    SCOPED_TRACE(Threads);
    KdumpOptions O;
    O.Compression = KdumpCompression::Zstd;
    O.Threads = Threads;
    if (!compressionAvailable(O.Compression))
      O.Compression = KdumpCompression::Zlib;
    Expected<KdumpStats> S = write(Map, M, O);
    ASSERT_TRUE(succeeded(S));
    EXPECT_EQ(S->Threads, Threads);
    if (First.empty())
      First = file();
    else
      EXPECT_TRUE(file() == First);
  }
}

TEST_F(KdumpWriterTest, ZeroPagesShareOnePageAndKnownZerosAreNotRead) {
  BufferMemory M;
  M.Buffers[0x10000000].assign(64 * PS, 0);
  M.Buffers[0x10000000][10 * PS + 5] = 1;
  // Pages 16-47 are not even read: the source knows they are zero.
  M.KnownZero.push_back({0x10000000 + 16 * PS, 0x10000000 + 48 * PS});
  GuestMemoryMap Map;
  ASSERT_TRUE(succeeded(Map.addRange(0x100000, 64 * PS, 0x10000000)));
  KdumpOptions O;
  Expected<KdumpStats> S = write(Map, M, O);
  ASSERT_TRUE(succeeded(S));
  EXPECT_EQ(S->ZeroPages, 63u);
  EXPECT_EQ(S->CompressedPages, 1u);
  EXPECT_EQ(M.BytesRead, 32u * PS);
  Decoded D = decodeRaw(file());
  ASSERT_EQ(D.Problem, "");
  EXPECT_EQ(D.ZeroOffsets.size(), 1u);
  ASSERT_EQ(D.Pages.size(), 64u);
  EXPECT_EQ(D.Pages.begin()->first, 0x100u); // PFN of 0x100000
  EXPECT_EQ(D.Pages[0x100 + 10][5], 1);
  // The file: headers, bitmaps, 64 descriptors, the zero page, one page.
  EXPECT_LT(S->FileSize, 5u * PS + 64 * 24 + PS + PS);
}

TEST_F(KdumpWriterTest, PartialPagesHoldTheirRamAndZeros) {
  BufferMemory M;
  M.Buffers[0x10000000].assign(0x3000, 0xaa);
  M.Buffers[0x20000000].assign(0x800, 0xbb);
  GuestMemoryMap Map;
  // [0x800, 0x2800) and [0x2c00, 0x3400): pages 0, 1, 2 (shared by both
  // blocks) and 3.
  ASSERT_TRUE(succeeded(Map.addRange(0x800, 0x2000, 0x10000000)));
  ASSERT_TRUE(succeeded(Map.addRange(0x2c00, 0x800, 0x20000000)));
  KdumpOptions O;
  Expected<KdumpStats> S = write(Map, M, O);
  ASSERT_TRUE(succeeded(S));
  EXPECT_EQ(S->Pages, 4u);
  Decoded D = decodeRaw(file());
  ASSERT_EQ(D.Problem, "");
  ASSERT_EQ(D.Pages.size(), 4u);
  EXPECT_EQ(D.Pages[0][0x7ff], 0);
  EXPECT_EQ(D.Pages[0][0x800], 0xaa);
  EXPECT_EQ(D.Pages[2][0x7ff], 0xaa);
  EXPECT_EQ(D.Pages[2][0x800], 0);
  EXPECT_EQ(D.Pages[2][0xbff], 0);
  EXPECT_EQ(D.Pages[2][0xc00], 0xbb);
  EXPECT_EQ(D.Pages[3][0x3ff], 0xbb);
  EXPECT_EQ(D.Pages[3][0x400], 0);
}

TEST_F(KdumpWriterTest, UnreadableMemoryNamesTheGuestRange) {
  BufferMemory M;
  GuestMemoryMap Map = mixedGuest(M, 1000);
  M.FailAt = 0x10000000 + 700 * PS;
  KdumpOptions O;
  for (unsigned Threads : {1u, 2u}) {
    O.Threads = Threads;
    Expected<KdumpStats> S = write(Map, M, O);
    EXPECT_THAT(errorOf(std::move(S)),
                testing::AllOf(testing::HasSubstr("guest-physical [0x200000, "
                                                  "0x300000)"),
                               testing::HasSubstr("unreadable")));
    EXPECT_EQ(entries(), 0u); // no file, no temporary file
  }
}

TEST_F(KdumpWriterTest, ProgressCanInterrupt) {
  BufferMemory M;
  GuestMemoryMap Map = mixedGuest(M, 1000);
  Expected<OutputFile> Out = OutputFile::create(Path);
  ASSERT_TRUE(succeeded(Out));
  unsigned Calls = 0;
  uint64_t Last = 0;
  KdumpOptions O;
  Expected<KdumpStats> S =
      writeKdumpVmcore(*Out, x86_64(), Map, placeholderNote(true), M, O,
                       [&](uint64_t Done, uint64_t Total) {
                         EXPECT_EQ(Total, 1000u * PS);
                         EXPECT_GT(Done, Last);
                         Last = Done;
                         return ++Calls < 2;
                       });
  EXPECT_THAT(errorOf(std::move(S)), testing::HasSubstr("interrupted"));
  EXPECT_EQ(Calls, 2u);
}

TEST_F(KdumpWriterTest, CompressionNamesAndPackages) {
  EXPECT_EQ(compressionName(KdumpCompression::Zstd), "zstd");
  EXPECT_EQ(compressionPackage(KdumpCompression::Lzo), "liblzo2-dev");
  EXPECT_EQ(compressionPackage(KdumpCompression::Snappy), "libsnappy-dev");
  EXPECT_EQ(compressionFlag(KdumpCompression::Zstd), 0x20u);
  EXPECT_GE(defaultKdumpThreads(), 1u);
  EXPECT_LE(defaultKdumpThreads(), 2u);
}

//===----------------------------------------------------------------------===//
// The guest's utsname and phys_base
//===----------------------------------------------------------------------===//

/// A guest whose init_uts_ns sits at guest-physical \p UtsPhys.
struct UtsGuest {
  BufferMemory M;
  GuestMemoryMap Map;
  std::vector<uint8_t> Notes;

  UtsGuest(uint64_t UtsPhys, uint64_t NameOff, StringRef Text) {
    M.Buffers[0x10000000].assign(0x6000000, 0);
    cantFail(Map.addRange(0, 0x6000000, 0x10000000));
    const char *Fields[] = {"Linux",          "guesthost",
                            "6.1.0-56-amd64", "#1 SMP PREEMPT_DYNAMIC Debian",
                            "x86_64",         "(none)"};
    for (size_t I = 0; I < 6; ++I)
      std::strcpy(reinterpret_cast<char *>(M.Buffers[0x10000000].data() +
                                           UtsPhys + NameOff + I * 65),
                  Fields[I]);
    appendNote(Notes, true, "VMCOREINFO", 0, arrayRefFromStringRef(Text));
  }
};

TEST(KdumpGuestInfoTest, InitUtsNsThroughPhysBase) {
  // phys_base is signed decimal; SYMBOL() is hex without 0x.
  // 0xffffffff82e1b000 - __START_KERNEL_map + (-0x1000000) = 0x1e1b000.
  UtsGuest G(0x1e1b000, 0,
             "OSRELEASE=6.1.0-56-amd64\n"
             "SYMBOL(init_uts_ns)=ffffffff82e1b000\n"
             "OFFSET(uts_namespace.name)=0\n"
             "NUMBER(phys_base)=-16777216\n");
  std::vector<std::string> Warnings;
  KdumpGuestInfo I =
      readKdumpGuestInfo(x86_64(), G.Map, G.M, G.Notes, Warnings);
  EXPECT_TRUE(Warnings.empty()) << Warnings.front();
  EXPECT_EQ(I.PhysBase, -16777216);
  EXPECT_EQ(I.UtsSource, "init_uts_ns");
  EXPECT_EQ(I.Uts.Sysname, "Linux");
  EXPECT_EQ(I.Uts.Nodename, "guesthost");
  EXPECT_EQ(I.Uts.Release, "6.1.0-56-amd64");
  EXPECT_EQ(I.Uts.Version, "#1 SMP PREEMPT_DYNAMIC Debian");
  EXPECT_EQ(I.Uts.Machine, "x86_64");
  EXPECT_EQ(I.Uts.Domainname, "(none)");
}

TEST(KdumpGuestInfoTest, PhysBaseIsDecimalNotHex) {
  // QEMU's own kdump writer reads "16777216" as hex: not us.
  UtsGuest G(0x4e1b000, 4,
             "OSRELEASE=5.4.0\n"
             "SYMBOL(init_uts_ns)=ffffffff82e1b000\n"
             "NUMBER(phys_base)=33554432\n");
  std::vector<std::string> Warnings;
  KdumpGuestInfo I =
      readKdumpGuestInfo(x86_64(), G.Map, G.M, G.Notes, Warnings);
  EXPECT_EQ(I.PhysBase, 33554432);
  // Without OFFSET(uts_namespace.name) (older kernels: a kref first), the
  // name is found after it.
  EXPECT_EQ(I.UtsSource, "init_uts_ns");
  EXPECT_EQ(I.Uts.Version, "#1 SMP PREEMPT_DYNAMIC Debian");
  // The release is VMCOREINFO's; a different one in memory is a warning.
  EXPECT_EQ(I.Uts.Release, "5.4.0");
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0], testing::HasSubstr("init_uts_ns says release"));
}

TEST(KdumpGuestInfoTest, WithoutInitUtsNsNothingIsLeftEmpty) {
  UtsGuest G(0, 0,
             "OSRELEASE=6.1.0-qemudump-test\n"
             "SYMBOL(init_uts_ns)=ffffffffa31fb000\n" // not in guest RAM
             "NUMBER(phys_base)=-715128832\n");
  std::vector<std::string> Warnings;
  KdumpGuestInfo I =
      readKdumpGuestInfo(x86_64(), G.Map, G.M, G.Notes, Warnings);
  EXPECT_EQ(I.PhysBase, -715128832);
  EXPECT_EQ(I.UtsSource, "VMCOREINFO");
  EXPECT_EQ(I.Uts.Sysname, "Linux");
  EXPECT_EQ(I.Uts.Release, "6.1.0-qemudump-test");
  EXPECT_EQ(I.Uts.Version, "unknown");
  EXPECT_EQ(I.Uts.Machine, "x86_64");
  EXPECT_EQ(I.Uts.Nodename, "(none)");
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0],
              testing::HasSubstr("cannot read the guest's init_uts_ns"));

  // No VMCOREINFO at all.
  Warnings.clear();
  I = readKdumpGuestInfo(cantFail(parseArch("aarch64-le")), G.Map, G.M,
                         placeholderNote(true), Warnings);
  EXPECT_EQ(I.UtsSource, "defaults");
  EXPECT_EQ(I.Uts.Release, "unknown");
  EXPECT_EQ(I.Uts.Machine, "aarch64");
  EXPECT_EQ(I.PhysBase, 0);
  EXPECT_EQ(Warnings.size(), 1u);
}

TEST(KdumpGuestInfoTest, BadPhysBaseIsAWarning) {
  UtsGuest G(0, 0, "OSRELEASE=6.1\nNUMBER(phys_base)=0x1000000\n");
  std::vector<std::string> Warnings;
  KdumpGuestInfo I =
      readKdumpGuestInfo(x86_64(), G.Map, G.M, G.Notes, Warnings);
  EXPECT_EQ(I.PhysBase, 0);
  ASSERT_EQ(Warnings.size(), 1u);
  EXPECT_THAT(Warnings[0], testing::HasSubstr("not a decimal number"));
}

} // namespace
