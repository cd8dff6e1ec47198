//===- DumpPipeline.cpp - `qemu dump-guest-memory`, step by step ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Commands/DumpPipeline.h"

#include "Commands/Progress.h"
#include "Input/QemuCoreFile.h"
#include "Qemu/QemuMemoryMap.h"
#include "Qemu/QemuSession.h"
#include "Qemu/QemuVmcoreInfo.h"
#include "Targets/QemuTarget.h"

#include "qemudump/Arch/ArchChoice.h"
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
    return withKnownDamage(Memory.takeError(), *Source);
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
  VmcoreInput In{*Arch.Guest, Map, FullMap, *Notes, Memory, Warnings};
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

/// The row whose range holds guest-physical \p GuestStart, if any.
static const FlatRangeRow *rowAt(ArrayRef<FlatRangeRow> Rows,
                                 uint64_t GuestStart) {
  for (const FlatRangeRow &R : Rows)
    if (R.GuestStart <= GuestStart && GuestStart < R.GuestEnd)
      return &R;
  return nullptr;
}

/// The region whose range holds guest-physical \p GuestStart.
static std::string regionAt(ArrayRef<FlatRangeRow> Rows, uint64_t GuestStart) {
  const FlatRangeRow *R = rowAt(Rows, GuestStart);
  return R ? R->Region : "?";
}

/// Guest RAM that the core lacks because the kernel's coredump_filter left
/// its shared mapping out: which mapping, and the filter bit that keeps it.
static Error sharedMappingLeftOut(ArrayRef<FlatRangeRow> Rows,
                                  const MemoryFault::GuestContext &C) {
  // QEMU's RAM in base pages is at most 64 KiB a page (arm64, ppc64); a
  // hugetlbfs page is 1 MiB (s390x) or larger.
  constexpr uint64_t MaxBasePage = 64 * 1024;
  const FlatRangeRow *Row = rowAt(Rows, C.Start);
  std::string Region = Row ? Row->Region : "?";
  bool Huge = Row && Row->PageSize > MaxBasePage;
  return createStringError(
      inconvertibleErrorCode(),
      formatv("the RAM of region '{0}' (guest-physical [{1:x}, {2:x}), QEMU "
              "address {3:x}) is a shared mapping of {4}, which the kernel's "
              "coredump_filter (0x33 by default) leaves out of cores: the "
              "core holds none of its bytes (they are not zeros) and the "
              "guest cannot be dumped from it. For the next core, set bit "
              "{5} ({6:x2}, {7}) of QEMU's coredump_filter before it crashes "
              "(echo {8:x} > /proc/QEMU_PID/coredump_filter, or the host's "
              "kernel command line coredump_filter={8:x}), or use QEMU's own "
              "dump-guest-memory (virsh dump --memory-only) while the guest "
              "is alive; --begin/--length dumps the rest of guest RAM",
              Region, C.Start, C.End, C.HostAddr,
              Huge ? "hugetlbfs pages (memory-backend-file on hugetlbfs or "
                     "memory-backend-memfd with hugetlb=on, and share=on)"
                   : "a file (memory-backend-file with share=on)",
              Huge ? 6 : 3, Huge ? 0x40 : 0x08,
              Huge ? "hugetlb shared" : "file-backed shared",
              0x33 | (Huge ? 0x40 : 0x08))
          .str());
}

/// Every block's first and last byte readable. With dump-guest-core on, a
/// block that no mapping of the core holds is a corrupt RAMBlock.host, not
/// the dump-guest-core=off a core source would guess.
Error DumpPipeline::probe() {
  // RAM of a backend with dump=off is not in a core (not even as zeros):
  // an error, before anything is read. (A live QEMU's is readable.)
  bool FromCore = isCoreProcess(Session->process());
  for (const FlatRangeRow &R : Rows)
    if (!R.Undumpable.empty() && selected(R))
      return createStringError(inconvertibleErrorCode(), R.Undumpable);
  for (const FlatRangeRow &R : Rows)
    if (FromCore && !R.DumpOffBackend.empty() && selected(R))
      return createStringError(
          inconvertibleErrorCode(),
          formatv("the RAM of region '{0}' (guest-physical [{1:x}, {2:x})) "
                  "is memory backend '{3}', which QEMU ran with dump=off: "
                  "QEMU left it out of its core (MADV_DONTDUMP), so the core "
                  "holds none of its bytes (they are not zeros) and the "
                  "guest cannot be dumped from it. Give the backend dump=on "
                  "(-object memory-backend-...,id={3},dump=on; libvirt: "
                  "<memory dumpCore='on'>) for the next core, or dump the "
                  "rest of guest RAM with --begin/--length",
                  R.Region, R.GuestStart, R.GuestEnd, R.DumpOffBackend)
              .str());
  Error E = checkBlocksReadable(Map, *Source);
  lap("probe");
  if (!E || !Session->dumpGuestCore().value_or(false))
    return E;
  return handleErrors(
      std::move(E), [&](std::unique_ptr<MemoryFault> F) -> Error {
        if (F->kind() == MemoryFault::FileBacked && F->guestContext())
          return sharedMappingLeftOut(Rows, *F->guestContext());
        if (F->kind() != MemoryFault::NotMapped || !F->guestContext())
          return Error(std::move(F));
        const MemoryFault::GuestContext &C = *F->guestContext();
        return corruptError(formatv(
            "the RAM of region '{0}' (guest-physical [{1:x}, {2:x})) "
            "would be at QEMU address {3:x}, which no mapping of the core "
            "holds although QEMU ran with dump-guest-core=on: its "
            "RAMBlock.host is corrupt",
            regionAt(Rows, C.Start), C.Start, C.End, C.HostAddr));
      });
}

Expected<DumpSummary> DumpPipeline::run() {
  if (Error E = openQemu())
    return std::move(E);
  if (Error E = chooseArch())
    return std::move(E);
  if (Error E = selectRange())
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
