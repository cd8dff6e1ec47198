//===- DumpOptions.h - The arguments of `qemu dump-guest-memory` -*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// One table of options drives the parsing, the help text, the syntax line and
// the unknown-option error. Every check of what the user typed happens here,
// before QEMU's core is looked at: the ARCH name, the format, the numbers.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_COMMAND_DUMPOPTIONS_H
#define QEMUDUMP_COMMAND_DUMPOPTIONS_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Vmcore/KdumpCompression.h"
#include "qemudump/Vmcore/VmcoreWriter.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace qemudump {

/// Where the vmcore's VMCOREINFO note comes from (--vmcoreinfo).
enum class VmcoreInfoSource {
  Auto,   ///< QEMU's vmcoreinfo device; without a note from it, a scan.
  Device, ///< The vmcoreinfo device only.
  Scan,   ///< Found in guest RAM only (VmcoreInfoScanner).
  None,   ///< No VMCOREINFO note.
  File,   ///< DumpOptions::VmcoreInfoFile.
};

struct DumpOptions {
  std::string File;
  /// The ARCH given, or null: infer it.
  const Arch *RequestedArch = nullptr;
  /// --begin/--length: both or neither; Begin + Length does not wrap.
  std::optional<uint64_t> Begin, Length;
  /// -f as the user spelled it ("elf" by default).
  std::string FormatName = "elf";
  /// Set for the kdump formats.
  std::optional<KdumpCompression> Kdump;
  KdumpForm Form = KdumpForm::Raw;
  /// --threads, only with a kdump format.
  std::optional<unsigned> Threads;
  bool CpuNotes = true;
  /// --partial: from a core that lacks part of guest RAM (cut short, or
  /// without some mappings), dump the rest and leave that part out.
  bool Partial = false;
  /// fsync the vmcore and its directory before saying it is written.
  bool Sync = true;
  /// After the summary, the time of each step (DumpSummary::formatPhases).
  bool Verbose = false;
  VmcoreInfoSource VmcoreInfo = VmcoreInfoSource::Auto;
  /// With VmcoreInfoSource::File: the file holding the note or its text.
  std::string VmcoreInfoFile;
};

/// Parses the command's arguments: options (-x V, --xx V, --xx=V, `--` ends
/// them) and the positional FILE [ARCH]. Fails with the message the user sees.
llvm::Expected<DumpOptions>
parseDumpOptions(llvm::ArrayRef<llvm::StringRef> Argv);

/// `qemu dump-guest-memory [-b ADDR -l LEN] ... FILE [ARCH]`.
const std::string &dumpSyntax();
/// The command's help text, options included.
const std::string &dumpHelp();
/// The formats -f takes, for help and error messages.
std::string formatList();

} // namespace qemudump

#endif // QEMUDUMP_COMMAND_DUMPOPTIONS_H
