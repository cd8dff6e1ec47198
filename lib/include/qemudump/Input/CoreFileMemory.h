//===- CoreFileMemory.h - QEMU's memory read from its core file -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A MemorySource that reads a process core file directly: its PT_LOAD
// segments map QEMU's virtual addresses to file offsets. Where a segment's
// p_filesz is below its p_memsz, the kernel left pages of an anonymous
// mapping out of the core because they were never written: they are zeros,
// and so are the file's own holes (SEEK_HOLE), which the kernel leaves where
// a page was never populated. Pages left out of a file-backed mapping (NT_FILE)
// are not zeros, a segment whose bytes run past the end of the file means a
// truncated core, and an address in no segment is not in the core: all three
// are errors. (A mapping marked MADV_DONTDUMP also gets a segment without
// bytes, which are not zeros; the core cannot tell it apart, so the plugin
// checks QEMU's side: dump-guest-core=off, a memory backend with dump=off.)
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_INPUT_COREFILEMEMORY_H
#define QEMUDUMP_INPUT_COREFILEMEMORY_H

#include "qemudump/Input/MemorySource.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

class CoreFileMemory : public MemorySource {
public:
  struct Segment {
    uint64_t VAddr = 0, MemSize = 0, FileSize = 0, Offset = 0;
    bool FileBacked = false; ///< Listed in NT_FILE.
  };
  /// A file mapping of the process, from the core's NT_FILE note.
  struct MappedFile {
    uint64_t Start = 0, End = 0, FileOffset = 0;
    std::string Path;
  };

  /// Opens and parses \p Path (an ELF core of either byte order and class).
  static llvm::Expected<std::unique_ptr<CoreFileMemory>>
  open(llvm::StringRef Path);
  ~CoreFileMemory() override;

  llvm::Error read(uint64_t HostAddr,
                   llvm::MutableArrayRef<uint8_t> Buf) override;
  Extent extent(uint64_t HostAddr, uint64_t MaxLen) override;
  /// Held: a segment's stored bytes within the file, and anonymous pages
  /// left out (zeros). Not held: an address in no segment (NotMapped), a
  /// file-backed mapping left out (FileBacked), bytes past the file's end
  /// (Truncated).
  Availability availability(uint64_t HostAddr, uint64_t MaxLen) override;
  bool knowsAvailability() const override { return true; }
  /// The core's own bytes of a stored run (not a hole, not past the end).
  std::optional<FileRun> fileRun(uint64_t HostAddr, uint64_t MaxLen) override;

  llvm::ArrayRef<Segment> segments() const { return Segments; }
  llvm::ArrayRef<MappedFile> mappedFiles() const { return Files; }
  /// The size the file should have (the end of its last segment's bytes)
  /// when it is shorter than that: a truncated core.
  std::optional<uint64_t> truncatedFrom() const {
    uint64_t End = 0;
    for (const Segment &S : Segments)
      End = std::max(End, S.Offset + S.FileSize);
    return End > FileSize ? std::optional<uint64_t>(End) : std::nullopt;
  }
  uint64_t fileSize() const { return FileSize; }
  /// For a truncated core: "the core file 'X' is truncated: N of the M
  /// bytes its program headers describe".
  std::optional<std::string> knownDamage() const override;
  std::optional<uint64_t> truncatedSize() const override {
    return truncatedFrom() ? std::optional<uint64_t>(FileSize) : std::nullopt;
  }
  std::string reader() const override { return "directly from the ELF core"; }
  /// The pid of the process the core is of (its first NT_PRSTATUS), if any.
  std::optional<uint64_t> processId() const { return Pid; }

private:
  CoreFileMemory() = default;
  const Segment *find(uint64_t Addr) const;

  std::string Path;
  int FD = -1;
  uint64_t FileSize = 0;
  std::vector<Segment> Segments; ///< PT_LOADs sorted by VAddr.
  std::vector<MappedFile> Files;
  std::optional<uint64_t> Pid;
};

} // namespace qemudump

#endif // QEMUDUMP_INPUT_COREFILEMEMORY_H
