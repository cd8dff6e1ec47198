//===- fuzz-corefile.cpp - Fuzz the core file's program header parser -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Input: a process core file. It is written to a memfd, whose all-zero 4 KiB
// pages are punched out (holes, as the kernel leaves for pages it never
// populated), and opened by path (/proc/self/fd/N) with CoreFileMemory::open.
// Then read() and extent() run on the start, the end of the file bytes and
// the end of every segment, and the other accessors on what was parsed.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "qemudump/Input/CoreFileMemory.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

using namespace llvm;
using namespace qemudump;

using Segment = CoreFileMemory::Segment;

static int coreFD() {
  static int FD = [] {
    int FD = memfd_create("qemudump-fuzz-core", MFD_CLOEXEC);
    if (FD < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    return FD;
  }();
  return FD;
}

static bool writeCore(int FD, const uint8_t *Data, size_t Size) {
  if (::ftruncate(FD, 0) != 0)
    return false;
  for (size_t Done = 0; Done < Size;) {
    ssize_t N = ::pwrite(FD, Data + Done, Size - Done, Done);
    if (N <= 0)
      return false;
    Done += N;
  }
  constexpr size_t Page = 4096;
  for (size_t Off = 0; Off + Page <= Size; Off += Page)
    if (std::all_of(Data + Off, Data + Off + Page,
                    [](uint8_t B) { return B == 0; }))
      ::fallocate(FD, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, Off, Page);
  return true;
}

/// Whether no two segments overlap (none wraps around the address space
/// either): then the bytes read at an address are those of the one segment
/// that holds it.
static bool disjoint(ArrayRef<Segment> Segments) {
  for (size_t I = 0; I < Segments.size(); ++I) {
    const Segment &S = Segments[I];
    if (S.VAddr + S.MemSize < S.VAddr ||
        (I + 1 < Segments.size() &&
         S.VAddr + S.MemSize > Segments[I + 1].VAddr))
      return false;
  }
  return true;
}

static void probe(CoreFileMemory &M, const Segment &S, uint64_t Addr,
                  const uint8_t *Data, size_t Size, bool Disjoint) {
  uint64_t Off = Addr - S.VAddr;
  if (Off >= S.MemSize)
    return;
  for (uint64_t MaxLen : {uint64_t(1), ~uint64_t(0)}) {
    MemorySource::Extent E = M.extent(Addr, MaxLen);
    FUZZ_CHECK(E.Length > 0 && E.Length <= MaxLen);
    // Read at most 1 KiB, and not beyond the segment (the next address may
    // well be in no segment).
    uint64_t Len = std::min<uint64_t>({E.Length, 1024, S.MemSize - Off});
    std::vector<uint8_t> Buf(Len, 0xa5);
    if (Error Err = M.read(Addr, Buf)) {
      consumeError(std::move(Err));
      continue;
    }
    if (E.Zero)
      // A wrong "zero" would be a silently wrong vmcore.
      FUZZ_CHECK(std::all_of(Buf.begin(), Buf.end(),
                             [](uint8_t B) { return B == 0; }));
    if (Disjoint) {
      // The file's bytes where the segment has them, zeros after.
      for (uint64_t I = 0; I < Len; ++I) {
        uint64_t At = Off + I;
        uint8_t Want = 0;
        if (At < S.FileSize) {
          uint64_t FileOff = S.Offset + At;
          FUZZ_CHECK(FileOff >= S.Offset && FileOff < Size);
          Want = Data[FileOff];
        }
        FUZZ_CHECK(Buf[I] == Want);
      }
    }
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  int FD = coreFD();
  if (!writeCore(FD, Data, Size))
    std::abort();
  Expected<std::unique_ptr<CoreFileMemory>> Opened =
      CoreFileMemory::open("/proc/self/fd/" + std::to_string(FD));
  if (!Opened) {
    consumeError(Opened.takeError());
    return 0;
  }
  CoreFileMemory &M = **Opened;
  FUZZ_CHECK(M.fileSize() == Size);
  ArrayRef<Segment> Segments = M.segments();
  bool Disjoint = disjoint(Segments);
  for (size_t I = 0; I < Segments.size(); ++I) {
    const Segment &S = Segments[I];
    FUZZ_CHECK(S.MemSize > 0 && S.FileSize <= S.MemSize);
    if (I > 0)
      FUZZ_CHECK(Segments[I - 1].VAddr <= S.VAddr);
    if (I >= 64)
      continue;
    for (uint64_t Addr :
         {S.VAddr, S.VAddr + S.FileSize, S.VAddr + S.FileSize - 1,
          S.VAddr + S.MemSize - 1, S.VAddr + S.MemSize / 2})
      probe(M, S, Addr, Data, Size, Disjoint);
    // Across the end of the segment, into whatever follows.
    std::vector<uint8_t> Across(64);
    if (Error Err = M.read(S.VAddr + S.MemSize - 32, Across))
      consumeError(std::move(Err));
  }
  for (const CoreFileMemory::MappedFile &F : M.mappedFiles())
    FUZZ_CHECK(F.Path.find('\0') == std::string::npos);
  if (std::optional<uint64_t> End = M.truncatedFrom())
    FUZZ_CHECK(*End > M.fileSize());
  (void)M.processId();
  return 0;
}
