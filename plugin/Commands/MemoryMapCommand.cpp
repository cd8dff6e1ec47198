//===- MemoryMapCommand.cpp - `qemu guest-memory-map` ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Commands/MemoryMapCommand.h"

#include "Commands/CommandReply.h"
#include "Input/QemuCoreFile.h"
#include "Qemu/QemuCoverage.h"
#include "Qemu/QemuMemoryMap.h"
#include "Qemu/QemuSession.h"

#include "qemudump/Command/CoverageReport.h"
#include "qemudump/Command/DumpSummary.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

/// What the core holds of the RAM of row \p R: "  core: all"; "" for a
/// range that is not dumped, or a source that cannot tell.
std::string rowCoverage(const GuestMemory &Memory, const FlatRangeRow &R,
                        MemorySource &Source, bool FromCore) {
  if (R.Status != RangeStatus::Added && R.Status != RangeStatus::Joined)
    return "";
  if (!FromCore || !Source.knowsAvailability())
    return "";
  Expected<GuestMemoryMap> Part =
      Memory.Map.clip(R.GuestStart, R.GuestEnd - R.GuestStart);
  if (!Part) {
    consumeError(Part.takeError()); // none of it is RAM dumped
    return "";
  }
  return "  " +
         coverageCell(qemuCoverage(*Part, Memory.Rows, Source, FromCore));
}

/// The map, each RAM range with what the core holds of it, and a total.
std::string table(const GuestMemory &Memory, MemorySource &Source,
                  bool FromCore) {
  std::string Text = "guest RAM blocks:\n"
                     "target_start     target_end       host_addr        "
                     "message               count region\n"
                     "---------------- ---------------- ---------------- "
                     "--------------------- ----- ------\n";
  for (const FlatRangeRow &R : Memory.Rows)
    Text +=
        formatv("{0:x-16} {1:x-16} {2:x-16} {3,-21} {4,5} {5}{6}\n",
                R.GuestStart, R.GuestEnd, R.HostAddr, R.shown(), R.BlockCount,
                R.Region, rowCoverage(Memory, R, Source, FromCore))
            .str();
  const GuestMemoryMap &Map = Memory.Map;
  if (!FromCore || !Source.knowsAvailability())
    return Text + formatv("{0} {1}, {2} of guest RAM\n", Map.blocks().size(),
                          Map.blocks().size() == 1 ? "block" : "blocks",
                          humanBytes(Map.totalBytes()))
                      .str();
  GuestCoverage All = qemuCoverage(Map, Memory.Rows, Source, FromCore);
  Text += formatv("{0} {1}, {2} of guest RAM; {3}{4}\n", Map.blocks().size(),
                  Map.blocks().size() == 1 ? "block" : "blocks",
                  humanBytes(Map.totalBytes()),
                  All.complete() ? "the core holds all of it"
                                 : heldSentence(All, /*Selected=*/false),
                  All.complete()
                      ? ""
                      : formatv(", {0} missing in {1} range(s)",
                                humanBytes(All.TotalBytes - All.heldBytes()),
                                All.Missing.size())
                            .str())
              .str();
  return Text;
}

Expected<std::string> memoryMap(lldb::SBDebugger Debugger, char **Args,
                                std::vector<std::string> &Warnings) {
  SmallVector<StringRef, 4> Argv = commandArguments(Args);
  bool FromRegions = Argv.size() == 1 && Argv[0] == "--regions";
  if (!Argv.empty() && !FromRegions)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("unexpected arguments; usage: {0}", MemoryMapCommand::syntax())
            .str());
  Expected<QemuSession> S = QemuSession::open(Debugger);
  if (!S)
    return S.takeError();
  Expected<std::unique_ptr<MemorySource>> Source = openQemuMemory(*S);
  if (!Source)
    return Source.takeError();
  Expected<GuestMemory> Memory = readGuestMemory(
      *S, FromRegions ? MapSource::RegionTree : MapSource::FlatView);
  if (!Memory)
    return structuresUnreadable(Memory.takeError(), **Source);
  Warnings = Memory->Warnings;
  for (const FlatRangeRow &R : Memory->Rows)
    if (!R.Undumpable.empty())
      Warnings.push_back(R.Undumpable);
  return table(*Memory, **Source, isCoreProcess(S->process()));
}

} // namespace

const char *MemoryMapCommand::help() {
  return "Print the guest's RAM blocks as `qemu dump-guest-memory` will dump "
         "them: each RAM flat range of QEMU's memory map, its QEMU (host) "
         "address, whether it starts a block or joins the previous one, and "
         "how much of it the core holds. --regions renders the map from "
         "QEMU's memory region tree instead of reading its flat view (what "
         "the dump does when the flat view is past the cut of a truncated "
         "core).";
}

const char *MemoryMapCommand::syntax() {
  return "qemu guest-memory-map [--regions]";
}

bool MemoryMapCommand::DoExecute(lldb::SBDebugger Debugger, char **Args,
                                 lldb::SBCommandReturnObject &Result) {
  std::vector<std::string> Warnings;
  Expected<std::string> Table = memoryMap(Debugger, Args, Warnings);
  return reply(Result, std::move(Table), Warnings);
}

} // namespace qemudump
