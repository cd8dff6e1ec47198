//===- DumpPipeline.cpp - `qemu dump-guest-memory`, step by step ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Commands/DumpPipeline.h"

#include "Commands/Progress.h"
#include "Input/QemuCoreFile.h"
#include "Qemu/QemuCoverage.h"
#include "Qemu/QemuMemoryMap.h"
#include "Qemu/QemuSession.h"
#include "Qemu/QemuVmcoreInfo.h"
#include "Targets/QemuTarget.h"

#include "qemudump/Arch/ArchChoice.h"
#include "qemudump/Command/CoverageReport.h"
#include "qemudump/Guest/VmcoreInfo.h"
#include "qemudump/Guest/VmcoreInfoScanner.h"
#include "qemudump/Input/MemoryFault.h"
#include "qemudump/Notes/NoteSegment.h"
#include "qemudump/Notes/VmcoreNotes.h"
#include "qemudump/Vmcore/OutputFile.h"
#include "qemudump/Vmcore/VmcoreWriter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <memory>
#include <optional>

using namespace llvm;

namespace qemudump {

namespace {

class DumpPipeline {
public:
  DumpPipeline(lldb::SBDebugger Debugger, const DumpOptions &O,
               std::vector<std::string> &Warnings)
      : Debugger(Debugger), O(O), Warnings(Warnings) {}

  Expected<DumpSummary> run();

private:
  Error openQemu();
  Error chooseArch();
  Error selectRange();
  /// Whether \p Row lies (partly) in the range --begin/--length select.
  bool selected(const FlatRangeRow &Row) const {
    uint64_t Lo = O.Begin.value_or(0);
    uint64_t Hi = O.Begin ? *O.Begin + *O.Length : UINT64_MAX;
    return Row.GuestEnd > Lo && Row.GuestStart < Hi;
  }
  Error cover();
  Error checkHostPointers() const;
  Error refuseIncomplete() const;
  Error probe();
  Error planNotes();
  DumpSummary summaryHeader() const;
  std::unique_ptr<VmcoreWriter> writer(const VmcoreInput &In,
                                       DumpSummary &Sum) const;
  Expected<DumpSummary> write();

  lldb::SBDebugger Debugger;
  const DumpOptions &O;
  std::vector<std::string> &Warnings;
  std::chrono::steady_clock::time_point Start =
      std::chrono::steady_clock::now();
  /// The steps' times so far, and when the last one ended.
  SmallVector<std::pair<std::string, double>, 10> Phases;
  std::chrono::steady_clock::time_point LastLap = Start;
  /// Ends step \p Name: its time goes to Phases.
  void lap(StringRef Name) {
    auto Now = std::chrono::steady_clock::now();
    Phases.push_back(
        {Name.str(), std::chrono::duration<double>(Now - LastLap).count()});
    LastLap = Now;
  }

