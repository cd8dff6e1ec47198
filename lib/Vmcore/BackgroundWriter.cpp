//===- BackgroundWriter.cpp - Sparse writes on a thread of their own ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Vmcore/BackgroundWriter.h"

using namespace llvm;

namespace qemudump {

BackgroundWriter::BackgroundWriter(const OutputFile &Out, size_t ChunkSize,
                                   unsigned Buffers)
    : Out(Out), ChunkSize(ChunkSize), Slots(std::max(Buffers, 2u)) {}

BackgroundWriter::~BackgroundWriter() {
  {
    std::lock_guard<std::mutex> Lock(M);
    Dropping = true;
  }
  consumeError(finish());
}

Expected<MutableArrayRef<uint8_t>> BackgroundWriter::buffer() {
  Slot &S = Slots[Next];
  std::unique_lock<std::mutex> Lock(M);
  FreeCV.wait(Lock, [&] { return !S.Busy || Failed; });
  if (Failed) {
    // The copy stops at the first write that failed (a full disk, say),
    // instead of reading the rest of the guest for nothing.
    Lock.unlock();
    if (Error E = finish())
      return std::move(E);
    return createStringError(inconvertibleErrorCode(),
                             "internal error: a write failed before");
  }
  Lock.unlock();
  if (S.Data.empty())
    S.Data.resize(ChunkSize);
  return MutableArrayRef<uint8_t>(S.Data);
}

void BackgroundWriter::submit(uint64_t Pos, size_t Size) {
  Slot &S = Slots[Next];
  Next = (Next + 1) % Slots.size();
  S.Pos = Pos;
  S.Size = Size;
  {
    std::lock_guard<std::mutex> Lock(M);
    S.Busy = true;
    Queue.push_back(&S);
  }
  if (!Thread.joinable())
    Thread = std::thread([this] { run(); });
  WorkCV.notify_one();
}

void BackgroundWriter::run() {
  std::unique_lock<std::mutex> Lock(M);
  for (;;) {
    WorkCV.wait(Lock, [&] { return Stop || !Queue.empty(); });
    if (Queue.empty())
      return;
    Slot *S = Queue.front();
    Queue.pop_front();
    // After an error, or when the copy stopped, the rest is dropped.
    bool Skip = Failed || Dropping;
    Lock.unlock();
    Error E = Skip
                  ? Error::success()
                  : Out.writeSparseAt(
                        S->Pos, ArrayRef<uint8_t>(S->Data).take_front(S->Size));
    Lock.lock();
    if (E) {
      Failed = true;
      FirstError = joinErrors(std::move(FirstError), std::move(E));
    }
    S->Busy = false;
    FreeCV.notify_all();
  }
}

void BackgroundWriter::drain(std::unique_lock<std::mutex> &Lock) {
  FreeCV.wait(Lock, [&] {
    for (const Slot &S : Slots)
      if (S.Busy)
        return false;
    return true;
  });
}

Error BackgroundWriter::finish() {
  {
    std::unique_lock<std::mutex> Lock(M);
    drain(Lock);
    Stop = true;
  }
  WorkCV.notify_all();
  if (Thread.joinable())
    Thread.join();
  Stop = false;
  std::lock_guard<std::mutex> Lock(M);
  return std::move(FirstError); // once: what is left is success
}

} // namespace qemudump
