//===- MachOCoreLayout.cpp - The memory a Mach-O core holds ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A Mach-O core (macOS: the kernel's, or LLDB's `process save-core`) is a
// mach_header_64 of type MH_CORE and one LC_SEGMENT_64 per region of the
// process: filesize bytes at fileoff are the region's first bytes, the rest
// of vmsize is zero. Mach-O cores list no modules in their load commands (a
// Mach-O executable's LC_UUID is in the core's memory, which LLDB reads).

#include "qemudump/Input/CoreLayout.h"

#include "llvm/BinaryFormat/MachO.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SwapByteOrder.h"

#include <algorithm>
#include <cstring>

using namespace llvm;

namespace qemudump {

namespace {

class MachOCoreReader {
public:
  explicit MachOCoreReader(MemoryBufferRef File) : File(File) {}

  Expected<CoreLayout> read();

private:
  Error fail(const Twine &What) const {
    return createStringError(inconvertibleErrorCode(),
                             formatv("the Mach-O core '{0}' is damaged: {1}",
                                     File.getBufferIdentifier(), What.str())
                                 .str());
  }
  uint64_t size() const { return File.getBufferSize(); }
  /// A copy of the T at \p Off in host byte order; false beyond the file.
  template <typename T> bool get(uint64_t Off, T &Out) const {
    if (Off > size() || sizeof(T) > size() - Off)
      return false;
    std::memcpy(&Out, File.getBufferStart() + Off, sizeof(T));
    if (Swapped)
      MachO::swapStruct(Out);
    return true;
  }
  void addSegment(const MachO::segment_command_64 &S);

  MemoryBufferRef File;
  bool Swapped = false;
  CoreLayout L;
};

void MachOCoreReader::addSegment(const MachO::segment_command_64 &S) {
  if (!S.vmsize)
    return;
  uint64_t Stored = std::min(S.filesize, S.vmsize);
  L.addFileRange(S.vmaddr, Stored, S.fileoff, size());
  // What the file stores is the segment's start; the rest of readable
  // memory was never written (zero). A cut file's missing part is not zero:
  // it is missing; nor is memory QEMU could not read.
  bool Readable = (S.initprot & MachO::VM_PROT_READ) != 0;
  if (Stored < S.vmsize && Readable)
    L.Zero.push_back({S.vmaddr + Stored, S.vmsize - Stored});
  L.Regions.push_back({{S.vmaddr, S.vmsize}, /*Committed=*/true, Readable});
}

Expected<CoreLayout> MachOCoreReader::read() {
  L.Format = CoreFormat::MachO;
  uint32_t Magic = 0;
  if (size() >= 4)
    std::memcpy(&Magic, File.getBufferStart(), 4);
  if (Magic == MachO::MH_CIGAM_64)
    Swapped = true;
  else if (Magic == MachO::MH_MAGIC || Magic == MachO::MH_CIGAM)
    return fail("it is a 32-bit Mach-O core (macOS has run only 64-bit "
                "processes since 10.15); only 64-bit Mach-O cores are read");
  else if (Magic != MachO::MH_MAGIC_64)
    return fail("it does not start with a Mach-O header");
  MachO::mach_header_64 H;
  if (!get(0, H) || H.filetype != MachO::MH_CORE)
    return fail("it is not a Mach-O core (MH_CORE)");
  uint64_t Off = sizeof(H);
  uint64_t End = Off + uint64_t(H.sizeofcmds);
  if (End > size())
    return fail(formatv("its load commands ({0} bytes) are beyond the end of "
                        "the file ({1} bytes)",
                        uint32_t(H.sizeofcmds), size()));
  for (uint32_t I = 0; I < H.ncmds; ++I) {
    MachO::load_command C;
    if (Off + sizeof(C) > End || !get(Off, C) || C.cmdsize < sizeof(C) ||
        C.cmdsize > End - Off)
      return fail(
          formatv("load command {0} at offset {1:x} is damaged", I, Off));
    if (C.cmd == MachO::LC_SEGMENT_64) {
      MachO::segment_command_64 S;
      if (C.cmdsize < sizeof(S) || !get(Off, S))
        return fail(formatv("LC_SEGMENT_64 {0} is too short", I));
      if (S.vmaddr + S.vmsize < S.vmaddr || S.fileoff + S.filesize < S.fileoff)
        return fail(formatv("LC_SEGMENT_64 {0} overflows", I));
      addSegment(S);
    }
    Off += C.cmdsize;
  }
  L.normalize();
  L.noteTruncation("Mach-O core", File.getBufferIdentifier(), "segments",
                   size());
  return std::move(L);
}

} // namespace

Expected<CoreLayout> readMachOCoreLayout(MemoryBufferRef File) {
  return MachOCoreReader(File).read();
}

} // namespace qemudump