  std::optional<QemuSession> Session;
  std::unique_ptr<MemorySource> Source;
  GuestMemoryMap FullMap;         ///< All of guest RAM.
  std::vector<FlatRangeRow> Rows; ///< QEMU's RAM flat ranges.
  GuestMemoryMap Map;             ///< What is dumped.
  /// What the core holds of the RAM selected.
  GuestCoverage Coverage;
  /// A partial dump: the RAM selected, of which Map is what the core holds.
  std::optional<GuestMemoryMap> Selected;
  /// QEMU's target, its vCPUs read.
  std::unique_ptr<QemuTarget> Target;
  ArchChoice Arch;
  /// The notes the writer gets; with a scan, the scanner it reads through.
  std::optional<NoteSegment> ReadySegment;
  std::unique_ptr<VmcoreInfoScanner> Scanner;
  std::unique_ptr<VmcoreNotes> Notes;
};

/// The session, QEMU's memory, the guest's RAM; nothing to dump from a
/// QEMU that ran with dump-guest-core=off.
Error DumpPipeline::openQemu() {
  Expected<QemuSession> S = QemuSession::open(Debugger);
  if (!S)
    return S.takeError();
  Session.emplace(std::move(*S));
  lap("QEMU's session");
  Expected<std::unique_ptr<MemorySource>> M = openQemuMemory(*Session);
  if (!M)
    return M.takeError();
  Source = std::move(*M);
  lap("the core");
  Expected<GuestMemory> Memory = readGuestMemory(*Session);
  if (!Memory)
    return structuresUnreadable(Memory.takeError(), *Source);
  FullMap = std::move(Memory->Map);
  Rows = std::move(Memory->Rows);
  Warnings.insert(Warnings.end(), Memory->Warnings.begin(),
                  Memory->Warnings.end());
  Error E = Session->checkDumpGuestCore();
  lap("QEMU's memory map");
  return E;
}

/// QEMU's target and its vCPUs, then ARCH: the one given, if it fits the
/// target, or the one QEMU's dump would choose.
Error DumpPipeline::chooseArch() {
  Target = readQemuTarget(*Session);
  Expected<ArchChoice> A =
      O.RequestedArch ? checkRequestedArch(*O.RequestedArch, Target->name())
                      : Target->inferArch();
  if (!A)
    return A.takeError();
  Arch = *A;
  lap("vCPUs and arch");
  return Error::success();
}

/// All of guest RAM, or the part --begin/--length select.
Error DumpPipeline::selectRange() {
  if (!O.Begin) {
    Map = FullMap;
    return Error::success();
  }
  Expected<GuestMemoryMap> Clipped = FullMap.clip(*O.Begin, *O.Length);
  if (!Clipped)
    return Clipped.takeError();
  Map = std::move(*Clipped);
  return Error::success();
}

/// The vCPUs' notes, then the guest's VMCOREINFO note from where
/// --vmcoreinfo says: QEMU's vmcoreinfo device, a file, or (auto without a
/// note from the device, or scan) guest RAM, found while it is copied.
Error DumpPipeline::planNotes() {
  const qemudump::Arch &A = *Arch.Guest;
  NoteSegment Segment(A.isLittleEndian());
  if (O.CpuNotes)
    Segment.addCpuNotes(Target->notes(A, O.Kdump.has_value(), Warnings));
  bool Scan = O.VmcoreInfo == VmcoreInfoSource::Scan;
  if (O.VmcoreInfo == VmcoreInfoSource::Auto ||
      O.VmcoreInfo == VmcoreInfoSource::Device) {
    std::optional<std::vector<uint8_t>> Guest =
        readGuestNote(*Session, FullMap, A.isLittleEndian(), *Source, Warnings);
    if (Guest) {
      if (Error E = Segment.addGuestNote(*Guest, "vmcoreinfo device"))
        Warnings.push_back("the guest's VMCOREINFO note is malformed (" +
                           toString(std::move(E)) +
                           "); the vmcore has no VMCOREINFO note");
    } else {
      Scan = O.VmcoreInfo == VmcoreInfoSource::Auto;
    }
  } else if (O.VmcoreInfo == VmcoreInfoSource::File) {
    Expected<VmcoreInfo> Info =
        VmcoreInfo::fromFile(O.VmcoreInfoFile, A.isLittleEndian());
    if (!Info)
      return createStringError(
          inconvertibleErrorCode(),
          formatv("--vmcoreinfo: {0}; give auto, device, scan, none, or a "
                  "file holding a VMCOREINFO note or its text",
                  toString(Info.takeError()))
              .str());
    if (Error Why = VmcoreInfoScanner::prove(A, *Info, FullMap, *Source))
      Warnings.push_back(formatv("the VMCOREINFO of '{0}' does not prove "
                                 "itself against this guest's memory ({1}); "
                                 "it is used as given",
                                 O.VmcoreInfoFile, toString(std::move(Why)))
                             .str());
    Segment.addVmcoreInfo(std::move(*Info), "from " + O.VmcoreInfoFile);
  }
  if (Scan) {
    Scanner = std::make_unique<VmcoreInfoScanner>(*Source, A);
    Notes = std::make_unique<ScannedNotes>(std::move(Segment), *Scanner,
                                           FullMap, Warnings);
    return Error::success();
  }
  Segment.finalize();
  ReadySegment.emplace(std::move(Segment));
  Notes = std::make_unique<ReadyNotes>(*ReadySegment);
  return Error::success();
}

/// What the summary says before the file is written: the file, the arch and
/// how it was chosen, the blocks, the regions QEMU's dump leaves out (in
/// the range dumped).
DumpSummary DumpPipeline::summaryHeader() const {
  DumpSummary Sum;
  Sum.File = O.File;
  Sum.ArchName = Arch.Guest->Name.str();
  if (!Arch.Origin.empty())
    Sum.ArchNotes.push_back(Arch.Origin);
  Sum.Blocks = Map.blocks().size();
  Sum.Reader = Source->reader();
  if (Selected) {
    DumpSummary::Partial P;
    P.HeldBytes = Coverage.heldBytes();
    P.TotalBytes = Coverage.TotalBytes;
    for (const MissingRange &M : Coverage.Missing)
      P.Missing.push_back(describeMissing(M));
    Sum.PartialDump = std::move(P);
  }
  // Once per region and reason: a sparse region's discarded parts are many.
  for (const FlatRangeRow &R : Rows) {
    std::string What = R.Region + " (" + R.Detail + ")";
    if (R.Status == RangeStatus::Skipped && selected(R) &&
        !is_contained(Sum.LeftOut, What))
      Sum.LeftOut.push_back(std::move(What));
  }
  return Sum;
}

/// The format's writer; what the summary says of the format.
std::unique_ptr<VmcoreWriter> DumpPipeline::writer(const VmcoreInput &In,
                                                   DumpSummary &Sum) const {
  if (O.Kdump) {
    KdumpOptions K;
    K.Compression = *O.Kdump;
    K.Form = O.Form;
    K.Threads = O.Threads.value_or(0);
    K.NrCpus = Target->vcpuCount();
    return createKdumpWriter(In, K);
  }
  // An ELF vmcore of a 32-bit x86 guest may be widened to ELF64; a kdump
  // file keeps the 32-bit kernel's headers (max_mapnr_64 says how far RAM
  // goes).
  ElfClassChoice Class = vmcoreElfClass(In.Guest, Map.blocks().back().GuestEnd);
  if (!Class.Why.empty())
    Sum.ArchNotes.push_back(Class.Why);
  return createElfWriter(In, Class.ElfClass);
}

/// The file, by the format's writer (reading guest memory through the
/// scanner when there is one): laid out, then written; then the summary.
Expected<DumpSummary> DumpPipeline::write() {
  DumpSummary Sum = summaryHeader();
  MemorySource &Memory = Scanner ? *Scanner : *Source;
  VmcoreInput In{*Arch.Guest,
                 Map,
                 FullMap,
                 *Notes,
                 Memory,
                 Warnings,
                 Selected ? &*Selected : nullptr};
  std::unique_ptr<VmcoreWriter> W = writer(In, Sum);
  if (Error E = W->layOut())
    return std::move(E);
  lap("lay out");

  OutputFile::Options FileOptions;
  FileOptions.Sync = O.Sync;
  Expected<OutputFile> Out = OutputFile::create(O.File, FileOptions);
  if (!Out)
    return Out.takeError();
  DumpProgress Progress(Debugger,
                        formatv("Dumping guest memory to {0}", O.File),
                        Map.totalBytes());
  auto OnProgress = [&](uint64_t Done, uint64_t) {
    return Progress.update(Done);
  };
  Expected<VmcoreStats> Stats = W->write(*Out, OnProgress);
  if (!Stats)
    return Stats.takeError();
  lap(formatv("writing ({0})", W->formatName()).str());
  if (Error E = Out->commit())
    return std::move(E);
  lap(O.Sync ? "sync and link" : "link");

  Sum.MemoryBytes = Stats->MemoryBytes;
  Sum.FileSize = Stats->FileSize;
  Sum.SharedBytes = Stats->SharedBytes;
  if (Stats->Kdump)
    Sum.KdumpFile = DumpSummary::Kdump{O.FormatName, O.Form, *Stats->Kdump,
                                       Stats->Kdump->Guest.UtsSource,
                                       Stats->Kdump->Guest.Uts.Release};
  Sum.Notes = Notes->segment().describe();
  Sum.Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  Sum.Phases = std::move(Phases);
  return Sum;
}

/// The region whose range holds guest-physical \p GuestStart.
static std::string regionAt(ArrayRef<FlatRangeRow> Rows, uint64_t GuestStart) {
  const FlatRangeRow *R = rowAt(Rows, GuestStart);
  return R ? R->Region : "?";
}

/// Guest RAM that the core lacks because the kernel's coredump_filter left
/// its shared mapping out: which mapping, and the filter bit that keeps it.
static std::string sharedMappingLeftOut(ArrayRef<FlatRangeRow> Rows,
                                        const MissingRange &M) {
  bool Huge = M.Cause == MissingCause::SharedHugetlb;
  return formatv(
      "the RAM of region '{0}' (guest-physical [{1:x}, {2:x}), QEMU "
      "address {3:x}) is a shared mapping of {4}, which the kernel's "
      "coredump_filter (0x33 by default) leaves out of cores: the core "
      "holds none of its bytes (they are not zeros). For the next core, set "
      "bit {5} ({6:x2}, {7}) of QEMU's coredump_filter before it crashes "
      "(echo {8:x} > /proc/QEMU_PID/coredump_filter, or the host's kernel "
      "command line coredump_filter={8:x}), or use QEMU's own "
      "dump-guest-memory (virsh dump --memory-only) while the guest is alive",
      regionAt(Rows, M.GuestStart), M.GuestStart, M.GuestEnd, M.HostAddr,
      Huge ? "hugetlbfs pages (memory-backend-file on hugetlbfs or "
             "memory-backend-memfd with hugetlb=on, and share=on)"
           : "a file (memory-backend-file with share=on)",
      Huge ? 6 : 3, Huge ? 0x40 : 0x08,
      Huge ? "hugetlb shared" : "file-backed shared",
      0x33 | (Huge ? 0x40 : 0x08));
}

/// RAM at a QEMU address no mapping of the core holds, although QEMU ran
/// with dump-guest-core=on.
static Error corruptHost(ArrayRef<FlatRangeRow> Rows, uint64_t Start,
                         uint64_t End, uint64_t HostAddr) {
  return corruptError(
      formatv("the RAM of region '{0}' (guest-physical [{1:x}, {2:x})) would "
              "be at QEMU address {3:x}, which no mapping of the core holds "
              "although QEMU ran with dump-guest-core=on: its RAMBlock.host "
              "is corrupt",
              regionAt(Rows, Start), Start, End, HostAddr));
}

/// Guest RAM of a memory backend QEMU ran with dump=off.
static std::string dumpOffBackend(ArrayRef<FlatRangeRow> Rows,
                                  const MissingRange &M) {
  return formatv("the RAM of region '{0}' (guest-physical [{1:x}, {2:x})) "
                 "is memory backend '{3}', which QEMU ran with dump=off: "
                 "QEMU left it out of its core (MADV_DONTDUMP), so the core "
                 "holds none of its bytes (they are not zeros). Give the "
                 "backend dump=on (-object memory-backend-...,id={3},dump=on; "
                 "libvirt: <memory dumpCore='on'>) for the next core",
                 regionAt(Rows, M.GuestStart), M.GuestStart, M.GuestEnd,
                 M.Region);
}

/// What the core holds of the RAM selected (QEMU's RAM that a dump=off
/// backend kept out of it included). A core that lacks some is refused
/// unless --partial; with it, the map dumped is what the core holds.
Error DumpPipeline::cover() {
  for (const FlatRangeRow &R : Rows)
    if (!R.Undumpable.empty() && selected(R))
      return createStringError(inconvertibleErrorCode(), R.Undumpable);
  Coverage =
      qemuCoverage(Map, Rows, *Source, isCoreProcess(Session->process()));
  lap("coverage");
  if (Coverage.complete())
    return Error::success();
  if (Error E = checkHostPointers())
    return E;
  if (!O.Partial || Coverage.heldBytes() == 0)
    return refuseIncomplete();
  Selected = std::move(Map);
  Map = Coverage.Held;
  for (std::string &W : partialWarnings(Coverage, Source->truncatedSize()))
    Warnings.push_back(std::move(W));
  return Error::success();
}

/// A block whose very first byte is in no mapping of the core although QEMU
/// dumped its RAM (dump-guest-core=on): its RAMBlock.host is wrong, and the
/// map is not to be trusted, partial dump or not.
Error DumpPipeline::checkHostPointers() const {
  if (!Session->dumpGuestCore().value_or(false))
    return Error::success();
  for (const MissingRange &M : Coverage.Missing)
    if (M.Cause == MissingCause::NotInCore &&
        any_of(FullMap.blocks(), [&](const MemoryBlock &B) {
          return B.GuestStart == M.GuestStart && B.HostAddr == M.HostAddr;
        }))
      return corruptHost(Rows, M.GuestStart, M.GuestEnd, M.HostAddr);
  return Error::success();
}

/// Why the core cannot give all of the RAM selected, by the first range it
/// lacks (and the other causes, in a sentence), and what --partial would
/// write instead.
Error DumpPipeline::refuseIncomplete() const {
  const MissingRange &M = Coverage.Missing.front();
  std::string Why;
  switch (M.Cause) {
  case MissingCause::DumpOffBackend:
    Why = dumpOffBackend(Rows, M);
    break;
  case MissingCause::SharedFile:
  case MissingCause::SharedHugetlb:
    Why = sharedMappingLeftOut(Rows, M);
    break;
  case MissingCause::Truncated:
    Why = truncatedRefusal(M, regionAt(Rows, M.GuestStart), Coverage,
                           Source->truncatedSize());
    break;
  case MissingCause::NotInCore:
    Why = formatv("cannot read guest-physical [{0:x}, {1:x}) of region '{2}' "
                  "at QEMU address {3:x}: no segment of the core holds it (a "
                  "core written without that mapping, or one that does not "
                  "belong to this QEMU)",
                  M.GuestStart, M.GuestEnd, regionAt(Rows, M.GuestStart),
                  M.HostAddr);
    break;
  }
  return createStringError(inconvertibleErrorCode(),
                           Why + ". " + otherCauses(Coverage, M.Cause) +
                               partialOffer(Coverage, O.Begin.has_value()));
}

/// Every block's first and last byte readable: a source that cannot say
/// what it lacks (a live process, a minidump read through LLDB) fails here
/// rather than in the middle of the file. With dump-guest-core on, a block
/// that no mapping holds is a corrupt RAMBlock.host.
Error DumpPipeline::probe() {
  Error E = checkBlocksReadable(Map, *Source);
  lap("probe");
  if (!E || !Session->dumpGuestCore().value_or(false))
    return E;
  return handleErrors(
      std::move(E), [&](std::unique_ptr<MemoryFault> F) -> Error {
        if (F->kind() != MemoryFault::NotMapped || !F->guestContext())
          return Error(std::move(F));
        const MemoryFault::GuestContext &C = *F->guestContext();
        return corruptHost(Rows, C.Start, C.End, C.HostAddr);
      });
}

Expected<DumpSummary> DumpPipeline::run() {
  if (Error E = openQemu())
    return std::move(E);
  if (Error E = chooseArch())
    return std::move(E);
  if (Error E = selectRange())
    return std::move(E);
  if (Error E = cover())
    return std::move(E);
  if (Error E = probe())
    return std::move(E);
  if (Error E = planNotes())
    return std::move(E);
  lap("notes");
  return write();
}

} // namespace

Expected<DumpSummary> dumpGuestMemory(lldb::SBDebugger Debugger,
                                      const DumpOptions &Options,
                                      std::vector<std::string> &Warnings) {
  return DumpPipeline(Debugger, Options, Warnings).run();
}

} // namespace qemudump
