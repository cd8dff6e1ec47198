//===- CoreFileMemory.h - QEMU's memory read from its core file -*- C++ -*-===//
//
// A MemorySource that reads a process core file directly: its PT_LOAD
// segments map QEMU's virtual addresses to file offsets. Where a segment's
// p_filesz is below its p_memsz the kernel left the pages out because they
// were never written (an untouched anonymous mapping): they read as zeros.
// A segment whose bytes run past the end of the file means a truncated core,
// and an address in no segment is not in the core: both are errors.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_COREFILEMEMORY_H
#define QEMUDUMP_COREFILEMEMORY_H

#include "qemudump/MemorySource.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace qemudump {

class CoreFileMemory : public MemorySource {
public:
  struct Segment {
    uint64_t VAddr = 0, MemSize = 0, FileSize = 0, Offset = 0;
    bool FileBacked = false; ///< Listed in NT_FILE.
  };

  /// Opens and parses \p Path (an ELF core of either byte order and class).
  static llvm::Expected<std::unique_ptr<CoreFileMemory>>
  open(llvm::StringRef Path);

  llvm::Error read(uint64_t HostAddr,
                   llvm::MutableArrayRef<uint8_t> Buf) override;

  llvm::ArrayRef<Segment> segments() const { return Segments; }

private:
  CoreFileMemory() = default;
  const Segment *find(uint64_t Addr) const;

  std::string Path;
  std::unique_ptr<llvm::MemoryBuffer> File;
  std::vector<Segment> Segments; ///< PT_LOADs sorted by VAddr.
};

} // namespace qemudump

#endif // QEMUDUMP_COREFILEMEMORY_H
