//===- KdumpCompression.cpp - The page codecs of kdump files --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Vmcore/KdumpCompression.h"

#include "llvm/Support/ErrorHandling.h"

#include <cstring>

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

ArrayRef<KdumpCompression> allCompressions() {
  static const KdumpCompression All[] = {
      KdumpCompression::Zlib, KdumpCompression::Lzo, KdumpCompression::Snappy,
      KdumpCompression::Zstd};
  return All;
}

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

std::optional<KdumpCompression> compressionNamed(StringRef Name) {
  for (KdumpCompression C : allCompressions())
    if (Name == compressionName(C))
      return C;
  return std::nullopt;
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

/// The codecs' own state, where they have one.
struct PageCompressor::State {
#ifdef QEMUDUMP_HAVE_ZLIB
  std::unique_ptr<z_stream> Zlib;
#endif
#ifdef QEMUDUMP_HAVE_ZSTD
  ZSTD_CCtx *Zstd = nullptr;
#endif
  std::vector<uint8_t> LzoWork;

  ~State() {
#ifdef QEMUDUMP_HAVE_ZLIB
    if (Zlib)
      deflateEnd(Zlib.get());
#endif
#ifdef QEMUDUMP_HAVE_ZSTD
    ZSTD_freeCCtx(Zstd);
#endif
  }
};

PageCompressor::PageCompressor(KdumpCompression C, uint32_t PageSize)
    : C(C), PageSize(PageSize), S(std::make_unique<State>()) {
  size_t Bound = PageSize;
  switch (C) {
  case KdumpCompression::Zlib:
#ifdef QEMUDUMP_HAVE_ZLIB
    // One stream, reset for each page: compress2() would set up (and clear)
    // its 256 KiB of state for every page, 2-4 times slower. Level 1
    // (Z_BEST_SPEED, as makedumpfile -c) and compress2's other parameters:
    // the same output.
    S->Zlib = std::make_unique<z_stream>();
    std::memset(S->Zlib.get(), 0, sizeof(z_stream));
    if (deflateInit2(S->Zlib.get(), Z_BEST_SPEED, Z_DEFLATED, 15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
      S->Zlib.reset();
#endif
    break;
  case KdumpCompression::Lzo:
#ifdef QEMUDUMP_HAVE_LZO
    Bound = PageSize + PageSize / 16 + 64 + 3;
    S->LzoWork.resize(LZO1X_1_MEM_COMPRESS);
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
    S->Zstd = ZSTD_createCCtx();
#endif
    break;
  }
  Scratch.resize(Bound);
}

PageCompressor::~PageCompressor() = default;

ArrayRef<uint8_t> PageCompressor::compress(const uint8_t *Page) {
  size_t Len = 0;
  (void)Page;
  switch (C) {
  case KdumpCompression::Zlib: {
#ifdef QEMUDUMP_HAVE_ZLIB
    // Room for less than a page only: deflate gives up on a page that does
    // not shrink as soon as the room is full.
    z_stream *Z = S->Zlib.get();
    if (!Z || deflateReset(Z) != Z_OK)
      break;
    Z->next_in = const_cast<uint8_t *>(Page);
    Z->avail_in = PageSize;
    Z->next_out = Scratch.data();
    Z->avail_out = PageSize - 1;
    if (deflate(Z, Z_FINISH) == Z_STREAM_END)
      Len = Z->total_out;
#endif
    break;
  }
  case KdumpCompression::Lzo: {
#ifdef QEMUDUMP_HAVE_LZO
    lzo_uint N = Scratch.size();
    if (lzo1x_1_compress(Page, PageSize, Scratch.data(), &N,
                         S->LzoWork.data()) == LZO_E_OK)
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
    if (S->Zstd) {
      // Level 1, as makedumpfile --zstd; room for less than a page only.
      size_t N = ZSTD_compressCCtx(S->Zstd, Scratch.data(), PageSize - 1, Page,
                                   PageSize, 1);
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

} // namespace qemudump
