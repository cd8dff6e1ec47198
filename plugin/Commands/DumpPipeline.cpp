//===- DumpPipeline.cpp - `qemu dump-guest-memory`, step by step ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Commands/DumpPipeline.h"

#include "Commands/Progress.h"
#include "Targets/QemuArmCpus.h"
#include "Input/QemuCoreFile.h"
#include "Targets/QemuCpus.h"
#include "Qemu/QemuMemoryMap.h"
#include "Targets/QemuPpcCpus.h"
#include "Targets/QemuRiscvCpus.h"
#include "Targets/QemuS390Cpus.h"
#include "Qemu/QemuSession.h"
#include "Qemu/QemuVmcoreInfo.h"

#include "qemudump/Arch/ArchChoice.h"
#include "qemudump/Vmcore/ElfVmcoreWriter.h"
#include "qemudump/Guest/GuestKernelInfo.h"
#include "qemudump/Vmcore/KdumpWriter.h"
#include "qemudump/Input/MemoryFault.h"
#include "qemudump/Notes/NoteSegment.h"
#include "qemudump/Notes/Notes.h"
#include "qemudump/Vmcore/OutputFile.h"
#include "qemudump/Guest/VmcoreInfoScanner.h"
#include "qemudump/Notes/VmcoreNotes.h"

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
  NoteSegment vcpuNotes();
  /// The vCPUs \p Read, or none, CpuProblem saying why.
  template <typename Set> std::optional<Set> readCpus(Expected<Set> Read);
  template <typename Set> bool usableCpus(const std::optional<Set> &Read);
  void noNotesForArch();
  Error planNotes();
  DumpSummary summaryHeader() const;
  KdumpOptions kdumpOptions();
  std::optional<std::string> prescanVmcoreInfo();
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
  std::string Family;
  /// The target's vCPUs, when readable (one of these, by Family).
  std::optional<X86Cpus> X86;
  std::optional<ArmCpus> Arm;
  std::optional<RiscvCpus> Riscv;
  std::optional<S390Cpus> S390;
  std::optional<PpcCpus> Ppc;
  std::string CpuProblem; ///< Why they are not.
  /// How many vCPUs were read (0: none).
  size_t vcpuCount() const {
    for (size_t N : {X86 ? X86->Cpus.size() : 0, Arm ? Arm->Cpus.size() : 0,
                     Riscv ? Riscv->Cpus.size() : 0,
                     S390 ? S390->Cpus.size() : 0, Ppc ? Ppc->Cpus.size() : 0})
      if (N)
        return N;
    return 0;
  }
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

/// The facts QEMU gives (the target, and for x86 its vCPUs, which the notes
/// need as well), then resolveArch's choice.
Error DumpPipeline::chooseArch() {
  TargetFacts Facts;
  Facts.Family = Family = targetFamily(*Session);
  if (Family == "x86") {
    X86 = readCpus(readX86Cpus(*Session));
    if (X86)
      Facts.X86LongMode = X86->Cpus.front().longMode();
    Facts.X86Problem = CpuProblem;
  } else if (Family == "aarch64" || Family == "arm") {
    Arm = readCpus(readArmCpus(*Session));
    if (Arm) {
      Facts.Aarch64BigEndian = Arm->BigEndian;
      Facts.ArmAarch64 = Arm->Aarch64;
    }
    Facts.Aarch64Problem = CpuProblem;
  } else if (Family == "riscv64" || Family == "riscv32") {
    Riscv = readCpus(readRiscvCpus(*Session));
    if (Riscv)
      Facts.RiscvBigEndian = Riscv->BigEndian;
  } else if (Family == "s390x") {
    S390 = readCpus(readS390Cpus(*Session));
  } else if (Family == "ppc64") {
    Ppc = readCpus(readPpcCpus(*Session));
    if (Ppc)
      Facts.PpcLittleEndian = Ppc->LittleEndian;
    Facts.PpcProblem = Ppc ? Ppc->EndianProblem : CpuProblem;
  }
  Expected<ArchChoice> A = resolveArch(O.RequestedArch, Facts);
  if (!A)
    return A.takeError();
  Arch = *A;
  lap("vCPUs and arch");
  return Error::success();
}

