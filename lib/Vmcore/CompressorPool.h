//===- CompressorPool.h - Pages compressed on worker threads ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The kdump writer reads guest memory into batches of consecutive pages and
// hands each to a pool of worker threads, which sort every page into zero,
// compressed or stored as is; the writer takes the batches back in its own
// order. Memory stays bounded: the writer owns a fixed number of batches.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_VMCORE_COMPRESSORPOOL_H
#define QEMUDUMP_VMCORE_COMPRESSORPOOL_H

#include "qemudump/Vmcore/KdumpCompression.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace qemudump {

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
  bool Done = false;            ///< Guarded by the pool once submitted.

  /// Marks every page zero without compressing (nothing was read).
  void setAllZero();
};

/// Whether the \p N bytes at \p P are all zero.
bool isZeroPage(const uint8_t *P, size_t N);

/// Sorts the pages of \p B: zero (never read, or all zero), compressed
/// (into B.Data, when that makes them smaller) or plain (copied as is).
void compressBatch(Batch &B, PageCompressor &C, uint32_t PageSize);

/// Worker threads compressing batches in whatever order they come; the
/// caller waits for each batch it wants to write, in its own order. The
/// destructor stops and joins the workers (batches still queued are left).
class CompressorPool {
public:
  CompressorPool(unsigned Threads, KdumpCompression C, uint32_t PageSize);
  ~CompressorPool();
  CompressorPool(const CompressorPool &) = delete;
  CompressorPool &operator=(const CompressorPool &) = delete;

  void submit(Batch *B);
  /// Blocks until \p B is compressed.
  void wait(Batch *B);
  bool done(Batch *B);

private:
  void run(KdumpCompression C, uint32_t PageSize);

  std::mutex M;
  std::condition_variable WorkCV, DoneCV;
  std::deque<Batch *> Queue;
  bool Stop = false;
  std::vector<std::thread> Threads;
};

} // namespace qemudump

#endif // QEMUDUMP_VMCORE_COMPRESSORPOOL_H
