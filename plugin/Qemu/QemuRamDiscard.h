//===- QemuRamDiscard.h - A RAM region's RamDiscardManager ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Since QEMU 6.2 a MemoryRegion may have a RamDiscardManager (`mr->rdm`), a
// QOM object that says which parts of the region are populated; QEMU's own
// dump writes only those (system/memory_mapping.c). The manager is found by
// its QOM type name (Object.class->type->name), and each kind QEMU has is
// read at offsets from QEMU's DWARF:
//   - "virtio-mem" (hw/virtio/virtio-mem.c, 6.2 and later): VirtIOMEM's
//     `bitmap` of `bitmap_size` blocks of `block_size` bytes, set = plugged;
//   - "ram-block-attributes" (system/ram-block-attributes.c, 10.1 and later,
//     guest_memfd RAM of confidential guests): RamBlockAttributes' `bitmap`
//     of `bitmap_size` host pages, set = shared.
// Of any other kind only the name is read: its region cannot be dumped as
// QEMU would.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMURAMDISCARD_H
#define QEMUDUMP_PLUGIN_QEMU_QEMURAMDISCARD_H

#include "Qemu/QemuSession.h"

#include "qemudump/Guest/RamDiscardBitmap.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace qemudump {

/// What a region's RamDiscardManager says of it.
struct RamDiscard {
  std::string Kind;               ///< Its QOM type: "virtio-mem".
  const char *PopulatedWord = ""; ///< What a populated part is: "plugged".
  const char *DiscardedWord = ""; ///< And a discarded one: "unplugged".
  /// Which blocks are populated; none when qemudump does not know the kind.
  std::optional<RamDiscardBitmap> Bitmap;

  /// Why the region cannot be dumped as QEMU would: the kind is unknown.
  std::string whyUnknown(llvm::StringRef Region) const;
};

/// The RamDiscardManager at QEMU address \p Rdm (a MemoryRegion's non-NULL
/// `rdm`) of the region \p Region, \p RegionSize bytes long. Fails when it
/// cannot be read or is implausible.
llvm::Expected<RamDiscard> readRamDiscard(const QemuSession &S, uint64_t Rdm,
                                          llvm::StringRef Region,
                                          uint64_t RegionSize);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMURAMDISCARD_H
