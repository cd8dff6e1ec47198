//===- fuzz-corelayout.cpp - Fuzz the minidump and Mach-O core readers ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Input: one byte choosing the reader (even: minidump, odd: Mach-O core),
// then the file. Whatever the file says, the layout's ranges are sorted,
// non-empty and do not wrap, every stored range is found by its own first
// and last address, and every query answers without reading outside the
// input (ASan).
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "qemudump/Input/CoreLayout.h"

#include <cstddef>
#include <cstdint>

using namespace llvm;
using namespace qemudump;

static void checkSorted(const std::vector<CoreLayout::Range> &V,
                        bool Disjoint) {
  for (size_t I = 0; I < V.size(); ++I) {
    FUZZ_CHECK(V[I].Size > 0);
    FUZZ_CHECK(V[I].end() > V[I].Start);
    if (I)
      FUZZ_CHECK(Disjoint ? V[I - 1].end() < V[I].Start
                          : V[I - 1].Start <= V[I].Start);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size < 1)
    return 0;
  bool IsMachO = Data[0] & 1;
  MemoryBufferRef File(
      StringRef(reinterpret_cast<const char *>(Data + 1), Size - 1), "fuzz");
  Expected<CoreLayout> L =
      IsMachO ? readMachOCoreLayout(File) : readMinidumpLayout(File);
  if (!L) {
    consumeError(L.takeError());
    return 0;
  }
  // normalize(): each list sorted and disjoint, and nothing both stored and
  // zero (a stored byte read as zero would be a silently wrong vmcore).
  checkSorted(L->Stored, true);
  checkSorted(L->Zero, true);
  checkSorted(L->Cut, true);
  for (const CoreLayout::Range &Z : L->Zero) {
    FUZZ_CHECK(!L->storedAt(Z.Start) && !L->storedAt(Z.end() - 1));
    FUZZ_CHECK(!L->cutAt(Z.Start) && !L->cutAt(Z.end() - 1));
  }
  for (const CoreLayout::Range &R : L->Stored) {
    FUZZ_CHECK(L->storedAt(R.Start) != nullptr);
    FUZZ_CHECK(L->storedAt(R.end() - 1) != nullptr);
  }
  for (uint64_t A :
       {uint64_t(0), uint64_t(0x1000), uint64_t(0x7f0000000000), UINT64_MAX}) {
    if (!L->storedAt(A) && !L->zeroAt(A))
      FUZZ_CHECK(!L->whyMissing(A, "fuzz").empty());
  }
  return 0;
}
