//===- KdumpFormat.cpp - makedumpfile's kdump file, on disk ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Vmcore/KdumpFormat.h"

#include "qemudump/Notes/DescWriter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstring>

using namespace llvm;

namespace qemudump {
namespace kdump {

namespace {

/// Offsets in kdump_sub_header (header_version 6): each 64-bit member
/// (off_t, unsigned long long) is aligned to 8 on 64-bit and 32pad.
struct SubHeaderLayout {
  size_t Size, W, OffV, SizeV, OffN, SizeN, Max64;
};
const SubHeaderLayout &subHeaderLayout(KdumpHeaderKind K) {
  static const SubHeaderLayout L64 = {104, 8, 32, 40, 48, 56, 96};
  static const SubHeaderLayout L32Pack = {80, 4, 20, 28, 32, 40, 72};
  static const SubHeaderLayout L32Pad = {96, 4, 24, 32, 40, 48, 88};
  return K == KdumpHeaderKind::Bits64       ? L64
         : K == KdumpHeaderKind::Bits32Pack ? L32Pack
                                            : L32Pad;
}

} // namespace

std::vector<uint8_t> encodeDiskDumpHeader(const Arch &A,
                                          const DiskDumpHeader &H) {
  bool Is64 = A.KdumpHeader == KdumpHeaderKind::Bits64;
  // signature[8], header_version, new_utsname (6 x 65), then struct timeval
  // aligned to the word size, then ten 32-bit fields.
  DescWriter D(A.endianness(), Is64 ? 464 : 452);
  D.putRaw(0, arrayRefFromStringRef("KDUMP   "));
  D.put32(8, HeaderVersion);
  const std::string *Fields[] = {&H.Uts.Sysname, &H.Uts.Nodename,
                                 &H.Uts.Release, &H.Uts.Version,
                                 &H.Uts.Machine, &H.Uts.Domainname};
  for (size_t I = 0; I < 6; ++I)
    D.putString(12 + I * UtsFieldSize, *Fields[I], UtsFieldSize);
  size_t T = Is64 ? 408 : 404;
  unsigned W = Is64 ? 8 : 4;
  D.putWord(T, uint64_t(H.TimestampSec), W);
  D.putWord(T + W, uint64_t(H.TimestampUsec), W);
  size_t S = T + 2 * W;
  D.put32(S + 0, H.Status);
  D.put32(S + 4, H.BlockSize);
  D.put32(S + 8, H.SubHdrSize);
  D.put32(S + 12, H.BitmapBlocks);
  D.put32(S + 16, H.MaxMapnr);
  // total_ram_blocks, device_blocks, written_blocks, current_cpu: 0.
  D.put32(S + 36, H.NrCpus);
  return D.take();
}

uint64_t subHeaderSize(KdumpHeaderKind K) { return subHeaderLayout(K).Size; }

std::vector<uint8_t> encodeSubHeader(const Arch &A, const SubHeader &H) {
  const SubHeaderLayout &L = subHeaderLayout(A.KdumpHeader);
  DescWriter D(A.endianness(), L.Size);
  D.putWord(0, uint64_t(H.PhysBase), L.W);
  D.put32(L.W, H.DumpLevel);
  // split = 0, start_pfn = end_pfn = 0: not a split dump.
  D.put64(L.OffV, H.OffsetVmcoreinfo);
  D.putWord(L.SizeV, H.SizeVmcoreinfo, L.W);
  D.put64(L.OffN, H.OffsetNote);
  D.putWord(L.SizeN, H.SizeNote, L.W);
  // offset_eraseinfo = size_eraseinfo = 0, start_pfn_64 = end_pfn_64 = 0.
  D.put64(L.Max64, H.MaxMapnr64);
  return D.take();
}

void appendPageDesc(std::vector<uint8_t> &Out, bool LittleEndian,
                    uint64_t Offset, uint32_t Size, uint32_t Flags) {
  size_t At = Out.size();
  Out.resize(At + PageDescSize, 0);
  endianness O = LittleEndian ? endianness::little : endianness::big;
  support::endian::write<uint64_t>(Out.data() + At, Offset, O);
  support::endian::write<uint32_t>(Out.data() + At + 8, Size, O);
  support::endian::write<uint32_t>(Out.data() + At + 12, Flags, O);
  // page_flags: 0.
}

uint64_t maxMapnr(const GuestMemoryMap &Map, uint32_t PageSize) {
  if (Map.empty())
    return 0;
  return divideCeil(Map.blocks().back().GuestEnd, PageSize);
}

std::vector<uint8_t> bitmapBytes(ArrayRef<PfnRun> Runs, uint64_t From,
                                 uint64_t Len) {
  std::vector<uint8_t> B(Len, 0);
  uint64_t FirstPfn = From * 8, EndPfn = (From + Len) * 8;
  for (const PfnRun &R : Runs) {
    uint64_t P0 = std::max(R.First, FirstPfn);
    uint64_t P1 = std::min(R.End, EndPfn);
    for (uint64_t P = P0; P < P1;) {
      uint64_t Rel = P - FirstPfn;
      if (Rel % 8 == 0 && P + 8 <= P1) {
        // Whole bytes at a time.
        uint64_t Bytes = (P1 - P) / 8;
        std::memset(B.data() + Rel / 8, 0xff, Bytes);
        P += Bytes * 8;
        continue;
      }
      B[Rel / 8] |= uint8_t(1u << (Rel % 8));
      ++P;
    }
  }
  return B;
}

std::vector<uint8_t> bitmapBytes(const GuestMemoryMap &Map, uint32_t PageSize,
                                 uint64_t From, uint64_t Len) {
  return bitmapBytes(pfnRuns(Map, PageSize), From, Len);
}

std::vector<uint8_t> flatHeader() {
  std::vector<uint8_t> B(4096, 0);
  std::memcpy(B.data(), "makedumpfile", 12);
  support::endian::write<int64_t>(B.data() + 16, 1, endianness::big); // type
  support::endian::write<int64_t>(B.data() + 24, 1, endianness::big); // ver.
  return B;
}

void appendFlatDataHeader(std::vector<uint8_t> &Out, int64_t Offset,
                          int64_t Size) {
  size_t At = Out.size();
  Out.resize(At + 16);
  support::endian::write<int64_t>(Out.data() + At, Offset, endianness::big);
  support::endian::write<int64_t>(Out.data() + At + 8, Size, endianness::big);
}

std::vector<PfnRun> pfnRuns(const GuestMemoryMap &Map, uint32_t PageSize) {
  std::vector<PfnRun> Runs;
  for (const MemoryBlock &Blk : Map.blocks()) {
    uint64_t First = Blk.GuestStart / PageSize;
    uint64_t End = divideCeil(Blk.GuestEnd, PageSize);
    if (!Runs.empty() && First <= Runs.back().End)
      Runs.back().End = std::max(Runs.back().End, End);
    else
      Runs.push_back({First, End});
  }
  return Runs;
}

namespace {

/// The pages of \p Ram whose RAM \p Held holds all of: \p Ram's runs
/// without every page that has a byte of \p Ram that \p Held lacks. (Held
/// is a part of Ram: each of its blocks lies within one of Ram's.)
std::vector<PfnRun> heldRuns(const GuestMemoryMap &Ram,
                             const GuestMemoryMap &Held, uint32_t PS) {
  // The guest-physical bytes of Ram that Held lacks, as pages.
  std::vector<PfnRun> Lacking;
  auto Lack = [&](uint64_t From, uint64_t To) {
    if (From >= To)
      return;
    PfnRun R{From / PS, divideCeil(To, PS)};
    if (!Lacking.empty() && R.First <= Lacking.back().End)
      Lacking.back().End = std::max(Lacking.back().End, R.End);
    else
      Lacking.push_back(R);
  };
  ArrayRef<MemoryBlock> H = Held.blocks();
  size_t J = 0;
  for (const MemoryBlock &B : Ram.blocks()) {
    uint64_t Pos = B.GuestStart;
    while (J < H.size() && H[J].GuestEnd <= Pos)
      ++J;
    for (size_t K = J; K < H.size() && H[K].GuestStart < B.GuestEnd; ++K) {
      Lack(Pos, std::max(Pos, H[K].GuestStart));
      Pos = std::max(Pos, std::min(H[K].GuestEnd, B.GuestEnd));
    }
    Lack(Pos, B.GuestEnd);
  }
  // Ram's pages, less those.
  std::vector<PfnRun> Out;
  size_t L = 0;
  for (PfnRun R : pfnRuns(Ram, PS)) {
    while (L < Lacking.size() && Lacking[L].End <= R.First)
      ++L;
    uint64_t P = R.First;
    for (size_t K = L; K < Lacking.size() && Lacking[K].First < R.End; ++K) {
      if (Lacking[K].First > P)
        Out.push_back({P, Lacking[K].First});
      P = std::max(P, Lacking[K].End);
    }
    if (P < R.End)
      Out.push_back({P, R.End});
  }
  return Out;
}

} // namespace

Expected<FileLayout> layOut(const Arch &A, uint32_t BlockSize,
                            const GuestMemoryMap &Map, uint64_t NotesCapacity) {
  return layOut(A, BlockSize, Map, Map, NotesCapacity);
}

Expected<FileLayout> layOut(const Arch &A, uint32_t BlockSize,
                            const GuestMemoryMap &Ram,
                            const GuestMemoryMap &Held,
                            uint64_t NotesCapacity) {
  uint32_t PS = BlockSize;
  if (Held.empty())
    return createStringError(inconvertibleErrorCode(),
                             "internal error: no guest RAM to dump");
  if (!isPowerOf2_32(PS) || PS < 512)
    return createStringError(inconvertibleErrorCode(),
                             "internal error: bad page size");
  FileLayout L;
  L.BlockSize = PS;
  L.RamRuns = pfnRuns(Ram, PS);
  L.Runs = &Ram == &Held ? L.RamRuns : heldRuns(Ram, Held, PS);
  for (const PfnRun &R : L.Runs)
    L.Pages += R.End - R.First;
  L.MaxMapnr = maxMapnr(Ram, PS);

  // Block 1 on: the sub header, the notes right after it.
  uint64_t SubSize = subHeaderSize(A.KdumpHeader);
  L.NotesOffset = PS + SubSize;
  L.SubHdrBlocks = divideCeil(SubSize + NotesCapacity, PS);

  // Then the two bitmaps, the descriptors, the zero page, the data.
  L.BitmapBytes = alignTo(divideCeil(L.MaxMapnr, 8), PS);
  if (L.SubHdrBlocks > UINT32_MAX || 2 * L.BitmapBytes / PS > UINT32_MAX)
    return createStringError(inconvertibleErrorCode(),
                             "guest RAM reaches too high for a kdump file");
  L.BitmapOffset = (1 + L.SubHdrBlocks) * PS;
  L.DescOffset = L.BitmapOffset + 2 * L.BitmapBytes;
  L.ZeroPageOffset = L.DescOffset + L.Pages * PageDescSize;
  L.DataOffset = L.ZeroPageOffset + PS;
  return L;
}

SubHeader subHeader(const FileLayout &L, const NoteSegment &Notes,
                    int64_t PhysBase) {
  SubHeader H;
  H.PhysBase = PhysBase;
  // 0: no page excluded by its kind (makedumpfile -d's bits); pages a
  // partial dump lacks are excluded by the second bitmap alone.
  H.DumpLevel = 0;
  H.OffsetNote = L.NotesOffset;
  H.SizeNote = Notes.bytes().size();
  if (std::optional<NoteSegment::TextRange> V = Notes.vmcoreInfoText()) {
    H.OffsetVmcoreinfo = L.NotesOffset + V->Offset;
    H.SizeVmcoreinfo = V->Size;
  }
  H.MaxMapnr64 = L.MaxMapnr;
  return H;
}

} // namespace kdump
} // namespace qemudump
