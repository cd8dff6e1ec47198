//===- KdumpWriterTest.cpp - Whole kdump files ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Arch/X86.h"
#include "qemudump/Notes/NoteSegment.h"
#include "qemudump/Notes/Notes.h"
#include "qemudump/Vmcore/VmcoreWriter.h"

#include "BufferMemory.h"

#include "KdumpTestUtil.h"
#include "TestUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

#include "gtest/gtest.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/MemoryBuffer.h"

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
using namespace qemudump::kdumptest;

namespace {

//===----------------------------------------------------------------------===//
// Whole files
//===----------------------------------------------------------------------===//

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

/// The kdump file of \p Map, laid out and written as the dump does.
Expected<VmcoreStats> writeKdump(OutputFile &Out, const Arch &A,
                                 const GuestMemoryMap &Map, VmcoreNotes &Notes,
                                 MemorySource &M, const KdumpOptions &Options,
                                 ProgressFn Progress) {
  std::vector<std::string> Warnings;
  VmcoreInput In{A, Map, Map, Notes, M, Warnings};
  std::unique_ptr<VmcoreWriter> W = createKdumpWriter(In, Options);
  if (Error E = W->layOut())
    return std::move(E);
  return W->write(Out, Progress);
}

class KdumpWriterTest : public TempDirTest {
protected:
  KdumpWriterTest() : TempDirTest("out.kdump") {}

  /// The kdump file of \p Map with \p Notes (by default, a VMCOREINFO note),
  /// the guest kernel being someUts() with phys_base \p PhysBase.
  /// A kdump file's stats, with the file's size.
  struct Written : KdumpStats {
    uint64_t FileSize = 0;
  };

  Expected<Written> write(const GuestMemoryMap &Map, MemorySource &M,
                          KdumpOptions Options,
                          const NoteSegment *Notes = nullptr,
                          int64_t PhysBase = 0, const Arch &A = x86_64()) {
    NoteSegment Default = vmcoreInfoNotes("OSRELEASE=6.1.0-test\n"
                                          "NUMBER(phys_base)=-715128832\n");
    ReadyNotes Ready(Notes ? *Notes : Default);
    if (!Options.Timestamp)
      Options.Timestamp = 1700000000;
    Options.Guest.emplace();
    Options.Guest->Uts = someUts();
    Options.Guest->PhysBase = PhysBase;
    Expected<OutputFile> Out = OutputFile::create(Path);
    if (!Out)
      return Out.takeError();
    Expected<VmcoreStats> S =
        writeKdump(*Out, A, Map, Ready, M, Options, nullptr);
    if (!S)
      return S.takeError();
    if (Error E = Out->commit())
      return std::move(E);
    Written W;
    static_cast<KdumpStats &>(W) = *S->Kdump;
    W.FileSize = S->FileSize;
    return W;
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
    Expected<Written> S = write(Map, M, O);
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
  // Two vCPUs (CORE and QEMU notes each), then the guest's VMCOREINFO.
  StringRef Text = "OSRELEASE=6.1.0-test\nNUMBER(phys_base)=-715128832\n";
  std::vector<uint8_t> Raw;
  appendNote(Raw, true, "VMCOREINFO", 0, arrayRefFromStringRef(Text));
  NoteSegment Notes(true);
  Notes.addCpuNotes(x86CpuNotes(std::vector<X86CpuState>(2), true));
  ASSERT_TRUE(succeeded(Notes.addGuestNote(Raw)));
  Notes.finalize();
  KdumpOptions O;
  ASSERT_TRUE(succeeded(write(Map, M, O, &Notes, -715128832)));
  std::vector<uint8_t> F = file();
  EXPECT_EQ(le32(F, 8), 6u);
  EXPECT_EQ(le64(F, 408), 1700000000u);
  EXPECT_EQ(le32(F, 428), PS);
  EXPECT_EQ(le32(F, 460), 2u); // nr_cpus: the vCPUs of the notes
  uint32_t SubBlocks = le32(F, 432);
  EXPECT_EQ(SubBlocks, 1u);
  EXPECT_EQ(le32(F, 436), 2u); // one block per bitmap
  EXPECT_EQ(le32(F, 440), 16u);
  EXPECT_EQ(int64_t(le64(F, PS)), -715128832);
  EXPECT_EQ(le64(F, PS + 96), 16u); // max_mapnr_64
  // The notes right after the sub header; the VMCOREINFO text inside them.
  uint64_t NoteOff = le64(F, PS + 48), NoteSize = le64(F, PS + 56);
  EXPECT_EQ(NoteOff, PS + 104u);
  EXPECT_EQ(NoteSize, Notes.bytes().size());
  EXPECT_TRUE(ArrayRef<uint8_t>(F).slice(NoteOff, NoteSize) == Notes.bytes());
  uint64_t VOff = le64(F, PS + 32), VSize = le64(F, PS + 40);
  EXPECT_EQ(VSize, Text.size());
  EXPECT_EQ(toStringRef(ArrayRef<uint8_t>(F).slice(VOff, VSize)), Text);
}

TEST_F(KdumpWriterTest, BlocksAreTheGuestKernelsPageSize) {
  // A kernel of 64 KiB pages (arm64, ppc64): blocks of 64 KiB, as
  // makedumpfile writes them; 16 blocks of the 256 pages of 4 KiB.
  BufferMemory M;
  GuestMemoryMap Map = mixedGuest(M, 256);
  KdumpOptions O;
  O.BlockSize = 0x10000;
  Expected<Written> S = write(Map, M, O);
  ASSERT_TRUE(succeeded(S));
  EXPECT_EQ(S->Pages, 16u);
  std::vector<uint8_t> F = file();
  EXPECT_EQ(le32(F, 428), 0x10000u);     // block_size
  EXPECT_EQ(le32(F, 440), 16u);          // max_mapnr
  EXPECT_EQ(le64(F, 0x10000 + 96), 16u); // max_mapnr_64
  // The descriptors of 16 pages, after the header, sub header and bitmap
  // blocks: offset, size, flags, page_flags (24 bytes each).
  uint64_t Descs = uint64_t(1 + le32(F, 432) + le32(F, 436)) * 0x10000;
  for (unsigned P = 0; P < 16; ++P)
    EXPECT_LE(le32(F, Descs + 24 * P + 8), 0x10000u) << "page " << P;
}

TEST_F(KdumpWriterTest, FlattenedStreamHoldsTheRawFile) {
  BufferMemory M;
  GuestMemoryMap Map = mixedGuest(M, 700);
  KdumpOptions O;
  O.Compression = KdumpCompression::Zlib;
  ASSERT_TRUE(succeeded(write(Map, M, O)));
  std::vector<uint8_t> Raw = file();
  O.Form = KdumpForm::Flattened;
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
    Expected<Written> S = write(Map, M, O);
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
  Expected<Written> S = write(Map, M, O);
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
  Expected<Written> S = write(Map, M, O);
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
    Expected<Written> S = write(Map, M, O);
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
  NoteSegment Notes(true);
  Notes.finalize(); // the placeholder alone
  ReadyNotes Ready(Notes);
  Expected<VmcoreStats> S = writeKdump(*Out, x86_64(), Map, Ready, M, O,
                                       [&](uint64_t Done, uint64_t Total) {
                                         EXPECT_EQ(Total, 1000u * PS);
                                         EXPECT_GT(Done, Last);
                                         Last = Done;
                                         return ++Calls < 2;
                                       });
  EXPECT_THAT(errorOf(std::move(S)), testing::HasSubstr("interrupted"));
  EXPECT_EQ(Calls, 2u);
}

} // namespace
