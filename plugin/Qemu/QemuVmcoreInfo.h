//===- QemuVmcoreInfo.h - The guest's VMCOREINFO note via QEMU's device -*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// QEMU's vmcoreinfo device (-device vmcoreinfo, QEMU 2.12 and later) keeps
// where the guest put its VMCOREINFO note (a guest-physical address and a
// size, FWCfgVMCoreInfo) in a function-static pointer of
// vmcoreinfo_realize() (docs/specs/vmcoreinfo.rst). The note itself is read
// from guest RAM, as QEMU's own dump does.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMUVMCOREINFO_H
#define QEMUDUMP_PLUGIN_QEMU_QEMUVMCOREINFO_H

#include "Qemu/QemuSession.h"

#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Input/MemorySource.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

/// Where the guest said its VMCOREINFO note is.
struct VmcoreInfoLocation {
  uint64_t GuestAddr = 0;
  uint32_t Size = 0;
};

/// The location the vmcoreinfo device holds, or none when the device is
/// absent or the guest has not written a note in ELF format. Problems that
/// only cost the note are appended to \p Warnings.
std::optional<VmcoreInfoLocation>
findVmcoreInfo(const QemuSession &S, std::vector<std::string> &Warnings);

/// The guest's note (QEMU keeps the first note the guest wrote, sized by its
/// own header), read from \p Memory through \p Map and encoded in the
/// guest's byte order (\p LittleEndian). None when the guest has none, or it
/// is outside RAM, unreadable or malformed; those cost only the note and
/// become \p Warnings.
std::optional<std::vector<uint8_t>>
readGuestNote(const QemuSession &S, const GuestMemoryMap &Map,
              bool LittleEndian, MemorySource &Memory,
              std::vector<std::string> &Warnings);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMUVMCOREINFO_H
