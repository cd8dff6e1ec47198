//===- KdumpWriter.cpp - Write the guest's memory as a kdump file ---------===//

#include "qemudump/KdumpWriter.h"

#include "qemudump/Notes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

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

namespace qemudump {

StringRef compressionName(KdumpCompression C) {
  switch (C) {
  case KdumpCompression::Zlib:
    return "zlib";
  case KdumpCompression::Lzo:
    return "lzo";
  case KdumpCompression::Snappy:
    return "snappy";
  case KdumpCompression::Zstd:
    return "zstd";
  }
  llvm_unreachable("unknown compression");
}

bool compressionAvailable(KdumpCompression C) {
  switch (C) {
  case KdumpCompression::Zlib:
#ifdef QEMUDUMP_HAVE_ZLIB
    return true;
#else
    return false;
#endif
  case KdumpCompression::Lzo:
#ifdef QEMUDUMP_HAVE_LZO
    return true;
#else
    return false;
#endif
  case KdumpCompression::Snappy:
#ifdef QEMUDUMP_HAVE_SNAPPY
    return true;
#else
    return false;
#endif
  case KdumpCompression::Zstd:
#ifdef QEMUDUMP_HAVE_ZSTD
    return true;
#else
    return false;
#endif
  }
  return false;
}

StringRef compressionPackage(KdumpCompression C) {
  switch (C) {
  case KdumpCompression::Zlib:
    return "zlib1g-dev";
  case KdumpCompression::Lzo:
    return "liblzo2-dev";
  case KdumpCompression::Snappy:
    return "libsnappy-dev";
  case KdumpCompression::Zstd:
    return "libzstd-dev";
  }
  llvm_unreachable("unknown compression");
}

uint32_t compressionFlag(KdumpCompression C) {
  switch (C) {
  case KdumpCompression::Zlib:
    return 0x1; // DUMP_DH_COMPRESSED_ZLIB
  case KdumpCompression::Lzo:
    return 0x2; // DUMP_DH_COMPRESSED_LZO
  case KdumpCompression::Snappy:
    return 0x4; // DUMP_DH_COMPRESSED_SNAPPY
  case KdumpCompression::Zstd:
    return 0x20; // DUMP_DH_COMPRESSED_ZSTD
  }
  llvm_unreachable("unknown compression");
}

unsigned defaultKdumpThreads() {
  unsigned N = std::thread::hardware_concurrency();
  return std::clamp(N, 1u, 2u);
}

//===----------------------------------------------------------------------===//
// Header encoding
//===----------------------------------------------------------------------===//

namespace kdump {

namespace {

/// Little helper to put integers of the guest's byte order into a buffer.
class Encoder {
public:
  Encoder(std::vector<uint8_t> &B, bool LE) : B(B), LE(LE) {}
  void u32(size_t Off, uint64_t V) {
    support::endian::write<uint32_t>(B.data() + Off, uint32_t(V), order());
  }
  void u64(size_t Off, uint64_t V) {
    support::endian::write<uint64_t>(B.data() + Off, V, order());
  }
  /// An unsigned long / off_t of \p Bytes bytes.
  void word(size_t Off, uint64_t V, unsigned Bytes) {
    Bytes == 8 ? u64(Off, V) : u32(Off, V);
  }
  void str(size_t Off, StringRef S, size_t Field) {
    size_t N = std::min(S.size(), Field - 1);
    std::memcpy(B.data() + Off, S.data(), N);
  }

private:
  endianness order() const { return LE ? endianness::little : endianness::big; }
  std::vector<uint8_t> &B;
  bool LE;
};

} // namespace

HeaderKind headerKind(const Arch &A) {
  // The kernel's word size, not the vmcore's ELF class: a 386 vmcore becomes
  // ELF64 above 4 GiB, its kernel stays 32-bit.
  if (A.Machine == ELF::EM_386)
    return HeaderKind::Bits32Pack;
  if (!A.is64Bit())
    return HeaderKind::Bits32Pad;
  return HeaderKind::Bits64;
}

std::vector<uint8_t> encodeDiskDumpHeader(const Arch &A,
                                          const DiskDumpHeader &H) {
  bool Is64 = headerKind(A) == HeaderKind::Bits64;
  // signature[8], header_version, new_utsname (6 x 65), then struct timeval
  // aligned to the word size, then ten 32-bit fields.
  std::vector<uint8_t> B(Is64 ? 464 : 452, 0);
  Encoder E(B, A.isLittleEndian());
  std::memcpy(B.data(), "KDUMP   ", 8);
  E.u32(8, HeaderVersion);
  const std::string *Fields[] = {&H.Uts.Sysname, &H.Uts.Nodename,
                                 &H.Uts.Release, &H.Uts.Version,
                                 &H.Uts.Machine, &H.Uts.Domainname};
  for (size_t I = 0; I < 6; ++I)
    E.str(12 + I * UtsFieldSize, *Fields[I], UtsFieldSize);
  size_t T = Is64 ? 408 : 404;
  unsigned W = Is64 ? 8 : 4;
  E.word(T, uint64_t(H.TimestampSec), W);
  E.word(T + W, uint64_t(H.TimestampUsec), W);
  size_t S = T + 2 * W;
  E.u32(S + 0, H.Status);
  E.u32(S + 4, H.BlockSize);
  E.u32(S + 8, H.SubHdrSize);
  E.u32(S + 12, H.BitmapBlocks);
  E.u32(S + 16, H.MaxMapnr);
  // total_ram_blocks, device_blocks, written_blocks, current_cpu: 0.
  E.u32(S + 36, H.NrCpus);
  return B;
}

std::vector<uint8_t> encodeSubHeader(const Arch &A, const SubHeader &H) {
  HeaderKind K = headerKind(A);
  // Offsets of the members from offset_vmcoreinfo on: each 64-bit member
  // (off_t, unsigned long long) is aligned to 8 on 64-bit and 32pad.
  struct Layout {
    size_t Size, W, OffV, SizeV, OffN, SizeN, Start64, End64, Max64;
  };
  static const Layout L64 = {104, 8, 32, 40, 48, 56, 80, 88, 96};
  static const Layout L32Pack = {80, 4, 20, 28, 32, 40, 56, 64, 72};
  static const Layout L32Pad = {96, 4, 24, 32, 40, 48, 72, 80, 88};
  const Layout &L = K == HeaderKind::Bits64       ? L64
                    : K == HeaderKind::Bits32Pack ? L32Pack
                                                  : L32Pad;
  std::vector<uint8_t> B(L.Size, 0);
  Encoder E(B, A.isLittleEndian());
  E.word(0, uint64_t(H.PhysBase), L.W);
  E.u32(L.W, H.DumpLevel);
  // split = 0, start_pfn = end_pfn = 0: not a split dump.
  E.u64(L.OffV, H.OffsetVmcoreinfo);
  E.word(L.SizeV, H.SizeVmcoreinfo, L.W);
  E.u64(L.OffN, H.OffsetNote);
  E.word(L.SizeN, H.SizeNote, L.W);
  // offset_eraseinfo = size_eraseinfo = 0, start_pfn_64 = end_pfn_64 = 0.
  (void)L.Start64;
  (void)L.End64;
  E.u64(L.Max64, H.MaxMapnr64);
  return B;
}

void appendPageDesc(std::vector<uint8_t> &Out, bool LittleEndian,
                    uint64_t Offset, uint32_t Size, uint32_t Flags) {
  size_t At = Out.size();
  Out.resize(At + PageDescSize, 0);
  endianness O = LittleEndian ? endianness::little : endianness::big;
  support::endian::write<uint64_t>(Out.data() + At, Offset, O);
  support::endian::write<uint32_t>(Out.data() + At + 8, Size, O);
  support::endian::write<uint32_t>(Out.data() + At + 12, Flags, O);
  // page_flags: 0.
}

uint64_t maxMapnr(const GuestMemoryMap &Map, uint32_t PageSize) {
  if (Map.empty())
    return 0;
  return divideCeil(Map.blocks().back().GuestEnd, PageSize);
}

std::vector<uint8_t> bitmapBytes(const GuestMemoryMap &Map, uint32_t PageSize,
                                 uint64_t From, uint64_t Len) {
  std::vector<uint8_t> B(Len, 0);
  uint64_t FirstPfn = From * 8, EndPfn = (From + Len) * 8;
  for (const MemoryBlock &Blk : Map.blocks()) {
    uint64_t P0 = std::max(Blk.GuestStart / PageSize, FirstPfn);
    uint64_t P1 = std::min(divideCeil(Blk.GuestEnd, PageSize), EndPfn);
    for (uint64_t P = P0; P < P1;) {
      uint64_t Rel = P - FirstPfn;
      if (Rel % 8 == 0 && P + 8 <= P1) {
        // Whole bytes at a time.
        uint64_t Bytes = (P1 - P) / 8;
        std::memset(B.data() + Rel / 8, 0xff, Bytes);
        P += Bytes * 8;
        continue;
      }
      B[Rel / 8] |= uint8_t(1u << (Rel % 8));
      ++P;
    }
  }
  return B;
}

std::vector<uint8_t> flatHeader() {
  std::vector<uint8_t> B(4096, 0);
  std::memcpy(B.data(), "makedumpfile", 12);
  support::endian::write<int64_t>(B.data() + 16, 1, endianness::big); // type
  support::endian::write<int64_t>(B.data() + 24, 1, endianness::big); // ver.
  return B;
}

void appendFlatDataHeader(std::vector<uint8_t> &Out, int64_t Offset,
                          int64_t Size) {
  size_t At = Out.size();
  Out.resize(At + 16);
  support::endian::write<int64_t>(Out.data() + At, Offset, endianness::big);
  support::endian::write<int64_t>(Out.data() + At + 8, Size, endianness::big);
}

} // namespace kdump

//===----------------------------------------------------------------------===//
// The guest's utsname and phys_base
//===----------------------------------------------------------------------===//

namespace {

StringRef defaultMachine(const Arch &A) {
  switch (A.Machine) {
  case ELF::EM_X86_64:
    return "x86_64";
  case ELF::EM_386:
    return "i686";
  case ELF::EM_AARCH64:
    return A.isLittleEndian() ? "aarch64" : "aarch64_be";
  case ELF::EM_S390:
    return "s390x";
  case ELF::EM_PPC64:
    return A.isLittleEndian() ? "ppc64le" : "ppc64";
  case ELF::EM_RISCV:
    return A.is64Bit() ? "riscv64" : "riscv32";
  case ELF::EM_LOONGARCH:
    return "loongarch64";
  case ELF::EM_ARM:
    return "armv7l";
  }
  return "unknown";
}

std::optional<uint64_t> parseHex(StringRef S) {
  S = S.trim();
  S.consume_front_insensitive("0x");
  uint64_t V;
  if (S.empty() || S.getAsInteger(16, V))
    return std::nullopt;
  return V;
}

/// The NUL-terminated string at the start of \p Field.
std::string cString(ArrayRef<uint8_t> Field) {
  StringRef S(reinterpret_cast<const char *>(Field.data()), Field.size());
  return S.take_until([](char C) { return C == '\0'; }).str();
}

} // namespace

KdumpGuestInfo readKdumpGuestInfo(const Arch &A, const GuestMemoryMap &Map,
                                  MemorySource &Memory, ArrayRef<uint8_t> Notes,
                                  std::vector<std::string> &Warnings) {
  KdumpGuestInfo G;
  G.Uts.Sysname = "Linux";
  G.Uts.Nodename = "(none)";
  G.Uts.Release = "unknown";
  G.Uts.Version = "unknown";
  G.Uts.Machine = defaultMachine(A).str();
  G.Uts.Domainname = "(none)";
  G.UtsSource = "defaults";

  std::optional<StringRef> Text;
  if (Expected<std::vector<NoteView>> Parsed =
          parseNotes(Notes, A.isLittleEndian())) {
    for (const NoteView &N : *Parsed)
      if (N.Name == "VMCOREINFO")
        Text = StringRef(reinterpret_cast<const char *>(N.Desc.data()),
                         N.Desc.size());
  } else {
    consumeError(Parsed.takeError());
  }
  if (!Text) {
    Warnings.push_back("no VMCOREINFO from the guest: the kdump header's "
                       "utsname says only what is known (Linux, the "
                       "machine), phys_base is 0");
    return G;
  }
  StringMap<std::string> Info = parseVmcoreInfo(*Text);
  G.UtsSource = "VMCOREINFO";

  auto It = Info.find("NUMBER(phys_base)");
  if (It != Info.end()) {
    // Signed decimal (QEMU's own kdump writer reads it as hex: a bug).
    int64_t V;
    if (StringRef(It->second).trim().getAsInteger(10, V))
      Warnings.push_back(formatv("VMCOREINFO's NUMBER(phys_base)={0} is not a "
                                 "decimal number; phys_base is 0",
                                 It->second)
                             .str());
    else
      G.PhysBase = V;
  }
  It = Info.find("OSRELEASE");
  if (It != Info.end() && !StringRef(It->second).trim().empty())
    G.Uts.Release = StringRef(It->second).trim().str();

  // init_uts_ns: a kernel-image address.
  std::optional<uint64_t> Vaddr;
  It = Info.find("SYMBOL(init_uts_ns)");
  if (It != Info.end())
    Vaddr = parseHex(It->second);
  if (!Vaddr)
    return G;
  std::optional<uint64_t> Paddr;
  if (A.Machine == ELF::EM_X86_64) {
    constexpr uint64_t StartKernelMap = 0xffffffff80000000ULL;
    if (*Vaddr >= StartKernelMap)
      Paddr = *Vaddr - StartKernelMap + uint64_t(G.PhysBase);
  } else if (A.Machine == ELF::EM_AARCH64) {
    It = Info.find("NUMBER(kimage_voffset)");
    if (It != Info.end())
      if (std::optional<uint64_t> VOff = parseHex(It->second))
        Paddr = *Vaddr - *VOff;
  }
  if (!Paddr)
    return G;

  constexpr size_t UtsSize = 6 * kdump::UtsFieldSize;
  SmallVector<uint64_t, 3> NameOffsets;
  It = Info.find("OFFSET(uts_namespace.name)");
  uint64_t Off;
  if (It != Info.end() && !StringRef(It->second).trim().getAsInteger(10, Off))
    NameOffsets.push_back(Off);
  else
    NameOffsets = {0, 4, 8}; // before the kernel exported the offset
  std::string Problem;
  for (uint64_t NameOff : NameOffsets) {
    uint64_t At = *Paddr + NameOff;
    std::optional<uint64_t> Host = Map.hostAddressOf(At, UtsSize);
    if (!Host) {
      Problem = formatv("guest-physical {0:x} is not in guest RAM", At).str();
      continue;
    }
    std::vector<uint8_t> Buf(UtsSize);
    if (Error Err = Memory.read(*Host, Buf)) {
      Problem = toString(std::move(Err));
      continue;
    }
    auto Field = [&](size_t I) {
      return cString(ArrayRef<uint8_t>(Buf).slice(I * kdump::UtsFieldSize,
                                                  kdump::UtsFieldSize - 1));
    };
    if (Field(0) != "Linux") {
      Problem = formatv("guest-physical {0:x} holds no utsname (sysname "
                        "'{1}')",
                        At, Field(0))
                    .str();
      continue;
    }
    std::string Fields[6];
    for (size_t I = 0; I < 6; ++I)
      Fields[I] = Field(I);
    if (!Fields[1].empty())
      G.Uts.Nodename = Fields[1];
    if (!Fields[2].empty() && Fields[2] != G.Uts.Release)
      Warnings.push_back(formatv("the guest's init_uts_ns says release '{0}', "
                                 "VMCOREINFO '{1}'; the header has "
                                 "VMCOREINFO's",
                                 Fields[2], G.Uts.Release)
                             .str());
    if (!Fields[3].empty())
      G.Uts.Version = Fields[3];
    if (!Fields[4].empty())
      G.Uts.Machine = Fields[4];
    if (!Fields[5].empty())
      G.Uts.Domainname = Fields[5];
    G.UtsSource = "init_uts_ns";
    return G;
  }
  Warnings.push_back(formatv("cannot read the guest's init_uts_ns (virtual "
                             "{0:x}, physical {1:x}): {2}; the kdump header's "
                             "utsname has the release from VMCOREINFO, the "
                             "rest filled in",
                             *Vaddr, *Paddr, Problem)
                         .str());
  return G;
}

//===----------------------------------------------------------------------===//
// Compression
//===----------------------------------------------------------------------===//

namespace {

/// Compresses one page at a time; one per worker thread.
class PageCompressor {
public:
  PageCompressor(KdumpCompression C, uint32_t PageSize)
      : C(C), PageSize(PageSize) {
    size_t Bound = PageSize;
    switch (C) {
    case KdumpCompression::Zlib:
#ifdef QEMUDUMP_HAVE_ZLIB
      // One stream, reset for each page: compress2() would set up (and
      // clear) its 256 KiB of state for every page, 2-4 times slower. Level
      // 1 (Z_BEST_SPEED, as makedumpfile -c) and compress2's other
      // parameters: the same output.
      Zlib = std::make_unique<z_stream>();
      std::memset(Zlib.get(), 0, sizeof(z_stream));
      if (deflateInit2(Zlib.get(), Z_BEST_SPEED, Z_DEFLATED, 15, 8,
                       Z_DEFAULT_STRATEGY) != Z_OK)
        Zlib.reset();
#endif
      break;
    case KdumpCompression::Lzo:
#ifdef QEMUDUMP_HAVE_LZO
      Bound = PageSize + PageSize / 16 + 64 + 3;
      LzoWork.resize(LZO1X_1_MEM_COMPRESS);
#endif
      break;
    case KdumpCompression::Snappy:
#ifdef QEMUDUMP_HAVE_SNAPPY
      Bound = snappy_max_compressed_length(PageSize);
#endif
      break;
    case KdumpCompression::Zstd:
#ifdef QEMUDUMP_HAVE_ZSTD
      Bound = ZSTD_compressBound(PageSize);
      Zstd = ZSTD_createCCtx();
#endif
      break;
    }
    Scratch.resize(Bound);
  }
  ~PageCompressor() {
#ifdef QEMUDUMP_HAVE_ZLIB
    if (Zlib)
      deflateEnd(Zlib.get());
#endif
#ifdef QEMUDUMP_HAVE_ZSTD
    ZSTD_freeCCtx(static_cast<ZSTD_CCtx *>(Zstd));
#endif
  }
  PageCompressor(const PageCompressor &) = delete;
  PageCompressor &operator=(const PageCompressor &) = delete;

