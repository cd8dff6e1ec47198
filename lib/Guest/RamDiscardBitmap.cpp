//===- RamDiscardBitmap.cpp - Which parts of a sparse RAM region exist ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/RamDiscardBitmap.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace llvm;

namespace qemudump {

Expected<RamDiscardBitmap>
RamDiscardBitmap::create(uint64_t BlockSize, uint64_t NumBits,
                         std::vector<uint64_t> Words) {
  auto Fail = [](const Twine &Why) {
    return createStringError(inconvertibleErrorCode(), Why.str());
  };
  if (BlockSize == 0)
    return Fail("its block size is 0");
  uint64_t NeedWords = NumBits / 64 + (NumBits % 64 != 0);
  if (Words.size() < NeedWords)
    return Fail(formatv("{0} bits need {1} words, it has {2}", NumBits,
                        NeedWords, Words.size()));
  if (NumBits > UINT64_MAX / BlockSize)
    return Fail(formatv("{0} blocks of {1:x} bytes do not fit in 64 bits",
                        NumBits, BlockSize));
  RamDiscardBitmap B;
  B.BlockSize = BlockSize;
  B.NumBits = NumBits;
  B.Words = std::move(Words);
  return B;
}

uint64_t RamDiscardBitmap::next(uint64_t From, bool Set) const {
  while (From < NumBits) {
    uint64_t Word = Words[From / 64];
    if (!Set)
      Word = ~Word;
    Word >>= From % 64;
    if (Word)
      return std::min(NumBits, From + llvm::countr_zero(Word));
    From = (From / 64 + 1) * 64;
  }
  return NumBits;
}

uint64_t RamDiscardBitmap::populatedBytes() const {
  uint64_t Set = 0;
  for (size_t I = 0; I < NumBits / 64; ++I)
    Set += llvm::popcount(Words[I]);
  if (NumBits % 64)
    Set += llvm::popcount(Words[NumBits / 64] &
                          ((uint64_t(1) << (NumBits % 64)) - 1));
  return Set * BlockSize;
}

std::vector<RegionPart> RamDiscardBitmap::parts(uint64_t Offset,
                                                uint64_t Size) const {
  std::vector<RegionPart> Out;
  const uint64_t End = Offset + Size;
  uint64_t Covered = Offset;
  // As QEMU's for_each_populated_section: from the block of the range's first
  // byte, each run of set bits, cut to the range; the first run that misses
  // the range ends the walk (runs only ascend).
  for (uint64_t First = next(Offset / BlockSize, true); First < NumBits;) {
    uint64_t Last = next(First + 1, false); // one past the run
    uint64_t Start = std::max(Offset, First * BlockSize);
    uint64_t Stop = std::min(End, Last * BlockSize);
    if (Stop <= Start)
      break;
    if (Start > Covered)
      Out.push_back({Covered, Start - Covered, false});
    Out.push_back({Start, Stop - Start, true});
    Covered = Stop;
    First = next(Last, true);
  }
  if (Covered < End)
    Out.push_back({Covered, End - Covered, false});
  return Out;
}

} // namespace qemudump
