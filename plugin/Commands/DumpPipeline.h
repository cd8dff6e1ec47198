//===- DumpPipeline.h - `qemu dump-guest-memory`, step by step --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// From parsed options to a written vmcore, each step one function:
//
//   open QEMU      the session, QEMU's memory (the core file), the guest's
//                  RAM from QEMU's memory map, dump-guest-core checked
//   choose ARCH    QEMU's target and its vCPUs (QemuTarget); ARCH given
//                  and checked, or inferred from vCPU 0
//   select         --begin/--length cut the map
//   probe          every block's first and last byte readable
//   notes          the vCPUs' notes, the guest's VMCOREINFO -> VmcoreNotes
//   lay out        the format's VmcoreWriter places everything
//   write          ... into an OutputFile (guest memory, then notes and
//                  headers), committed
//
// and one DumpSummary at the end. Nothing but the output file is written,
// and only by the last step.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_COMMANDS_DUMPPIPELINE_H
#define QEMUDUMP_PLUGIN_COMMANDS_DUMPPIPELINE_H

#include "qemudump/Command/DumpOptions.h"
#include "qemudump/Command/DumpSummary.h"

#include "lldb/API/SBDebugger.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qemudump {

/// Dumps the guest of the QEMU loaded in \p Debugger as \p Options say.
/// Problems that cost only part of the vmcore (its notes, the kdump utsname)
/// are appended to \p Warnings; anything else is the error, and then no file
/// is left.
llvm::Expected<DumpSummary> dumpGuestMemory(lldb::SBDebugger Debugger,
                                            const DumpOptions &Options,
                                            std::vector<std::string> &Warnings);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_COMMANDS_DUMPPIPELINE_H