  /// The compressed page, or an empty array when compression does not make
  /// it smaller (or fails): then the page is stored as is.
  ArrayRef<uint8_t> compress(const uint8_t *Page) {
    size_t Len = 0;
    switch (C) {
    case KdumpCompression::Zlib: {
#ifdef QEMUDUMP_HAVE_ZLIB
      // Room for less than a page only: deflate gives up on a page that
      // does not shrink as soon as the room is full.
      if (!Zlib || deflateReset(Zlib.get()) != Z_OK)
        break;
      Zlib->next_in = const_cast<uint8_t *>(Page);
      Zlib->avail_in = PageSize;
      Zlib->next_out = Scratch.data();
      Zlib->avail_out = PageSize - 1;
      if (deflate(Zlib.get(), Z_FINISH) == Z_STREAM_END)
        Len = Zlib->total_out;
#endif
      break;
    }
    case KdumpCompression::Lzo: {
#ifdef QEMUDUMP_HAVE_LZO
      lzo_uint N = Scratch.size();
      if (lzo1x_1_compress(Page, PageSize, Scratch.data(), &N,
                           LzoWork.data()) == LZO_E_OK)
        Len = N;
#endif
      break;
    }
    case KdumpCompression::Snappy: {
#ifdef QEMUDUMP_HAVE_SNAPPY
      size_t N = Scratch.size();
      if (snappy_compress(reinterpret_cast<const char *>(Page), PageSize,
                          reinterpret_cast<char *>(Scratch.data()),
                          &N) == SNAPPY_OK)
        Len = N;
#endif
      break;
    }
    case KdumpCompression::Zstd: {
#ifdef QEMUDUMP_HAVE_ZSTD
      if (Zstd) {
        // Level 1, as makedumpfile --zstd; room for less than a page only.
        size_t N =
            ZSTD_compressCCtx(static_cast<ZSTD_CCtx *>(Zstd), Scratch.data(),
                              PageSize - 1, Page, PageSize, 1);
        if (!ZSTD_isError(N))
          Len = N;
      }
#endif
      break;
    }
    }
    if (Len == 0 || Len >= PageSize)
      return {};
    return ArrayRef<uint8_t>(Scratch.data(), Len);
  }

private:
  KdumpCompression C;
  uint32_t PageSize;
  std::vector<uint8_t> Scratch;
  std::vector<uint8_t> LzoWork;
#ifdef QEMUDUMP_HAVE_ZLIB
  std::unique_ptr<z_stream> Zlib;
#endif
  void *Zstd = nullptr;
};

bool isZeroPage(const uint8_t *P, size_t N) {
  // As OutputFile's check: the first 16 bytes, then the rest against itself
  // shifted by 16.
  for (size_t I = 0; I < 16 && I < N; ++I)
    if (P[I])
      return false;
  return N <= 16 || std::memcmp(P, P + 16, N - 16) == 0;
}

enum class PageKind : uint8_t { Zero, Compressed, Plain };

/// A run of consecutive pages read, compressed and written together.
struct Batch {
  uint64_t FirstPfn = 0;
  uint64_t FirstIndex = 0; ///< Index of the first page among dumped pages.
  unsigned NPages = 0;
  uint64_t GuestBytes = 0;      ///< Bytes of guest RAM in these pages.
  std::vector<uint8_t> In;      ///< The pages' contents.
  std::vector<uint8_t> WasRead; ///< Per page: holds bytes read (not known 0).
  std::vector<uint8_t> Data;    ///< What goes into the page data.
  std::vector<PageKind> Kinds;  ///< Per page.
  std::vector<uint32_t> Sizes;  ///< Per page: bytes in Data.
  bool Done = false;
};

void processBatch(Batch &B, PageCompressor &C, uint32_t PageSize) {
  B.Data.clear();
  B.Kinds.assign(B.NPages, PageKind::Zero);
  B.Sizes.assign(B.NPages, 0);
  for (unsigned I = 0; I < B.NPages; ++I) {
    const uint8_t *Page = B.In.data() + size_t(I) * PageSize;
    if (!B.WasRead[I] || isZeroPage(Page, PageSize))
      continue;
    ArrayRef<uint8_t> Packed = C.compress(Page);
    if (!Packed.empty()) {
      B.Data.insert(B.Data.end(), Packed.begin(), Packed.end());
      B.Kinds[I] = PageKind::Compressed;
      B.Sizes[I] = Packed.size();
    } else {
      B.Data.insert(B.Data.end(), Page, Page + PageSize);
      B.Kinds[I] = PageKind::Plain;
      B.Sizes[I] = PageSize;
    }
  }
}

/// Worker threads compressing batches in whatever order they come; the
/// caller waits for each batch it wants to write, in its own order.
class CompressorPool {
public:
  CompressorPool(unsigned N, KdumpCompression C, uint32_t PageSize) {
    for (unsigned I = 0; I < N; ++I)
      Threads.emplace_back([this, C, PageSize] { run(C, PageSize); });
  }
  ~CompressorPool() {
    {
      std::lock_guard<std::mutex> L(M);
      Stop = true;
    }
    WorkCV.notify_all();
    for (std::thread &T : Threads)
      T.join();
  }
  void submit(Batch *B) {
    {
      std::lock_guard<std::mutex> L(M);
      Queue.push_back(B);
    }
    WorkCV.notify_one();
  }
  void wait(Batch *B) {
    std::unique_lock<std::mutex> L(M);
    DoneCV.wait(L, [B] { return B->Done; });
  }
  bool done(Batch *B) {
    std::lock_guard<std::mutex> L(M);
    return B->Done;
  }

private:
  void run(KdumpCompression C, uint32_t PageSize) {
    PageCompressor Compressor(C, PageSize);
    for (;;) {
      Batch *B;
      {
        std::unique_lock<std::mutex> L(M);
        WorkCV.wait(L, [this] { return Stop || !Queue.empty(); });
        if (Stop)
          return;
        B = Queue.front();
        Queue.pop_front();
      }
      processBatch(*B, Compressor, PageSize);
      {
        std::lock_guard<std::mutex> L(M);
        B->Done = true;
      }
      DoneCV.notify_all();
    }
  }

