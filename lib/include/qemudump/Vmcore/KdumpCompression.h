//===- KdumpCompression.h - The page codecs of kdump files ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The compressions makedumpfile's kdump format knows (zlib, lzo, snappy,
// zstd): their names, header flags and build-time availability (each library
// is optional), and a PageCompressor that compresses one page at a time with
// the settings makedumpfile uses.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_VMCORE_KDUMPCOMPRESSION_H
#define QEMUDUMP_VMCORE_KDUMPCOMPRESSION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace qemudump {

enum class KdumpCompression { Zlib, Lzo, Snappy, Zstd };

/// Every compression, in the order help texts list them.
llvm::ArrayRef<KdumpCompression> allCompressions();
/// "zlib", "lzo", "snappy", "zstd".
llvm::StringRef compressionName(KdumpCompression C);
/// The compression named \p Name (exactly as compressionName() spells it).
std::optional<KdumpCompression> compressionNamed(llvm::StringRef Name);
/// Whether this build can write \p C (each library is optional at build time).
bool compressionAvailable(KdumpCompression C);
/// The Debian package whose library adds \p C to a build.
llvm::StringRef compressionPackage(KdumpCompression C);
/// DUMP_DH_COMPRESSED_ZLIB, _LZO, _SNAPPY or _ZSTD.
uint32_t compressionFlag(KdumpCompression C);

/// Compresses pages of one size with one codec: zlib level 1 (as
/// makedumpfile -c), LZO1X-1, snappy, zstd level 1 (as makedumpfile --zstd).
/// Not thread-safe: one per thread.
class PageCompressor {
public:
  PageCompressor(KdumpCompression C, uint32_t PageSize);
  ~PageCompressor();
  PageCompressor(const PageCompressor &) = delete;
  PageCompressor &operator=(const PageCompressor &) = delete;

  /// The compressed page (valid until the next call), or an empty array when
  /// compression does not make it smaller, fails, or \p C is not built in:
  /// then the page is stored as is.
  llvm::ArrayRef<uint8_t> compress(const uint8_t *Page);

private:
  struct State;
  KdumpCompression C;
  uint32_t PageSize;
  std::vector<uint8_t> Scratch;
  std::unique_ptr<State> S;
};

} // namespace qemudump

#endif // QEMUDUMP_VMCORE_KDUMPCOMPRESSION_H
