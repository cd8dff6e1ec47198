//===- KdumpFormat.h - makedumpfile's kdump file, on disk --------*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// The on-disk encoding of makedumpfile's kdump-compressed format (its
// IMPLEMENTATION file), in the guest's byte order and word size, block size =
// the guest's page size:
//
//   block 0       disk_dump_header (header_version 6, complete utsname)
//   block 1...    kdump_sub_header, then the notes (the VMCOREINFO text is
//                 the VMCOREINFO note's descriptor, pointed at in place)
//   X blocks      1st bitmap: the pages of guest RAM
//   X blocks      2nd bitmap: the pages dumped (the same: every RAM page)
//   descriptors   one page_desc per dumped page, in PFN order
//   page data     one shared zero page (every all-zero page points to it),
//                 then the other pages in PFN order
//
// and the flattened form of the same file (makedumpfile's streamable form: a
// "makedumpfile" header, then (offset, size, data) records, big-endian, ended
// by offset -1; `makedumpfile -R` turns it into the raw file).
//
// layOut() computes where everything goes before a byte is written; the
// encode functions turn each header into bytes.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_VMCORE_KDUMPFORMAT_H
#define QEMUDUMP_VMCORE_KDUMPFORMAT_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Guest/GuestKernelInfo.h"
#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Notes/NoteSegment.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace qemudump {
namespace kdump {

constexpr uint32_t HeaderVersion = 6;
constexpr uint32_t PageDescSize = 24;

struct DiskDumpHeader {
  Utsname Uts;
  int64_t TimestampSec = 0;
  int64_t TimestampUsec = 0;
  uint32_t Status = 0;
  uint32_t BlockSize = 0;
  uint32_t SubHdrSize = 0;   ///< In blocks.
  uint32_t BitmapBlocks = 0; ///< Both bitmaps.
  uint32_t MaxMapnr = 0;     ///< Truncated to 32 bits; see MaxMapnr64.
  uint32_t NrCpus = 0;
};
/// disk_dump_header, "KDUMP   " and header_version 6 included.
std::vector<uint8_t> encodeDiskDumpHeader(const Arch &A,
                                          const DiskDumpHeader &H);

struct SubHeader {
  int64_t PhysBase = 0;
  uint32_t DumpLevel = 0;
  uint64_t OffsetVmcoreinfo = 0, SizeVmcoreinfo = 0;
  uint64_t OffsetNote = 0, SizeNote = 0;
  uint64_t MaxMapnr64 = 0;
};
/// The size of kdump_sub_header (header_version 6) for \p K.
uint64_t subHeaderSize(KdumpHeaderKind K);
/// kdump_sub_header for header_version 6.
std::vector<uint8_t> encodeSubHeader(const Arch &A, const SubHeader &H);

/// page_desc: offset, size, flags, page_flags (0).
void appendPageDesc(std::vector<uint8_t> &Out, bool LittleEndian,
                    uint64_t Offset, uint32_t Size, uint32_t Flags);

/// Consecutive PFNs of guest RAM: [First, End).
struct PfnRun {
  uint64_t First = 0, End = 0;
};

/// The pages that have bytes of \p Map's blocks, as runs.
std::vector<PfnRun> pfnRuns(const GuestMemoryMap &Map, uint32_t PageSize);

/// One past the highest PFN of guest RAM.
uint64_t maxMapnr(const GuestMemoryMap &Map, uint32_t PageSize);
/// Bytes [From, From + Len) of the bitmap of \p Runs (bit PFN % 8 of byte
/// PFN / 8 set for every page of a run).
std::vector<uint8_t> bitmapBytes(llvm::ArrayRef<PfnRun> Runs, uint64_t From,
                                 uint64_t Len);
/// The same for the pages of \p Map (every page that holds guest RAM).
std::vector<uint8_t> bitmapBytes(const GuestMemoryMap &Map, uint32_t PageSize,
                                 uint64_t From, uint64_t Len);

/// The flattened format's 4096-byte makedumpfile_header.
std::vector<uint8_t> flatHeader();
/// A flattened data header: offset and size, big-endian int64.
void appendFlatDataHeader(std::vector<uint8_t> &Out, int64_t Offset,
                          int64_t Size);

/// Where everything goes in the raw file of one dump.
struct FileLayout {
  uint32_t BlockSize = 0;
  /// The pages of guest RAM (the first bitmap), ascending.
  std::vector<PfnRun> RamRuns;
  /// The pages dumped (the second bitmap), ascending: every page of
  /// RamRuns, but in a partial dump only those whose RAM it holds.
  std::vector<PfnRun> Runs;
  uint64_t Pages = 0; ///< Pages dumped (all of guest RAM's).
  uint64_t MaxMapnr = 0;
  uint64_t NotesOffset = 0;  ///< Right after the sub header.
  uint64_t SubHdrBlocks = 0; ///< The sub header and the notes' room.
  uint64_t BitmapBytes = 0;  ///< Each of the two bitmaps.
  uint64_t BitmapOffset = 0; ///< The first bitmap; the second follows it.
  uint64_t DescOffset = 0;   ///< The page descriptors.
  uint64_t ZeroPageOffset = 0;
  uint64_t DataOffset = 0; ///< The first stored page, after the zero page.
};

/// The layout of the kdump file of \p Map for the guest \p A, in blocks
/// (pages) of \p BlockSize bytes, with room for \p NotesCapacity bytes of
/// notes. Fails when the block size is not a power of two of at least 512,
/// there is no RAM, or guest RAM reaches too high for the format's 32-bit block
/// counts.
llvm::Expected<FileLayout> layOut(const Arch &A, uint32_t BlockSize,
                                  const GuestMemoryMap &Map,
                                  uint64_t NotesCapacity);
/// The layout of a partial dump: the guest's RAM is \p Ram, the pages
/// dumped those whose RAM \p Held (a part of Ram) holds all of; the others
/// are excluded (set in the first bitmap only).
llvm::Expected<FileLayout> layOut(const Arch &A, uint32_t BlockSize,
                                  const GuestMemoryMap &Ram,
                                  const GuestMemoryMap &Held,
                                  uint64_t NotesCapacity);

/// The sub header of a file laid out as \p L, holding \p Notes (at most the
/// capacity it was laid out with) for a guest kernel whose phys_base is
/// \p PhysBase: the notes right after it, the VMCOREINFO text inside them.
SubHeader subHeader(const FileLayout &L, const NoteSegment &Notes,
                    int64_t PhysBase);

} // namespace kdump
} // namespace qemudump

#endif // QEMUDUMP_VMCORE_KDUMPFORMAT_H