  std::mutex M;
  std::condition_variable WorkCV, DoneCV;
  std::deque<Batch *> Queue;
  bool Stop = false;
  std::vector<std::thread> Threads;
};

//===----------------------------------------------------------------------===//
// The writer
//===----------------------------------------------------------------------===//

/// Writes bytes at offsets of the raw file: into the file itself, or as
/// records of the flattened stream.
class Sink {
public:
  Sink(OutputFile &Out, KdumpLayout L) : Out(Out), L(L) {}

  Error start() {
    if (L == KdumpLayout::Flattened)
      return Out.write(kdump::flatHeader());
    return Error::success();
  }
  Error put(uint64_t Offset, ArrayRef<uint8_t> Data) {
    if (Data.empty())
      return Error::success();
    RawSize = std::max(RawSize, Offset + Data.size());
    if (L == KdumpLayout::Flattened) {
      Header.clear();
      kdump::appendFlatDataHeader(Header, int64_t(Offset),
                                  int64_t(Data.size()));
      if (Error E = Out.write(Header))
        return E;
      return Out.write(Data);
    }
    if (Offset >= Out.offset()) {
      Out.skip(Offset - Out.offset());
      return Out.write(Data);
    }
    return Out.writeAt(Offset, Data);
  }
  Error finish() {
    if (L == KdumpLayout::Flattened) {
      Header.clear();
      kdump::appendFlatDataHeader(Header, -1, -1);
      return Out.write(Header);
    }
    return Error::success();
  }
  uint64_t rawSize() const { return RawSize; }

private:
  OutputFile &Out;
  KdumpLayout L;
  std::vector<uint8_t> Header;
  uint64_t RawSize = 0;
};

/// Consecutive PFNs of guest RAM.
struct PfnRun {
  uint64_t First, End;
};

class KdumpWriter {
public:
  KdumpWriter(OutputFile &Out, const Arch &A, const GuestMemoryMap &Map,
              ArrayRef<uint8_t> Notes, MemorySource &Memory,
              const KdumpOptions &Options, ProgressFn Progress)
      : Out(Out), A(A), Map(Map), Notes(Notes), Memory(Memory),
        Options(Options), Progress(Progress), PS(A.PageSize),
        S(Out, Options.Layout) {}