template <typename Set>
std::optional<Set> DumpPipeline::readCpus(Expected<Set> Read) {
  if (Read)
    return std::move(*Read);
  CpuProblem = toString(Read.takeError());
  return std::nullopt;
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

/// The vCPUs' notes, in QEMU's order: x86's per-vCPU CORE then per-vCPU
/// QEMU; aarch64's PRSTATUS and PRFPREG of each vCPU in turn; RISC-V's
/// PRSTATUS.
NoteSegment DumpPipeline::vcpuNotes() {
  const qemudump::Arch &A = *Arch.Guest;
  NoteSegment Segment(A.isLittleEndian());
  if (!O.CpuNotes)
    return Segment;
  switch (A.Machine) {
  case ELF::EM_X86_64:
  case ELF::EM_386:
    if (Family == "x86" && usableCpus(X86)) {
      // The prstatus layout: QEMU's choice (vCPU 0's long mode) in an ELF
      // vmcore; the file's own arch in a kdump file, whose readers parse
      // NT_PRSTATUS by it (libkdumpfile 0.5.1 crashes on an i386 one in an
      // x86_64 file). They differ only for an ARCH given against vCPU 0.
      bool LongLayout =
          O.Kdump ? A.Machine == ELF::EM_X86_64 : X86->Cpus.front().longMode();
      Segment.addX86Cpus(X86->Cpus, LongLayout);
    }
    break;
  case ELF::EM_AARCH64:
    if (usableCpus(Arm))
      Segment.addAarch64Cpus(Arm->Cpus);
    break;
  case ELF::EM_RISCV:
    if (usableCpus(Riscv))
      Segment.addRiscvCpus(Riscv->Cpus, A.is64Bit());
    break;
  case ELF::EM_S390:
    if (usableCpus(S390))
      Segment.addS390Cpus(S390->Cpus);
    break;
  case ELF::EM_PPC64:
    if (usableCpus(Ppc))
      Segment.addPpc64Cpus(Ppc->Cpus);
    break;
  case ELF::EM_ARM:
    if (Arm && !Arm->Aarch64)
      Warnings.push_back(Arm->NoNotes + "; the vmcore has no vCPU notes");
    else
      noNotesForArch();
    break;
  default:
    noNotesForArch();
    break;
  }
  return Segment;
}

/// Warns that qemudump writes no vCPU notes for this ARCH.
void DumpPipeline::noNotesForArch() {
  Warnings.push_back(formatv("qemudump writes no vCPU notes for ARCH {0}; "
                             "the vmcore has none",
                             Arch.Guest->Name)
                         .str());
}

/// Whether \p Read has vCPUs to write notes of; warns why not, and of what
/// makes them doubtful.
template <typename Set>
bool DumpPipeline::usableCpus(const std::optional<Set> &Read) {
  auto NoNotes = [&](const Twine &Why) {
    Warnings.push_back((Why + "; the vmcore has no vCPU notes").str());
    return false;
  };
  if (!Read && CpuProblem.empty()) // ARCH given for another target
    return NoNotes(formatv("ARCH {0} is not this QEMU's target ({1}), whose "
                           "vCPUs were not read for it",
                           Arch.Guest->Name,
                           Family.empty() ? "unknown" : Family));
  if (!Read)
    return NoNotes("cannot read the vCPUs' registers (" + CpuProblem + ")");
  if (Read->Cpus.empty())
    return NoNotes(Read->NoNotes);
  if (Read->Kvm)
    Warnings.push_back(
        "QEMU ran the guest with KVM: the vCPU registers in QEMU's memory are "
        "those of its last synchronization with the kernel and may be stale; "
        "--no-cpu-notes leaves them out");
  Warnings.insert(Warnings.end(), Read->Problems.begin(), Read->Problems.end());
  return true;
}

/// The vCPUs' notes, then the guest's VMCOREINFO note from where
/// --vmcoreinfo says: QEMU's vmcoreinfo device, a file, or (auto without a
/// note from the device, or scan) guest RAM, found while it is copied.
Error DumpPipeline::planNotes() {
  const qemudump::Arch &A = *Arch.Guest;
  NoteSegment Segment = vcpuNotes();
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
    Expected<std::vector<uint8_t>> Note =
        vmcoreInfoNoteFromFile(O.VmcoreInfoFile, A.isLittleEndian());
    if (!Note)
      return createStringError(
          inconvertibleErrorCode(),
          formatv("--vmcoreinfo: {0}; give auto, device, scan, none, or a "
                  "file holding a VMCOREINFO note or its text",
                  toString(Note.takeError()))
              .str());
    if (Error Why = VmcoreInfoScanner::prove(A, *Note, FullMap, *Source))
      Warnings.push_back(formatv("the VMCOREINFO of '{0}' does not prove "
                                 "itself against this guest's memory ({1}); "
                                 "it is used as given",
                                 O.VmcoreInfoFile, toString(std::move(Why)))
                             .str());
    if (Error E = Segment.addGuestNote(*Note, "from " + O.VmcoreInfoFile))
      return E;
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
    std::string What = R.Region + " " + R.whySkipped().str();
    if (!R.whySkipped().empty() && selected(R) &&
        !is_contained(Sum.LeftOut, What))
      Sum.LeftOut.push_back(std::move(What));
  }
  return Sum;
}

