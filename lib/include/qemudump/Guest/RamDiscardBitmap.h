//===- RamDiscardBitmap.h - The populated parts of sparse RAM -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A QEMU memory region with a RamDiscardManager (QEMU 6.2 and later) is
// sparse: its manager keeps a bitmap of fixed-size blocks of the region, set
// where the block is populated (virtio-mem: plugged; since 10.1 guest_memfd's
// RamBlockAttributes: shared with the host). QEMU's own dump writes only the
// populated parts (system/memory_mapping.c replays the populated sections of
// each flat range); this is that replay, on a bitmap read from a core.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_GUEST_RAMDISCARDBITMAP_H
#define QEMUDUMP_GUEST_RAMDISCARDBITMAP_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace qemudump {

/// A part of a flat range: bytes [Offset, Offset + Size) of its region.
struct RegionPart {
  uint64_t Offset = 0;
  uint64_t Size = 0;
  bool Populated = false;

  bool operator==(const RegionPart &O) const {
    return Offset == O.Offset && Size == O.Size && Populated == O.Populated;
  }
};

class RamDiscardBitmap {
public:
  /// The bitmap of \p NumBits blocks of \p BlockSize bytes, bit I in
  /// Words[I / 64] at (I % 64), as QEMU's unsigned-long bitmaps on a 64-bit
  /// host. Fails when the block size is 0, the words hold fewer than
  /// \p NumBits bits, or the blocks do not fit in 64-bit addresses.
  static llvm::Expected<RamDiscardBitmap>
  create(uint64_t BlockSize, uint64_t NumBits, std::vector<uint64_t> Words);

  bool test(uint64_t Bit) const {
    return Bit < NumBits && (Words[Bit / 64] >> (Bit % 64)) & 1;
  }

  /// The bytes of the blocks whose bit is set.
  uint64_t populatedBytes() const;

  /// Region bytes [Offset, Offset + Size) in ascending parts, populated or
  /// not, that together cover it exactly: the populated ones are the
  /// sections QEMU's replay_populated hands to its dump (each run of set bits
  /// cut to the range), the others what the dump leaves out.
  std::vector<RegionPart> parts(uint64_t Offset, uint64_t Size) const;

private:
  RamDiscardBitmap() = default;
  /// The first bit at or after \p From whose value is \p Set; NumBits when
  /// there is none.
  uint64_t next(uint64_t From, bool Set) const;

  uint64_t BlockSize = 0;
  uint64_t NumBits = 0;
  std::vector<uint64_t> Words;
};

} // namespace qemudump

#endif // QEMUDUMP_GUEST_RAMDISCARDBITMAP_H
