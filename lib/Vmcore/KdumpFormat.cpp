//===- KdumpFormat.cpp - makedumpfile's kdump file, on disk ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Vmcore/KdumpFormat.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstring>

using namespace llvm;

namespace qemudump {
namespace kdump {

namespace {

/// Puts integers of the guest's byte order into a buffer at fixed offsets.
class Encoder {
public:
  Encoder(std::vector<uint8_t> &B, bool LE) : B(B), LE(LE) {}
  void u32(size_t Off, uint64_t V) {
    support::endian::write<uint32_t>(B.data() + Off, uint32_t(V), order());
  }
  void u64(size_t Off, uint64_t V) {
    support::endian::write<uint64_t>(B.data() + Off, V, order());
  }
  /// An unsigned long / off_t of \p Bytes bytes.
  void word(size_t Off, uint64_t V, unsigned Bytes) {
    Bytes == 8 ? u64(Off, V) : u32(Off, V);
  }
  void str(size_t Off, StringRef S, size_t Field) {
    size_t N = std::min(S.size(), Field - 1);
    std::memcpy(B.data() + Off, S.data(), N);
  }

private:
  endianness order() const { return LE ? endianness::little : endianness::big; }
  std::vector<uint8_t> &B;
  bool LE;
};

/// Offsets in kdump_sub_header (header_version 6): each 64-bit member
/// (off_t, unsigned long long) is aligned to 8 on 64-bit and 32pad.
struct SubHeaderLayout {
  size_t Size, W, OffV, SizeV, OffN, SizeN, Max64;
};
const SubHeaderLayout &subHeaderLayout(HeaderKind K) {
  static const SubHeaderLayout L64 = {104, 8, 32, 40, 48, 56, 96};
  static const SubHeaderLayout L32Pack = {80, 4, 20, 28, 32, 40, 72};
  static const SubHeaderLayout L32Pad = {96, 4, 24, 32, 40, 48, 88};
  return K == HeaderKind::Bits64       ? L64
         : K == HeaderKind::Bits32Pack ? L32Pack
                                       : L32Pad;
}

} // namespace

HeaderKind headerKind(const Arch &A) {
  if (A.Machine == ELF::EM_386)
    return HeaderKind::Bits32Pack;
  if (!A.is64Bit())
    return HeaderKind::Bits32Pad;
  return HeaderKind::Bits64;
}

std::vector<uint8_t> encodeDiskDumpHeader(const Arch &A,
                                          const DiskDumpHeader &H) {
  bool Is64 = headerKind(A) == HeaderKind::Bits64;
  // signature[8], header_version, new_utsname (6 x 65), then struct timeval
  // aligned to the word size, then ten 32-bit fields.
  std::vector<uint8_t> B(Is64 ? 464 : 452, 0);
  Encoder E(B, A.isLittleEndian());
  std::memcpy(B.data(), "KDUMP   ", 8);
  E.u32(8, HeaderVersion);
  const std::string *Fields[] = {&H.Uts.Sysname, &H.Uts.Nodename,
                                 &H.Uts.Release, &H.Uts.Version,
                                 &H.Uts.Machine, &H.Uts.Domainname};
  for (size_t I = 0; I < 6; ++I)
    E.str(12 + I * UtsFieldSize, *Fields[I], UtsFieldSize);
  size_t T = Is64 ? 408 : 404;
  unsigned W = Is64 ? 8 : 4;
  E.word(T, uint64_t(H.TimestampSec), W);
  E.word(T + W, uint64_t(H.TimestampUsec), W);
  size_t S = T + 2 * W;
  E.u32(S + 0, H.Status);
  E.u32(S + 4, H.BlockSize);
  E.u32(S + 8, H.SubHdrSize);
  E.u32(S + 12, H.BitmapBlocks);
  E.u32(S + 16, H.MaxMapnr);
  // total_ram_blocks, device_blocks, written_blocks, current_cpu: 0.
  E.u32(S + 36, H.NrCpus);
  return B;
}

uint64_t subHeaderSize(HeaderKind K) { return subHeaderLayout(K).Size; }

std::vector<uint8_t> encodeSubHeader(const Arch &A, const SubHeader &H) {
  const SubHeaderLayout &L = subHeaderLayout(headerKind(A));
  std::vector<uint8_t> B(L.Size, 0);
  Encoder E(B, A.isLittleEndian());
  E.word(0, uint64_t(H.PhysBase), L.W);
  E.u32(L.W, H.DumpLevel);
  // split = 0, start_pfn = end_pfn = 0: not a split dump.
  E.u64(L.OffV, H.OffsetVmcoreinfo);
  E.word(L.SizeV, H.SizeVmcoreinfo, L.W);
  E.u64(L.OffN, H.OffsetNote);
  E.word(L.SizeN, H.SizeNote, L.W);
  // offset_eraseinfo = size_eraseinfo = 0, start_pfn_64 = end_pfn_64 = 0.
  E.u64(L.Max64, H.MaxMapnr64);
  return B;
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

std::vector<uint8_t> bitmapBytes(const GuestMemoryMap &Map, uint32_t PageSize,
                                 uint64_t From, uint64_t Len) {
  std::vector<uint8_t> B(Len, 0);
  uint64_t FirstPfn = From * 8, EndPfn = (From + Len) * 8;
  for (const MemoryBlock &Blk : Map.blocks()) {
    uint64_t P0 = std::max(Blk.GuestStart / PageSize, FirstPfn);
    uint64_t P1 = std::min(divideCeil(Blk.GuestEnd, PageSize), EndPfn);
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

static std::vector<PfnRun> pfnRuns(const GuestMemoryMap &Map,
                                   uint32_t PageSize) {
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

Expected<FileLayout> layOut(const Arch &A, uint32_t BlockSize,
                            const GuestMemoryMap &Map, uint64_t NotesCapacity) {
  uint32_t PS = BlockSize;
  if (Map.empty())
    return createStringError(inconvertibleErrorCode(),
                             "internal error: no guest RAM to dump");
  if (!isPowerOf2_32(PS) || PS < 512)
    return createStringError(inconvertibleErrorCode(),
                             "internal error: bad page size");
  FileLayout L;
  L.BlockSize = PS;
  L.Runs = pfnRuns(Map, PS);
  for (const PfnRun &R : L.Runs)
    L.Pages += R.End - R.First;
  L.MaxMapnr = maxMapnr(Map, PS);

  // Block 1 on: the sub header, the notes right after it.
  uint64_t SubSize = subHeaderSize(headerKind(A));
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
  H.DumpLevel = 0; // nothing excluded: every page of guest RAM is there
  H.OffsetNote = L.NotesOffset;
  H.SizeNote = Notes.bytes().size();
  if (std::optional<NoteSegment::VmcoreInfoText> V = Notes.vmcoreInfo()) {
    H.OffsetVmcoreinfo = L.NotesOffset + V->Offset;
    H.SizeVmcoreinfo = V->Size;
  }
  H.MaxMapnr64 = L.MaxMapnr;
  return H;
}

} // namespace kdump
} // namespace qemudump
