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

/// What every refusal ends with, a sentence: "The core holds ...: --partial
/// writes those and leaves the rest out of the vmcore ...".
std::string partialOffer(const GuestCoverage &C, bool Selected);

/// What a cut core lacks: the size it was cut at and what cut it, the first
/// range past its end (in region \p Region) and how much lies there in all.
std::string truncatedRefusal(const MissingRange &First, llvm::StringRef Region,
                             const GuestCoverage &C,
                             std::optional<uint64_t> CoreSize);

/// \p E, an error reading QEMU's structures (its memory map): when they
/// are absent (StructuresUnreadable) from a \p Source that is cut short, the
/// cut, what cut it, and that no dump, not even a partial one, can be made
/// without them. Otherwise E with what is known to be wrong with the source
/// (withKnownDamage).
llvm::Error structuresUnreadable(llvm::Error E, const MemorySource &Source);

/// A partial dump's warnings: one per cause, with its bytes and ranges.
std::vector<std::string> partialWarnings(const GuestCoverage &C,
                                         std::optional<uint64_t> CoreSize);

/// "The core also lacks SIZE in N ranges from [S, E) on: <why>; and ...
/// ": the causes other than \p Said, for a refusal that names the first
/// range's; "" when there are none.
std::string otherCauses(const GuestCoverage &C, MissingCause Said);

/// "[0x1000, 0x2000) 4.0 KiB: <why>": a missing range as the summary lists
/// it.
std::string describeMissing(const MissingRange &M);

/// How much of a range a core holds, as `qemu guest-memory-map` shows it
/// at the end of the range's line: "core: all", "core: none, <why>",
/// "core: 1.0 MiB of 4.0 MiB, the rest <why>".
std::string coverageCell(const GuestCoverage &C);

} // namespace qemudump

#endif // QEMUDUMP_COMMAND_COVERAGEREPORT_H
