//===- fuzz-memorymap.cpp - Fuzz the guest memory map's merge and clip ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Input: a sequence of operations, each an opcode byte and three 64-bit
// little-endian operands A, B, C:
//   opcode % 3 == 0: addRange(A, B, C)    (guest start, size, host address)
//   opcode % 3 == 1: clip(A, B)           (begin, length)
//   opcode % 3 == 2: hostAddressOf(A, B)  (guest address, length)
// After each one the map's invariants hold: blocks non-empty, ascending and
// non-overlapping, totalBytes() their sum; and each result is what the
// header promises, checked against a plain model of the map.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "qemudump/Guest/GuestMemoryMap.h"

#include "llvm/Support/Endian.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

using namespace llvm;
using namespace qemudump;

static bool sameBlocks(ArrayRef<MemoryBlock> A, ArrayRef<MemoryBlock> B) {
  return A.size() == B.size() &&
         std::equal(A.begin(), A.end(), B.begin(),
                    [](const MemoryBlock &X, const MemoryBlock &Y) {
                      return X.GuestStart == Y.GuestStart &&
                             X.GuestEnd == Y.GuestEnd &&
                             X.HostAddr == Y.HostAddr;
                    });
}

static void checkInvariants(const GuestMemoryMap &M) {
  uint64_t Sum = 0;
  const MemoryBlock *Prev = nullptr;
  for (const MemoryBlock &B : M.blocks()) {
    FUZZ_CHECK(B.GuestStart < B.GuestEnd);
    // The host range does not wrap either.
    FUZZ_CHECK(B.HostAddr + B.size() >= B.HostAddr);
    if (Prev)
      FUZZ_CHECK(Prev->GuestEnd <= B.GuestStart);
    FUZZ_CHECK(Sum + B.size() >= Sum);
    Sum += B.size();
    Prev = &B;
  }
  FUZZ_CHECK(M.totalBytes() == Sum);
  FUZZ_CHECK(M.empty() == M.blocks().empty());
}

/// The block holding guest-physical \p Addr, if any.
static const MemoryBlock *blockAt(const GuestMemoryMap &M, uint64_t Addr) {
  for (const MemoryBlock &B : M.blocks())
    if (B.GuestStart <= Addr && Addr < B.GuestEnd)
      return &B;
  return nullptr;
}

static void addRange(GuestMemoryMap &M, uint64_t Start, uint64_t Size,
                     uint64_t Host) {
  GuestMemoryMap Before = M;
  bool Valid = Size != 0 && Start + Size > Start && Host + Size > Host &&
               (M.empty() || Start >= M.blocks().back().GuestEnd);
  Expected<GuestMemoryMap::AddResult> R = M.addRange(Start, Size, Host);
  FUZZ_CHECK(bool(R) == Valid);
  if (!R) {
    consumeError(R.takeError());
    FUZZ_CHECK(sameBlocks(M.blocks(), Before.blocks()));
    return;
  }
  if (*R == GuestMemoryMap::AddResult::Added) {
    FUZZ_CHECK(M.blocks().size() == Before.blocks().size() + 1);
    FUZZ_CHECK(sameBlocks(M.blocks().drop_back(), Before.blocks()));
  } else {
    // Joined: only when it continues the last block in both spaces.
    FUZZ_CHECK(!Before.empty());
    const MemoryBlock &Last = Before.blocks().back();
    FUZZ_CHECK(Last.GuestEnd == Start && Last.HostAddr + Last.size() == Host);
    FUZZ_CHECK(M.blocks().size() == Before.blocks().size());
    FUZZ_CHECK(sameBlocks(M.blocks().drop_back(), Before.blocks().drop_back()));
  }
  FUZZ_CHECK(M.totalBytes() == Before.totalBytes() + Size);
  FUZZ_CHECK(M.hostAddressOf(Start, Size) == std::optional<uint64_t>(Host));
}

static void clip(const GuestMemoryMap &M, uint64_t Begin, uint64_t Length) {
  Expected<GuestMemoryMap> C = M.clip(Begin, Length);
  uint64_t End = Begin + Length;
  // The bytes of the map inside [Begin, End).
  uint64_t Inside = 0;
  if (Length != 0 && End > Begin)
    for (const MemoryBlock &B : M.blocks()) {
      uint64_t S = std::max(B.GuestStart, Begin);
      uint64_t E = std::min(B.GuestEnd, End);
      if (S < E)
        Inside += E - S;
    }
  FUZZ_CHECK(bool(C) == (Inside != 0));
  if (!C) {
    consumeError(C.takeError());
    return;
  }
  checkInvariants(*C);
  FUZZ_CHECK(C->totalBytes() == Inside);
  for (const MemoryBlock &O : C->blocks()) {
    // Inside the range, and inside one block of the map with the same host
    // address for the same guest address.
    FUZZ_CHECK(Begin <= O.GuestStart && O.GuestEnd <= End);
    const MemoryBlock *B = blockAt(M, O.GuestStart);
    FUZZ_CHECK(B && O.GuestEnd <= B->GuestEnd);
    FUZZ_CHECK(O.HostAddr == B->HostAddr + (O.GuestStart - B->GuestStart));
  }
}

static void hostAddressOf(const GuestMemoryMap &M, uint64_t Addr,
                          uint64_t Len) {
  std::optional<uint64_t> H = M.hostAddressOf(Addr, Len);
  const MemoryBlock *B = blockAt(M, Addr);
  bool Held = B && Len <= B->GuestEnd - Addr;
  FUZZ_CHECK(H.has_value() == Held);
  if (H)
    FUZZ_CHECK(*H == B->HostAddr + (Addr - B->GuestStart));
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  constexpr size_t OpSize = 1 + 3 * 8;
  GuestMemoryMap M;
  for (; Size >= OpSize; Data += OpSize, Size -= OpSize) {
    uint64_t A = support::endian::read64le(Data + 1);
    uint64_t B = support::endian::read64le(Data + 9);
    uint64_t C = support::endian::read64le(Data + 17);
    switch (Data[0] % 3) {
    case 0:
      addRange(M, A, B, C);
      break;
    case 1:
      clip(M, A, B);
      break;
    case 2:
      hostAddressOf(M, A, B);
      break;
    }
    checkInvariants(M);
  }
  return 0;
}
