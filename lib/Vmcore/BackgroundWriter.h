//===- BackgroundWriter.h - Sparse writes on a thread of their own -*- C++ -*-//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The ELF writer reads guest memory a chunk at a time and writes it sparse
// (an all-zero block becomes a hole). On one thread a chunk costs its read
// plus its zero check and write; with the check and the write on a thread of
// their own, the next chunk is read while the last is written, and the copy
// costs the slower of the two: of a dense guest into a tmpfs, the write into
// the page cache, the floor any writer has. Reads stay on the caller's
// thread, so a MemorySource need not be thread-safe, and progress,
// interrupts and read errors are the caller's as before. Memory stays
// bounded: a few chunk buffers go round, allocated when first needed.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_VMCORE_BACKGROUNDWRITER_H
#define QEMUDUMP_VMCORE_BACKGROUNDWRITER_H

#include "qemudump/Vmcore/OutputFile.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace qemudump {

class BackgroundWriter {
public:
  /// Writes into \p Out (OutputFile::writeSparseAt) through \p Buffers
  /// buffers of \p ChunkSize bytes.
  BackgroundWriter(const OutputFile &Out, size_t ChunkSize,
                   unsigned Buffers = 3);
  /// Drops the writes still queued (the copy stopped: the file is to be
  /// discarded) and waits for the one under way.
  ~BackgroundWriter();
  BackgroundWriter(const BackgroundWriter &) = delete;
  BackgroundWriter &operator=(const BackgroundWriter &) = delete;

  /// A buffer of ChunkSize bytes to fill, once one is free; fails (after
  /// waiting for the rest) with the first write error, once one came up:
  /// the copy stops there.
  llvm::Expected<llvm::MutableArrayRef<uint8_t>> buffer();
  /// Queues the first \p Size bytes of the buffer buffer() gave last, to be
  /// written at \p Pos of the file.
  void submit(uint64_t Pos, size_t Size);
  /// Waits for every queued write; the first error, if any and not given
  /// by buffer() already.
  llvm::Error finish();

private:
  struct Slot {
    std::vector<uint8_t> Data;
    uint64_t Pos = 0;
    size_t Size = 0;
    bool Busy = false; ///< Queued or being written.
  };
  void run();
  /// Waits (holding \p Lock) until nothing is queued or being written.
  void drain(std::unique_lock<std::mutex> &Lock);

  const OutputFile &Out;
  size_t ChunkSize;
  std::vector<Slot> Slots;
  size_t Next = 0; ///< The slot buffer() gives next.
  std::mutex M;
  std::condition_variable WorkCV, FreeCV;
  std::deque<Slot *> Queue;
  bool Stop = false;
  bool Failed = false;   ///< A write failed.
  bool Dropping = false; ///< Queued writes are dropped, not written.
  llvm::Error FirstError = llvm::Error::success(); ///< Its error, until taken.
  std::thread Thread; ///< Started by the first submit().
};

} // namespace qemudump

#endif // QEMUDUMP_VMCORE_BACKGROUNDWRITER_H