  Expected<KdumpStats> write();

private:
  Error writeHeaders();
  Error fillBatch(Batch &B);
  Error writeBatch(Batch &B);

  OutputFile &Out;
  const Arch &A;
  const GuestMemoryMap &Map;
  ArrayRef<uint8_t> Notes;
  MemorySource &Memory;
  const KdumpOptions &Options;
  ProgressFn Progress;
  uint32_t PS;
  Sink S;

  std::vector<PfnRun> Runs;
  uint64_t TotalPages = 0;
  uint64_t MaxMapnr = 0;
  uint64_t DescBase = 0, ZeroPageOffset = 0, DataCursor = 0;
  size_t BlockCursor = 0;
  uint64_t GuestDone = 0;
  KdumpStats Stats;
  std::vector<uint8_t> DescBuf;
};

Error KdumpWriter::writeHeaders() {
  // The VMCOREINFO text: the descriptor of the VMCOREINFO note, in place.
  uint64_t VmciOff = 0, VmciSize = 0;
  unsigned PrStatus = 0;
  if (Expected<std::vector<NoteView>> Parsed =
          parseNotes(Notes, A.isLittleEndian())) {
    for (const NoteView &N : *Parsed) {
      if (N.Name == "VMCOREINFO") {
        VmciOff = N.Desc.data() - Notes.data();
        VmciSize = N.Desc.size();
      }
      if (N.Name == "CORE" && N.Type == ELF::NT_PRSTATUS)
        ++PrStatus;
    }
  } else {
    return createStringError(inconvertibleErrorCode(),
                             "internal error: the note segment is malformed: " +
                                 toString(Parsed.takeError()));
  }

  kdump::SubHeader SH;
  SH.PhysBase = Options.Guest.PhysBase;
  SH.DumpLevel = 0; // nothing excluded: every page of guest RAM is there
  std::vector<uint8_t> SubBytes = kdump::encodeSubHeader(A, SH);
  uint64_t NotesOffset = PS + SubBytes.size();
  SH.OffsetNote = NotesOffset;
  SH.SizeNote = Notes.size();
  if (VmciSize) {
    SH.OffsetVmcoreinfo = NotesOffset + VmciOff;
    SH.SizeVmcoreinfo = VmciSize;
  }
  SH.MaxMapnr64 = MaxMapnr;
  SubBytes = kdump::encodeSubHeader(A, SH);
  uint64_t SubBlocks = divideCeil(SubBytes.size() + Notes.size(), PS);
  uint64_t BitmapBytes = alignTo(divideCeil(MaxMapnr, 8), PS);
  uint64_t BitmapBlocks = 2 * BitmapBytes / PS;
  if (SubBlocks > UINT32_MAX || BitmapBlocks > UINT32_MAX)
    return createStringError(inconvertibleErrorCode(),
                             "guest RAM reaches too high for a kdump file");

  kdump::DiskDumpHeader DH;
  DH.Uts = Options.Guest.Uts;
  if (Options.Timestamp) {
    DH.TimestampSec = *Options.Timestamp;
  } else {
    auto Now = std::chrono::system_clock::now().time_since_epoch();
    DH.TimestampSec =
        std::chrono::duration_cast<std::chrono::seconds>(Now).count();
    DH.TimestampUsec =
        std::chrono::duration_cast<std::chrono::microseconds>(Now).count() %
        1000000;
  }
  DH.Status = compressionFlag(Options.Compression);
  DH.BlockSize = PS;
  DH.SubHdrSize = SubBlocks;
  DH.BitmapBlocks = BitmapBlocks;
  DH.MaxMapnr = uint32_t(std::min<uint64_t>(MaxMapnr, UINT32_MAX));
  DH.NrCpus = Options.NrCpus ? Options.NrCpus : std::max(PrStatus, 1u);

  std::vector<uint8_t> Block(PS, 0);
  std::vector<uint8_t> Header = kdump::encodeDiskDumpHeader(A, DH);
  std::copy(Header.begin(), Header.end(), Block.begin());
  if (Error E = S.put(0, Block))
    return E;
  std::vector<uint8_t> Sub(SubBlocks * PS, 0);
  std::copy(SubBytes.begin(), SubBytes.end(), Sub.begin());
  std::copy(Notes.begin(), Notes.end(), Sub.begin() + SubBytes.size());
  if (Error E = S.put(PS, Sub))
    return E;

  // Both bitmaps are the same: every page of guest RAM is dumped.
  uint64_t BitmapOffset = (1 + SubBlocks) * PS;
  for (uint64_t Copy = 0; Copy < 2; ++Copy) {
    for (uint64_t Pos = 0; Pos < BitmapBytes;) {
      uint64_t N = std::min<uint64_t>(BitmapBytes - Pos, CopyChunkSize);
      std::vector<uint8_t> Bits = kdump::bitmapBytes(Map, PS, Pos, N);
      if (Error E = S.put(BitmapOffset + Copy * BitmapBytes + Pos, Bits))
        return E;
      Pos += N;
    }
  }

  DescBase = BitmapOffset + 2 * BitmapBytes;
  ZeroPageOffset = DescBase + TotalPages * kdump::PageDescSize;
  DataCursor = ZeroPageOffset + PS;
  // The shared zero page, stored as is.
  std::vector<uint8_t> Zero(PS, 0);
  return S.put(ZeroPageOffset, Zero);
}

Error KdumpWriter::fillBatch(Batch &B) {
  size_t Bytes = size_t(B.NPages) * PS;
  B.In.assign(Bytes, 0);
  B.WasRead.assign(B.NPages, 0);
  B.GuestBytes = 0;
  B.Done = false;
  uint64_t Lo = B.FirstPfn * PS, Hi = Lo + Bytes;
  ArrayRef<MemoryBlock> Blocks = Map.blocks();
  while (BlockCursor < Blocks.size() && Blocks[BlockCursor].GuestEnd <= Lo)
    ++BlockCursor;
  for (size_t I = BlockCursor; I < Blocks.size(); ++I) {
    const MemoryBlock &Blk = Blocks[I];
    if (Blk.GuestStart >= Hi)
      break;
    uint64_t From = std::max(Blk.GuestStart, Lo);
    uint64_t To = std::min(Blk.GuestEnd, Hi);
    B.GuestBytes += To - From;
    for (uint64_t Pos = From; Pos < To;) {
      uint64_t Host = Blk.HostAddr + (Pos - Blk.GuestStart);
      MemorySource::Extent E = Memory.extent(Host, To - Pos);
      uint64_t N = std::clamp<uint64_t>(E.Length, 1, To - Pos);
      if (!E.Zero) {
        MutableArrayRef<uint8_t> Dst(B.In.data() + (Pos - Lo), N);
        if (Error Err = Memory.read(Host, Dst))
          return createStringError(
              inconvertibleErrorCode(),
              formatv("cannot read guest-physical [{0:x}, {1:x}) at QEMU "
                      "address {2:x}: {3}",
                      Pos, Pos + N, Host, toString(std::move(Err)))
                  .str());
        for (uint64_t P = (Pos - Lo) / PS, PEnd = divideCeil(Pos + N - Lo, PS);
             P < PEnd; ++P)
          B.WasRead[P] = 1;
      }
      Pos += N;
    }
  }
  return Error::success();
}

Error KdumpWriter::writeBatch(Batch &B) {
  bool LE = A.isLittleEndian();
  uint32_t Flag = compressionFlag(Options.Compression);
  DescBuf.clear();
  uint64_t DataOffset = DataCursor;
  for (unsigned I = 0; I < B.NPages; ++I) {
    switch (B.Kinds[I]) {
    case PageKind::Zero:
      kdump::appendPageDesc(DescBuf, LE, ZeroPageOffset, PS, 0);
      ++Stats.ZeroPages;
      break;
    case PageKind::Compressed:
      kdump::appendPageDesc(DescBuf, LE, DataCursor, B.Sizes[I], Flag);
      DataCursor += B.Sizes[I];
      ++Stats.CompressedPages;
      break;
    case PageKind::Plain:
      kdump::appendPageDesc(DescBuf, LE, DataCursor, PS, 0);
      DataCursor += PS;
      ++Stats.PlainPages;
      break;
    }
  }
  if (Error E = S.put(DescBase + B.FirstIndex * kdump::PageDescSize, DescBuf))
    return E;
  if (Error E = S.put(DataOffset, B.Data))
    return E;
  GuestDone += B.GuestBytes;
  if (Progress && !Progress(GuestDone, Stats.MemoryBytes))
    return createStringError(inconvertibleErrorCode(),
                             "the dump was interrupted");
  return Error::success();
}

Expected<KdumpStats> KdumpWriter::write() {
  if (!compressionAvailable(Options.Compression))
    return createStringError(
        inconvertibleErrorCode(),
        formatv("kdump-{0} is not built in: rebuild qemudump with {1} "
                "installed",
                compressionName(Options.Compression),
                compressionPackage(Options.Compression))
            .str());
  if (Map.empty())
    return createStringError(inconvertibleErrorCode(),
                             "internal error: no guest RAM to dump");
  if (!isPowerOf2_32(PS) || PS < 512)
    return createStringError(inconvertibleErrorCode(),
                             "internal error: bad page size");
  for (const MemoryBlock &Blk : Map.blocks()) {
    uint64_t First = Blk.GuestStart / PS, End = divideCeil(Blk.GuestEnd, PS);
    if (!Runs.empty() && First <= Runs.back().End)
      Runs.back().End = std::max(Runs.back().End, End);
    else
      Runs.push_back({First, End});
  }
  for (const PfnRun &R : Runs)
    TotalPages += R.End - R.First;
  MaxMapnr = kdump::maxMapnr(Map, PS);
  Stats.MemoryBytes = Map.totalBytes();
  Stats.Pages = TotalPages;
  Stats.Threads = Options.Threads ? Options.Threads : defaultKdumpThreads();

  if (Error E = S.start())
    return std::move(E);
  if (Error E = writeHeaders())
    return std::move(E);

  // Batches of 1 MiB (at least one page); a few per thread in flight.
  unsigned BatchPages = std::max<unsigned>(1, (1u << 20) / PS);
  size_t Slots = 2 * Stats.Threads + 2;
  std::vector<std::unique_ptr<Batch>> Storage;
  std::vector<Batch *> Free;
  for (size_t I = 0; I < Slots; ++I) {
    Storage.push_back(std::make_unique<Batch>());
    Free.push_back(Storage.back().get());
  }
  std::deque<Batch *> InFlight;
  // Declared after the batches: destroyed (its threads joined) first.
  CompressorPool Pool(Stats.Threads, Options.Compression, PS);

  auto WriteOldest = [&](bool Block) -> Error {
    Batch *B = InFlight.front();
    if (!Block && !Pool.done(B))
      return Error::success();
    Pool.wait(B);
    InFlight.pop_front();
    Free.push_back(B);
    return writeBatch(*B);
  };

  uint64_t Index = 0;
  for (const PfnRun &R : Runs) {
    for (uint64_t Pfn = R.First; Pfn < R.End;) {
      if (Free.empty())
        if (Error E = WriteOldest(true))
          return std::move(E);
      Batch *B = Free.back();
      Free.pop_back();
      B->FirstPfn = Pfn;
      B->FirstIndex = Index;
      B->NPages = unsigned(std::min<uint64_t>(BatchPages, R.End - Pfn));
      if (Error E = fillBatch(*B))
        return std::move(E);
      if (llvm::none_of(B->WasRead, [](uint8_t R) { return R != 0; })) {
        // Known zeros: nothing to compress.
        B->Data.clear();
        B->Kinds.assign(B->NPages, PageKind::Zero);
        B->Sizes.assign(B->NPages, 0);
        B->Done = true;
      } else {
        Pool.submit(B);
      }
      InFlight.push_back(B);
      Pfn += B->NPages;
      Index += B->NPages;
      // Write what is ready without waiting.
      while (!InFlight.empty()) {
        Batch *Front = InFlight.front();
        if (!Pool.done(Front))
          break;
        if (Error E = WriteOldest(false))
          return std::move(E);
      }
    }
  }
  while (!InFlight.empty())
    if (Error E = WriteOldest(true))
      return std::move(E);
  if (Error E = S.finish())
    return std::move(E);
  Stats.FileSize = Out.offset();
  return Stats;
}

} // namespace

Expected<KdumpStats>
writeKdumpVmcore(OutputFile &Out, const Arch &A, const GuestMemoryMap &Map,
                 ArrayRef<uint8_t> Notes, MemorySource &Memory,
                 const KdumpOptions &Options, ProgressFn Progress) {
  return KdumpWriter(Out, A, Map, Notes, Memory, Options, Progress).write();
}

} // namespace qemudump
