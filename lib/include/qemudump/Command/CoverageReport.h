//===- CoverageReport.h - What a dump says of RAM a core lacks --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The words of a dump from a core that lacks part of guest RAM
// (GuestCoverage): how much the core holds, the refusal without --partial
// and what --partial would write, the warnings and summary of a partial
// dump (one per cause), and the coverage `qemu guest-memory-map` shows.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_COMMAND_COVERAGEREPORT_H
#define QEMUDUMP_COMMAND_COVERAGEREPORT_H

#include "qemudump/Guest/GuestCoverage.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

/// "the core holds 3.10 GiB of the guest's 64.00 GiB of RAM"; with
/// \p Selected, of the RAM --begin/--length select.
std::string heldSentence(const GuestCoverage &C, bool Selected);

/// What every refusal ends with: what --partial would write instead.
std::string partialOffer(const GuestCoverage &C, bool Selected);

/// The refusal of a core cut short: the sizes, the first range past its
/// end (in region \p Region), what cut it, and what --partial would write.
std::string truncatedRefusal(const GuestCoverage &C, bool Selected,
                             const MissingRange &First, llvm::StringRef Region,
                             std::optional<uint64_t> CoreSize);

/// \p E, an error reading QEMU's structures (its memory map), from a
/// \p Source that is cut short: the cut, what cut it, and that no dump,
/// not even a partial one, can be made without them. Otherwise E with what
/// is known to be wrong with the source (withKnownDamage).
llvm::Error structuresUnreadable(llvm::Error E, const MemorySource &Source);

/// A partial dump's warnings: one per cause, with its bytes and ranges.
std::vector<std::string> partialWarnings(const GuestCoverage &C,
                                         std::optional<uint64_t> CoreSize);

/// "[0x1000, 0x2000) 4.0 KiB: <why>": a missing range as the summary lists
/// it.
std::string describeMissing(const MissingRange &M);

/// How much of [Start, End) a core holds, as `qemu guest-memory-map`
/// shows it at the end of a range's line: "core: all", "core: none
/// (<why>)", "core: 1.0 MiB of 4.0 MiB (rest: <why>)".
std::string coverageCell(const GuestCoverage &C);

} // namespace qemudump

#endif // QEMUDUMP_COMMAND_COVERAGEREPORT_H
