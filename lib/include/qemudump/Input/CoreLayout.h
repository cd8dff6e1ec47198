//===- CoreLayout.h - What a non-ELF core file says of its memory -*- C++
//-*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A core LLDB opened that is not an ELF core (a minidump from Windows or from
// LLDB's own `process save-core`, a Mach-O core from macOS) is read through
// LLDB. Its layout, parsed here from the file itself, says what LLDB cannot:
// which address ranges the file stores, which it declares zero without
// storing them, which the process had but the file left out, the modules it
// lists with their build-ids (to check the core against the binary), and
// whether the file is cut short. A range the layout does not know is never
// taken to be zero.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_INPUT_CORELAYOUT_H
#define QEMUDUMP_INPUT_CORELAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

/// The format of a core file, from its first bytes.
enum class CoreFormat { Elf, Minidump, MachO, Unknown };

/// "ELF", "minidump", "Mach-O", "unknown".
llvm::StringRef coreFormatName(CoreFormat F);

/// The format \p Head (a file's first bytes, 32 are enough) begins like: an
/// ELF file of type ET_CORE, a minidump ("MDMP"), a Mach-O file of type
/// MH_CORE; else Unknown.
CoreFormat identifyCoreFormat(llvm::ArrayRef<uint8_t> Head);

/// identifyCoreFormat of the file at \p Path; Unknown when it cannot be read.
CoreFormat identifyCoreFile(llvm::StringRef Path);

struct CoreLayout {
  CoreFormat Format = CoreFormat::Unknown;

  struct Range {
    uint64_t Start = 0, Size = 0;
    uint64_t end() const { return Start + Size; }
    bool contains(uint64_t A) const { return A >= Start && A - Start < Size; }
  };
  /// The ranges whose bytes the file holds, sorted, merged when adjacent.
  std::vector<Range> Stored;
  /// Ranges the format declares zero without storing them (a Mach-O
  /// segment's vmsize beyond its filesize), sorted.
  std::vector<Range> Zero;
  /// Ranges the file describes but lacks because it is cut short, sorted.
  std::vector<Range> Cut;

  /// A region the process had, as the file lists it (a minidump's
  /// MemoryInfoList, or its LinuxMaps: /proc/PID/maps), for saying why an
  /// address is not stored.
  struct Region {
    Range R;
    bool Committed = false; ///< MEM_COMMIT: accessible memory.
    bool Readable = false;
  };
  std::vector<Region> Regions; ///< Sorted; empty when the file lists none.

  struct Module {
    std::string Path;
    uint64_t Base = 0;
    std::vector<uint8_t> BuildId; ///< Empty when the file records none.
  };
  std::vector<Module> Modules;

  /// Set when the file is shorter than the data it describes: "the minidump
  /// 'F' is truncated: ...".
  std::optional<std::string> Damage;
  /// Set when it holds only a small part of the memory it lists as readable
  /// (a partial save): "the minidump 'F' holds N of the M bytes ...".
  std::optional<std::string> Partial;

  /// Records a range of \p Size bytes at address \p Start whose data the
  /// file keeps at offset \p FileOff: what lies within the file's
  /// \p FileSize bytes is stored, the rest is cut. (Start + Size must not
  /// wrap: the readers refuse such ranges first.)
  void addFileRange(uint64_t Start, uint64_t Size, uint64_t FileOff,
                    uint64_t FileSize);
  /// The end of the file's data as its ranges describe it, and the lowest
  /// address a cut range starts at: what addFileRange saw.
  uint64_t DescribedFileSize = 0;
  std::optional<uint64_t> LowestCut;
  /// Sets Damage when addFileRange saw a cut: "the NOUN 'NAME' is truncated:
  /// S of the D bytes its LISTS describe ...".
  void noteTruncation(llvm::StringRef Noun, llvm::StringRef Name,
                      llvm::StringRef Lists, uint64_t FileSize);

  /// Sorts the ranges and makes them disjoint: stored and cut ranges merged,
  /// stored bytes taken out of the cut and zero ranges, cut ones out of the
  /// zero ranges (what a file should hold but lacks is missing, not zero).
  void normalize();

  /// The stored or zero range holding \p Addr, if any.
  const Range *storedAt(uint64_t Addr) const;
  const Range *zeroAt(uint64_t Addr) const;
  const Range *cutAt(uint64_t Addr) const;
  /// The listed region holding \p Addr, if any.
  const Region *regionAt(uint64_t Addr) const;

  /// Why the file does not hold an address (neither stored nor zero).
  enum class Missing {
    Cut,       ///< The file is truncated before its bytes.
    LeftOut,   ///< QEMU had it (readable); the save left it out.
    NotMapped, ///< QEMU had no readable memory there.
    Unknown,   ///< The file lists no regions to tell.
  };
  Missing classify(uint64_t Addr) const;

  /// Why the file does not hold \p Addr (which is neither stored nor zero),
  /// with the fix, as classify() says. \p Path names the file.
  std::string whyMissing(uint64_t Addr, llvm::StringRef Path) const;
};

/// The layout of the minidump \p File: its memory lists (MemoryList,
/// Memory64List), MemoryInfoList (else LinuxMaps) and ModuleList (CodeView
/// records with an ELF build-id or a PDB 7.0 signature). Fails when \p File is
/// not a minidump or its header or stream directory is damaged.
llvm::Expected<CoreLayout> readMinidumpLayout(llvm::MemoryBufferRef File);

/// The layout of the Mach-O core \p File (64-bit, either byte order): its
/// LC_SEGMENT_64 commands (the file holds filesize bytes of each, the rest of
/// vmsize is zero). Fails when \p File is not a Mach-O core or its load
/// commands are damaged.
llvm::Expected<CoreLayout> readMachOCoreLayout(llvm::MemoryBufferRef File);

} // namespace qemudump

#endif // QEMUDUMP_INPUT_CORELAYOUT_H
