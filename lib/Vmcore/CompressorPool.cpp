//===- CompressorPool.cpp - Pages compressed on worker threads ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Vmcore/CompressorPool.h"

#include <cstring>

using namespace llvm;

namespace qemudump {

void Batch::setAllZero() {
  Data.clear();
  Kinds.assign(NPages, PageKind::Zero);
  Sizes.assign(NPages, 0);
  Done = true;
}

bool isZeroPage(const uint8_t *P, size_t N) {
  // As OutputFile's check: the first 16 bytes, then the rest against itself
  // shifted by 16.
  for (size_t I = 0; I < 16 && I < N; ++I)
    if (P[I])
      return false;
  return N <= 16 || std::memcmp(P, P + 16, N - 16) == 0;
}

void compressBatch(Batch &B, PageCompressor &C, uint32_t PageSize) {
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

CompressorPool::CompressorPool(unsigned N, KdumpCompression C,
                               uint32_t PageSize) {
  for (unsigned I = 0; I < N; ++I)
    Threads.emplace_back([this, C, PageSize] { run(C, PageSize); });
}

CompressorPool::~CompressorPool() {
  {
    std::lock_guard<std::mutex> L(M);
    Stop = true;
  }
  WorkCV.notify_all();
  for (std::thread &T : Threads)
    T.join();
}

void CompressorPool::submit(Batch *B) {
  {
    std::lock_guard<std::mutex> L(M);
    Queue.push_back(B);
  }
  WorkCV.notify_one();
}

void CompressorPool::wait(Batch *B) {
  std::unique_lock<std::mutex> L(M);
  DoneCV.wait(L, [B] { return B->Done; });
}

bool CompressorPool::done(Batch *B) {
  std::lock_guard<std::mutex> L(M);
  return B->Done;
}

void CompressorPool::run(KdumpCompression C, uint32_t PageSize) {
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
    compressBatch(*B, Compressor, PageSize);
    {
      std::lock_guard<std::mutex> L(M);
      B->Done = true;
    }
    DoneCV.notify_all();
  }
}

} // namespace qemudump