/// The kdump writer's options; the guest kernel's utsname and phys_base come
/// from the notes as the copy finishes them.
KdumpOptions DumpPipeline::kdumpOptions() {
  KdumpOptions K;
  K.Compression = *O.Kdump;
  K.Form = O.Form;
  K.Threads = O.Threads.value_or(0);
  K.NrCpus = vcpuCount();
  // Blocks of the guest kernel's page size: its VMCOREINFO known before the
  // copy (the vmcoreinfo device, a file), or found by a scan beforehand
  // where the arch has several page sizes; else the arch's.
  const qemudump::Arch &A = *Arch.Guest;
  std::optional<std::string> Known;
  if (ReadySegment) {
    if (std::optional<StringRef> Text = ReadySegment->vmcoreInfoText())
      Known = Text->str();
  } else if (Scanner && A.pageSizes().size() > 1) {
    Known = prescanVmcoreInfo();
  }
  K.BlockSize =
      Known ? guestPageSize(A, *Known).value_or(A.PageSize) : A.PageSize;
  K.GuestInfo = [this, &A,
                 Block = K.BlockSize](std::optional<StringRef> VmcoreInfo) {
    std::optional<uint32_t> Page =
        VmcoreInfo ? guestPageSize(A, *VmcoreInfo) : std::nullopt;
    if (Page && *Page != Block)
      Warnings.push_back(formatv(
          "the guest's pages are {0} bytes (its VMCOREINFO, found in its "
          "RAM during the copy), the kdump file's blocks {1}: makedumpfile "
          "and crash expect them equal; dump again with --vmcoreinfo FILE "
          "(the note found is in this vmcore), or write an ELF vmcore",
          *Page, Block));
    return readGuestKernelInfo(A, FullMap, *Source, VmcoreInfo, Warnings);
  };
  return K;
}

/// The VMCOREINFO text a scan of all guest RAM finds, before the copy: a
/// kdump file's blocks are the guest's pages, which on arches of several
/// page sizes only its VMCOREINFO tells. The copy scans again (a candidate
/// seen twice counts once) and finds the same note.
std::optional<std::string> DumpPipeline::prescanVmcoreInfo() {
  std::vector<uint8_t> Buf(4 << 20);
  for (const MemoryBlock &B : FullMap.blocks())
    for (uint64_t Pos = 0; Pos < B.size();) {
      uint64_t N = std::min<uint64_t>(Buf.size(), B.size() - Pos);
      // Known zeros (holes of the core) hold no note: skipped, as the copy
      // skips them.
      MemorySource::Extent X = Scanner->extent(B.HostAddr + Pos, N);
      if (X.Zero) {
        Pos += std::max<uint64_t>(X.Length, 1);
        continue;
      }
      N = std::min<uint64_t>(N, std::max<uint64_t>(X.Length, 1));
      // A chunk that cannot be read is the copy's to report.
      consumeError(Scanner->read(B.HostAddr + Pos,
                                 MutableArrayRef<uint8_t>(Buf.data(), N)));
      Pos += N;
    }
  std::vector<std::string> Ignored; // the copy's scan says them
  std::optional<VmcoreInfoScanner::Found> F = Scanner->find(FullMap, Ignored);
  if (!F)
    return std::nullopt;
  Expected<std::vector<NoteView>> Notes =
      parseNotes(F->Note, Arch.Guest->isLittleEndian());
  if (!Notes) {
    consumeError(Notes.takeError());
    return std::nullopt;
  }
  if (Notes->empty())
    return std::nullopt;
  return toStringRef(Notes->front().Desc).str();
}

/// The file, by the format's writer (reading guest memory through the
/// scanner when there is one); then the summary.
Expected<DumpSummary> DumpPipeline::write() {
  const qemudump::Arch &A = *Arch.Guest;
  DumpSummary Sum = summaryHeader();
  // An ELF vmcore of a 32-bit x86 guest may be widened to ELF64; a kdump
  // file keeps the 32-bit kernel's headers (max_mapnr_64 says how far RAM
  // goes).
  ElfClassChoice Class = vmcoreElfClass(A, Map.blocks().back().GuestEnd);
  if (!O.Kdump && !Class.Why.empty())
    Sum.ArchNotes.push_back(Class.Why);

  // A kdump file's block size may need a scan of guest RAM first.
  std::optional<KdumpOptions> KOptions;
  if (O.Kdump) {
    KOptions = kdumpOptions();
    lap("kdump block size");
  }

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
  MemorySource &Memory = Scanner ? *Scanner : *Source;
  if (O.Kdump) {
    Expected<KdumpStats> Stats =
        writeKdumpVmcore(*Out, A, Map, *Notes, Memory, *KOptions, OnProgress);
    if (!Stats)
      return Stats.takeError();
    Sum.MemoryBytes = Stats->MemoryBytes;
    Sum.FileSize = Stats->FileSize;
    Sum.KdumpFile =
        DumpSummary::Kdump{O.FormatName, O.Form, *Stats, Stats->Guest.UtsSource,
                           Stats->Guest.Uts.Release};
  } else {
    Expected<ElfVmcoreStats> Stats = writeElfVmcore(
        *Out, A, Class.ElfClass, Map, *Notes, Memory, OnProgress);
    if (!Stats)
      return Stats.takeError();
    Sum.MemoryBytes = Stats->MemoryBytes;
    Sum.FileSize = Stats->FileSize;
    Sum.SharedBytes = Stats->SharedBytes;
  }
  lap(O.Kdump ? "writing (kdump)" : "writing (ELF)");
  if (Error E = Out->commit())
    return std::move(E);
  lap(O.Sync ? "sync and link" : "link");
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
