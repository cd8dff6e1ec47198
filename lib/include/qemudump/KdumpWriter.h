//===- KdumpWriter.h - Write the guest's memory as a kdump file -*- C++ -*-===//
//
// makedumpfile's kdump-compressed format (its IMPLEMENTATION file), as crash,
// makedumpfile and libkdumpfile/drgn read it. In the guest's byte order and
// word size, with block size = the guest's page size:
//
//   block 0       disk_dump_header (header_version 6, complete utsname)
//   block 1...    kdump_sub_header, then the notes (the VMCOREINFO text is
//                 the VMCOREINFO note's descriptor, pointed at in place)
//   X blocks      1st bitmap: the pages of guest RAM
//   X blocks      2nd bitmap: the pages dumped (the same: every RAM page)
//   descriptors   one page_desc per dumped page, in PFN order
//   page data     one shared zero page (every all-zero page points to it),
//                 then the other pages in PFN order, each compressed when
//                 that makes it smaller and stored as is otherwise
//
// Two layouts of the same file: raw (the seekable file itself, QEMU's
// kdump-raw-*) and flattened (makedumpfile's streamable form, QEMU's kdump-*:
// a "makedumpfile" header, then (offset, size, data) records, big-endian,
// ended by offset -1; `makedumpfile -R` turns it into the raw file).
//
// Pages are compressed by a pool of worker threads while the calling thread
// reads guest memory and writes the results in order; memory use is bounded
// (a few batches of 1 MiB per thread).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_KDUMPWRITER_H
#define QEMUDUMP_KDUMPWRITER_H

#include "qemudump/Arch.h"
#include "qemudump/ElfVmcoreWriter.h"
#include "qemudump/GuestMemoryMap.h"
#include "qemudump/MemorySource.h"
#include "qemudump/OutputFile.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

enum class KdumpCompression { Zlib, Lzo, Snappy, Zstd };
enum class KdumpLayout { Raw, Flattened };

/// "zlib", "lzo", "snappy", "zstd".
llvm::StringRef compressionName(KdumpCompression C);
/// Whether this build can write \p C (each library is optional at build time).
bool compressionAvailable(KdumpCompression C);
/// The Debian package whose library adds \p C to a build.
llvm::StringRef compressionPackage(KdumpCompression C);
/// DUMP_DH_COMPRESSED_ZLIB, _LZO, _SNAPPY or _ZSTD.
uint32_t compressionFlag(KdumpCompression C);

/// struct new_utsname: six NUL-terminated strings of at most 64 characters.
struct KdumpUtsname {
  std::string Sysname, Nodename, Release, Version, Machine, Domainname;
};

/// What the kdump headers say of the guest beyond its memory.
struct KdumpGuestInfo {
  KdumpUtsname Uts;
  int64_t PhysBase = 0;
  /// Where Uts came from: "init_uts_ns" (the guest's own, read from its
  /// memory) or "VMCOREINFO" (release only; the rest filled in), or
  /// "defaults" (no VMCOREINFO).
  std::string UtsSource;
};

/// The utsname and phys_base of the guest, from the VMCOREINFO note among
/// \p Notes: phys_base from NUMBER(phys_base) (signed decimal), release from
/// OSRELEASE, and the rest from the guest's init_uts_ns when VMCOREINFO gives
/// its address (SYMBOL(init_uts_ns), a kernel-image address translated with
/// phys_base on x86_64, kimage_voffset on aarch64). What cannot be known is
/// filled in ("Linux", "unknown", "(none)", the machine of \p A): no field is
/// ever empty. Problems become \p Warnings.
KdumpGuestInfo readKdumpGuestInfo(const Arch &A, const GuestMemoryMap &Map,
                                  MemorySource &Memory,
                                  llvm::ArrayRef<uint8_t> Notes,
                                  std::vector<std::string> &Warnings);

struct KdumpOptions {
  KdumpCompression Compression = KdumpCompression::Zlib;
  KdumpLayout Layout = KdumpLayout::Raw;
  /// Compression threads; 0 picks defaultKdumpThreads().
  unsigned Threads = 0;
  /// nr_cpus; 0 counts the NT_PRSTATUS notes (at least 1).
  unsigned NrCpus = 0;
  /// The header's time stamp (seconds since the epoch); unset: now.
  std::optional<int64_t> Timestamp;
  KdumpGuestInfo Guest;
};

/// min(2, the number of hardware threads), at least 1.
unsigned defaultKdumpThreads();

struct KdumpStats {
  uint64_t FileSize = 0;
  uint64_t MemoryBytes = 0;
  uint64_t Pages = 0;           ///< Pages dumped (all of guest RAM's).
  uint64_t ZeroPages = 0;       ///< Pointing at the shared zero page.
  uint64_t CompressedPages = 0; ///< Stored compressed.
  uint64_t PlainPages = 0;      ///< Stored as is (compression did not help).
  unsigned Threads = 0;
};

/// Writes the kdump file for \p Map to \p Out. \p Notes is the encoded note
/// segment, as the ELF writer takes it. Fails when \p Options' compression is
/// not built in, a read fails (naming the guest-physical range), or a write
/// fails; \p Progress as for writeElfVmcore.
llvm::Expected<KdumpStats>
writeKdumpVmcore(OutputFile &Out, const Arch &A, const GuestMemoryMap &Map,
                 llvm::ArrayRef<uint8_t> Notes, MemorySource &Memory,
                 const KdumpOptions &Options, ProgressFn Progress);

/// The pieces of the layout, for tests.
namespace kdump {

constexpr uint32_t HeaderVersion = 6;
constexpr uint32_t PageDescSize = 24;
constexpr size_t UtsFieldSize = 65;

/// The word size and struct packing of the headers for \p A: 64-bit, or
/// 32-bit with 64-bit members aligned to 4 (i386: kdump_sub_header_32pack)
/// or to 8 (arm, riscv32: kdump_sub_header_32pad).
enum class HeaderKind { Bits64, Bits32Pack, Bits32Pad };
HeaderKind headerKind(const Arch &A);

struct DiskDumpHeader {
  KdumpUtsname Uts;
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
/// kdump_sub_header for header_version 6.
std::vector<uint8_t> encodeSubHeader(const Arch &A, const SubHeader &H);

/// page_desc: offset, size, flags, page_flags (0).
void appendPageDesc(std::vector<uint8_t> &Out, bool LittleEndian,
                    uint64_t Offset, uint32_t Size, uint32_t Flags);

/// One past the highest PFN of guest RAM.
uint64_t maxMapnr(const GuestMemoryMap &Map, uint32_t PageSize);
/// Bytes [From, From + Len) of the bitmap of the pages of \p Map (bit
/// PFN % 8 of byte PFN / 8 set for every page that holds guest RAM).
std::vector<uint8_t> bitmapBytes(const GuestMemoryMap &Map, uint32_t PageSize,
                                 uint64_t From, uint64_t Len);

/// The flattened format's 4096-byte makedumpfile_header.
std::vector<uint8_t> flatHeader();
/// A flattened data header: offset and size, big-endian int64.
void appendFlatDataHeader(std::vector<uint8_t> &Out, int64_t Offset,
                          int64_t Size);

} // namespace kdump

} // namespace qemudump

#endif // QEMUDUMP_KDUMPWRITER_H
