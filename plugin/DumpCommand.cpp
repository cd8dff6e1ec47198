//===- DumpCommand.cpp - The `qemu` commands ------------------------------===//
//
// Argument parsing, the flow inspector -> memory map -> writer, and turning
// errors into SBCommandReturnObject errors (so `lldb -b` exits non-zero).
//
//===----------------------------------------------------------------------===//

#include "DumpCommand.h"

#include "ProcessMemory.h"
#include "Progress.h"
#include "QemuInspector.h"

#include "qemudump/Arch.h"
#include "qemudump/CoreFileMemory.h"
#include "qemudump/ElfVmcoreWriter.h"
#include "qemudump/KdumpWriter.h"
#include "qemudump/Notes.h"
#include "qemudump/OutputFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <string>
#include <vector>

using namespace llvm;

namespace qemudump {

namespace {

SmallVector<StringRef, 4> arguments(char **Args) {
  SmallVector<StringRef, 4> Out;
  for (; Args && *Args; ++Args)
    Out.push_back(*Args);
  return Out;
}

bool fail(lldb::SBCommandReturnObject &Result, const Twine &Message) {
  Result.SetError(Message.str().c_str());
  return false;
}

bool fail(lldb::SBCommandReturnObject &Result, Error Err) {
  return fail(Result, toString(std::move(Err)));
}

std::string humanBytes(uint64_t N) {
  if (N >= (1ULL << 30))
    return formatv("{0:f2} GiB", double(N) / (1ULL << 30)).str();
  if (N >= (1ULL << 20))
    return formatv("{0:f1} MiB", double(N) / (1ULL << 20)).str();
  if (N >= (1ULL << 10))
    return formatv("{0:f1} KiB", double(N) / (1ULL << 10)).str();
  return formatv("{0} bytes", N).str();
}

/// The guest's VMCOREINFO note when it has one that is readable and
/// well-formed. Problems cost only the note, and become warnings.
std::optional<std::vector<uint8_t>>
guestNote(QemuInspector &Inspector, const GuestMemoryMap &Map, const Arch &A,
          MemorySource &Memory, std::vector<std::string> &Warnings) {
  std::optional<VmcoreInfoLocation> Loc = Inspector.findVmcoreInfo(Warnings);
  if (!Loc)
    return std::nullopt;
  std::optional<uint64_t> Host = Map.hostAddressOf(Loc->GuestAddr, Loc->Size);
  if (!Host) {
    Warnings.push_back(
        formatv("the guest's VMCOREINFO at guest-physical [{0:x}, {1:x}) is "
                "outside guest RAM; the vmcore has no VMCOREINFO note",
                Loc->GuestAddr, Loc->GuestAddr + Loc->Size)
            .str());
    return std::nullopt;
  }
  std::vector<uint8_t> Buffer(Loc->Size);
  if (Error Err = Memory.read(*Host, Buffer)) {
    Warnings.push_back(
        formatv("cannot read the guest's VMCOREINFO at guest-physical "
                "{0:x}: {1}; the vmcore has no VMCOREINFO note",
                Loc->GuestAddr, toString(std::move(Err)))
            .str());
    return std::nullopt;
  }
  Expected<std::vector<uint8_t>> Note =
      extractGuestNote(Buffer, A.isLittleEndian());
  if (!Note) {
    Warnings.push_back(
        formatv("the guest's VMCOREINFO note at guest-physical {0:x} is "
                "malformed ({1}); the vmcore has no VMCOREINFO note",
                Loc->GuestAddr, toString(Note.takeError()))
            .str());
    return std::nullopt;
  }
  return std::move(*Note);
}

/// The ARCH names that fit a QEMU target family (qemu-system-FAMILY, or
/// "x86" for both x86 targets), the first being the default.
ArrayRef<StringRef> archesOfFamily(StringRef Family) {
  static const StringRef X86[] = {"X86_64", "386"};
  static const StringRef Aarch64[] = {"aarch64-le", "aarch64-be"};
  static const StringRef Ppc64[] = {"ppc64-le", "ppc64-be"};
  static const StringRef S390[] = {"s390"};
  static const StringRef Riscv64[] = {"riscv64"};
  static const StringRef Riscv32[] = {"riscv32"};
  static const StringRef Loongarch[] = {"loongarch64"};
  static const StringRef Arm[] = {"arm"};
  if (Family == "x86" || Family == "x86_64" || Family == "i386")
    return X86;
  if (Family == "aarch64")
    return Aarch64;
  if (Family == "ppc64")
    return Ppc64;
  if (Family == "s390x")
    return S390;
  if (Family == "riscv64")
    return Riscv64;
  if (Family == "riscv32")
    return Riscv32;
  if (Family == "loongarch64")
    return Loongarch;
  if (Family == "arm")
    return Arm;
  return {};
}

struct DumpOptions {
  StringRef File;
  std::optional<StringRef> ArchName;
  std::optional<uint64_t> Begin, Length;
  StringRef Format = "elf";
  /// Set for the kdump formats.
  std::optional<KdumpCompression> Kdump;
  KdumpLayout Layout = KdumpLayout::Raw;
  std::optional<unsigned> Threads;
  bool CpuNotes = true;
};

constexpr KdumpCompression AllCompressions[] = {
    KdumpCompression::Zlib, KdumpCompression::Lzo, KdumpCompression::Snappy,
    KdumpCompression::Zstd};

/// The format list of help and error messages.
std::string formatList() {
  return "elf; kdump-zlib, kdump-lzo, kdump-snappy, kdump-zstd (makedumpfile's "
         "compressed format, the plain seekable file; also spelled "
         "kdump-raw-zlib etc., as QEMU names it); kdump-flat-zlib, "
         "kdump-flat-lzo, kdump-flat-snappy, kdump-flat-zstd (the same, "
         "flattened: what QEMU's kdump-zlib etc. write, for `makedumpfile -R`)";
}

/// Sets O.Format, O.Kdump and O.Layout from \p Name.
Error parseFormat(StringRef Name, DumpOptions &O) {
  O.Format = Name;
  std::string Lower = Name.lower();
  StringRef Rest = Lower;
  if (Rest == "elf")
    return Error::success();
  if (Rest.consume_front("kdump-")) {
    if (Rest.consume_front("flat-"))
      O.Layout = KdumpLayout::Flattened;
    else if (Rest.consume_front("raw-"))
      O.Layout = KdumpLayout::Raw;
    for (KdumpCompression C : AllCompressions) {
      if (Rest != compressionName(C))
        continue;
      if (!compressionAvailable(C))
        return createStringError(
            inconvertibleErrorCode(),
            formatv("format '{0}': this qemudump was built without {1} "
                    "compression; install {2} and rebuild it",
                    Name, compressionName(C), compressionPackage(C))
                .str());
      O.Kdump = C;
      return Error::success();
    }
  }
  return createStringError(
      inconvertibleErrorCode(),
      formatv("unknown format '{0}'; the formats are: {1}", Name, formatList())
          .str());
}

Expected<uint64_t> parseNumber(StringRef Option, StringRef S) {
  uint64_t N;
  StringRef Digits = S;
  unsigned Radix = 10;
  if (Digits.consume_front_insensitive("0x"))
    Radix = 16;
  if (Digits.empty() || Digits.getAsInteger(Radix, N))
    return createStringError(
        inconvertibleErrorCode(),
        formatv("{0}: '{1}' is not a number that fits in 64 bits (write it "
                "in decimal or 0x-hex)",
                Option, S)
            .str());
  return N;
}

Expected<DumpOptions> parseOptions(ArrayRef<StringRef> Argv) {
  DumpOptions O;
  SmallVector<StringRef, 2> Positional;
  for (size_t I = 0; I < Argv.size(); ++I) {
    StringRef A = Argv[I];
    if (A == "--") {
      Positional.append(Argv.begin() + I + 1, Argv.end());
      break;
    }
    if (!A.starts_with("-") || A == "-") {
      Positional.push_back(A);
      continue;
    }
    auto [Name, Inline] = A.split('=');
    bool HasInline = Name.size() != A.size();
    auto Value = [&]() -> Expected<StringRef> {
      if (HasInline)
        return Inline;
      if (I + 1 == Argv.size())
        return createStringError(inconvertibleErrorCode(),
                                 (Name + " needs a value").str());
      return Argv[++I];
    };
    if (Name == "-b" || Name == "--begin" || Name == "-l" ||
        Name == "--length") {
      Expected<StringRef> V = Value();
      if (!V)
        return V.takeError();
      Expected<uint64_t> N = parseNumber(Name, *V);
      if (!N)
        return N.takeError();
      (Name == "-b" || Name == "--begin" ? O.Begin : O.Length) = *N;
    } else if (Name == "-f" || Name == "--format") {
      Expected<StringRef> V = Value();
      if (!V)
        return V.takeError();
      if (Error E = parseFormat(*V, O))
        return std::move(E);
    } else if (Name == "--threads") {
      Expected<StringRef> V = Value();
      if (!V)
        return V.takeError();
      unsigned N;
      if (V->getAsInteger(10, N) || N < 1 || N > 64)
        return createStringError(
            inconvertibleErrorCode(),
            formatv("--threads: '{0}' is not a number of threads from 1 to 64",
                    *V)
                .str());
      O.Threads = N;
    } else if (Name == "--no-cpu-notes" && !HasInline) {
      O.CpuNotes = false;
    } else {
      return createStringError(
          inconvertibleErrorCode(),
          formatv("unknown option '{0}'; the options are -b/--begin ADDR, "
                  "-l/--length LEN, -f/--format FORMAT, --threads N, "
                  "--no-cpu-notes",
                  A)
              .str());
    }
  }
  if (Positional.empty() || Positional.size() > 2)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("expected FILE and an optional ARCH, got {0} argument(s); "
                "usage: {1}",
                Positional.size(), DumpCommand::syntax())
            .str());
  O.File = Positional[0];
  if (Positional.size() == 2)
    O.ArchName = Positional[1];
  if (O.Begin.has_value() != O.Length.has_value())
    return createStringError(inconvertibleErrorCode(),
                             "--begin and --length go together (as in QMP's "
                             "dump-guest-memory): give both or neither");
  if (O.Begin && *O.Begin + *O.Length < *O.Begin)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("--begin {0:x} plus --length {1:x} overflows 64 bits",
                *O.Begin, *O.Length)
            .str());
  if (O.Threads && !O.Kdump)
    return createStringError(inconvertibleErrorCode(),
                             "--threads is for the kdump formats (the ELF "
                             "vmcore is not compressed)");
  return O;
}

/// Reads the first and last byte of every block, so that a core without
/// guest RAM fails before any file is created.
Error probeBlocks(const GuestMemoryMap &Map, MemorySource &Memory) {
  for (const MemoryBlock &B : Map.blocks()) {
    for (uint64_t Offset : {uint64_t(0), B.size() - 1}) {
      uint8_t Byte;
      if (Error Err = Memory.read(B.HostAddr + Offset, {&Byte, 1}))
        return createStringError(
            inconvertibleErrorCode(),
            formatv("guest RAM [{0:x}, {1:x}) at QEMU address {2:x} cannot "
                    "be read: {3}",
                    B.GuestStart, B.GuestEnd, B.HostAddr,
                    toString(std::move(Err)))
                .str());
    }
  }
  return Error::success();
}

/// The core file itself when LLDB tells where it is (fast, and it knows which
/// pages the kernel left out as never written); else SBProcess::ReadMemory.
/// A core file is first checked to be of the loaded QEMU binary. \p Truncated
/// tells, for a core cut short, what to add to errors about unreadable data.
Expected<std::unique_ptr<MemorySource>>
openMemory(QemuInspector &Inspector, std::string *Truncated = nullptr) {
  if (std::optional<std::string> Core = Inspector.coreFilePath()) {
    Expected<std::unique_ptr<CoreFileMemory>> M = CoreFileMemory::open(*Core);
    if (!M)
      return M.takeError();
    if (Error Err = Inspector.checkCoreMatchesBinary(**M))
      return std::move(Err);
    if (std::optional<uint64_t> Want = (*M)->truncatedFrom(); Want && Truncated)
      *Truncated = formatv(" (the core file '{0}' is truncated: {1} of the "
                           "{2} bytes its program headers describe)",
                           *Core, (*M)->fileSize(), *Want)
                       .str();
    return std::unique_ptr<MemorySource>(std::move(*M));
  }
  return std::make_unique<ProcessMemory>(Inspector.process());
}

} // namespace

const char *DumpCommand::help() {
  static const std::string Help =
      "Write the guest's physical memory, from a QEMU core (or a stopped or "
      "attached QEMU process), as an ELF vmcore that crash, drgn and "
      "makedumpfile read. FILE is the vmcore to write (replaced only when the "
      "dump succeeds; created with mode 0600). ARCH is the guest "
      "architecture, one of (any case): " +
      archNameList() +
      "; without it, it is inferred from QEMU's target and vCPU state. The "
      "vmcore holds the vCPUs' registers (x86: CORE/NT_PRSTATUS and QEMU "
      "notes, as QEMU's own dump writes them) and the guest's VMCOREINFO note "
      "when the guest has one (QEMU ran with -device vmcoreinfo).\n"
      "\n\nOptions (numbers in decimal or 0x-hex):\n"
      "-b, --begin ADDR and -l, --length LEN: dump only guest-physical "
      "[ADDR, ADDR+LEN), as QMP's dump-guest-memory begin/length do.\n"
      "-f, --format FORMAT: " +
      formatList() +
      ". elf is the default. The kdump formats store every page of guest "
      "RAM, all-zero pages as one shared page, each other page compressed "
      "when that makes it smaller; their header has the guest's utsname "
      "(from its init_uts_ns, located through VMCOREINFO) and phys_base.\n"
      "--threads N: kdump formats: compress on N threads (default: " +
      std::to_string(defaultKdumpThreads()) +
      " here, the smaller of 2 and the number of CPUs).\n"
      "--no-cpu-notes: leave the vCPU register notes out.";
  return Help.c_str();
}

const char *DumpCommand::syntax() {
  return "qemu dump-guest-memory [-b ADDR -l LEN] [-f FORMAT] [--threads N] "
         "[--no-cpu-notes] FILE [ARCH]";
}

bool DumpCommand::DoExecute(lldb::SBDebugger Debugger, char **Args,
                            lldb::SBCommandReturnObject &Result) {
  auto Start = std::chrono::steady_clock::now();
  SmallVector<StringRef, 4> Argv = arguments(Args);
  Expected<DumpOptions> Opts = parseOptions(Argv);
  if (!Opts)
    return fail(Result, Opts.takeError());
  std::optional<Arch> Chosen;
  if (Opts->ArchName) {
    Expected<const Arch &> A = parseArch(*Opts->ArchName);
    if (!A)
      return fail(Result, A.takeError());
    Chosen = *A;
  }

  Expected<QemuInspector> Inspector = QemuInspector::create(Debugger);
  if (!Inspector)
    return fail(Result, Inspector.takeError());
  std::string Truncated;
  Expected<std::unique_ptr<MemorySource>> SourceOrErr =
      openMemory(*Inspector, &Truncated);
  if (!SourceOrErr)
    return fail(Result, SourceOrErr.takeError());
  MemorySource &Source = **SourceOrErr;
  Expected<GuestMemory> Memory = Inspector->readGuestMemory();
  if (!Memory)
    return fail(Result, toString(Memory.takeError()) + Truncated);
  if (Error Err = Inspector->checkDumpGuestCore())
    return fail(Result, std::move(Err));

  std::vector<std::string> Warnings;
  // The QEMU target, and the x86 vCPUs when it is x86.
  std::string Family = Inspector->targetFamily();
  ArrayRef<StringRef> FamilyArches = archesOfFamily(Family);
  std::optional<X86Cpus> Cpus;
  std::string CpuProblem;
  if (Family == "x86") {
    Expected<X86Cpus> C = Inspector->readX86Cpus();
    if (C)
      Cpus = std::move(*C);
    else
      CpuProblem = toString(C.takeError());
  }

  std::string ArchOrigin;
  if (Chosen) {
    if (!FamilyArches.empty() && !llvm::is_contained(FamilyArches, Chosen->Name))
      return fail(Result,
                  formatv("ARCH {0} does not match this QEMU, whose target "
                          "is {1}: use {2}, or leave ARCH out",
                          Chosen->Name, Family,
                          join(FamilyArches.begin(), FamilyArches.end(),
                               " or ")));
  } else if (Family == "x86") {
    if (!Cpus)
      return fail(Result, formatv("cannot infer ARCH: {0}; give ARCH "
                                  "(X86_64 or 386)",
                                  CpuProblem));
    bool LongMode = Cpus->Cpus.front().longMode();
    Chosen = cantFail(parseArch(LongMode ? "X86_64" : "386"));
    ArchOrigin = LongMode ? "inferred: vCPU 0 is in long mode"
                          : "inferred: vCPU 0 is not in long mode";
  } else if (!FamilyArches.empty()) {
    Chosen = cantFail(parseArch(FamilyArches.front()));
    ArchOrigin = formatv("inferred from qemu-system-{0}{1}", Family,
                         FamilyArches.size() > 1
                             ? "; little-endian assumed, give ARCH otherwise"
                             : "")
                     .str();
    if (Family == "aarch64") {
      // As QEMU's dump: the endianness of EL1, from vCPU 0's SCTLR_EL1.EE.
      Expected<bool> BigEndian = Inspector->aarch64BigEndian();
      if (BigEndian) {
        Chosen = cantFail(parseArch(*BigEndian ? "aarch64-be" : "aarch64-le"));
        ArchOrigin = *BigEndian ? "inferred: vCPU 0's SCTLR_EL1.EE is set"
                                : "inferred: vCPU 0's SCTLR_EL1.EE is clear";
      } else {
        ArchOrigin += " (" + toString(BigEndian.takeError()) + ")";
      }
    }
  } else {
    return fail(Result, formatv("cannot infer ARCH for this program (no "
                                "X86CPU type and not named "
                                "qemu-system-*): give ARCH, one of {0}",
                                archNameList()));
  }

  // The map to dump: all of guest RAM, or the part --begin/--length select.
  const GuestMemoryMap &FullMap = Memory->Map;
  GuestMemoryMap Map = FullMap;
  if (Opts->Begin) {
    Expected<GuestMemoryMap> Clipped = FullMap.clip(*Opts->Begin, *Opts->Length);
    if (!Clipped)
      return fail(Result, Clipped.takeError());
    Map = std::move(*Clipped);
  }
  // As QEMU does: a 32-bit x86 vmcore becomes ELF64 when RAM reaches past
  // 4 GiB (its program headers could not say where). A kdump file keeps the
  // 32-bit kernel's headers: max_mapnr_64 says how far RAM goes.
  if (Chosen->Machine == ELF::EM_386 && !Opts->Kdump &&
      Map.blocks().back().GuestEnd > (1ULL << 32)) {
    Chosen->ElfClass = ELF::ELFCLASS64;
    ArchOrigin += ArchOrigin.empty() ? "" : "; ";
    ArchOrigin += "ELF64: guest RAM above 4 GiB";
  }
  if (Error Err = probeBlocks(Map, Source))
    return fail(Result, std::move(Err));

  // Notes, in QEMU's order: per-vCPU CORE, per-vCPU QEMU, the guest's note.
  std::vector<uint8_t> Notes;
  SmallVector<std::string, 3> NoteKinds;
  bool X86Arch = Chosen->Machine == ELF::EM_X86_64 || Chosen->Machine == ELF::EM_386;
  if (Opts->CpuNotes && X86Arch && Family == "x86") {
    if (!Cpus) {
      Warnings.push_back(formatv("cannot read the vCPUs' registers ({0}); the "
                                 "vmcore has no vCPU notes",
                                 CpuProblem)
                             .str());
    } else {
      if (Cpus->Kvm)
        Warnings.push_back(
            "QEMU ran the guest with KVM: the vCPU registers in QEMU's memory "
            "are those of its last synchronization with the kernel and may be "
            "stale; --no-cpu-notes leaves them out");
      Warnings.insert(Warnings.end(), Cpus->Problems.begin(),
                      Cpus->Problems.end());
      // The prstatus layout: QEMU's choice (vCPU 0's long mode) in an ELF
      // vmcore; the file's own arch in a kdump file, whose readers parse
      // NT_PRSTATUS by it (libkdumpfile 0.5.1 crashes on an i386 one in an
      // x86_64 file). They differ only for an ARCH given against vCPU 0.
      bool LongLayout = Opts->Kdump ? Chosen->Machine == ELF::EM_X86_64
                                    : Cpus->Cpus.front().longMode();
      appendX86CpuNotes(Notes, Cpus->Cpus, LongLayout);
      size_t N = Cpus->Cpus.size();
      NoteKinds.push_back(formatv("{0} vCPU{1} (CORE, QEMU)", N,
                                  N == 1 ? "" : "s")
                              .str());
    }
  }
  if (std::optional<std::vector<uint8_t>> Guest =
          guestNote(*Inspector, FullMap, *Chosen, Source, Warnings)) {
    Notes.insert(Notes.end(), Guest->begin(), Guest->end());
    NoteKinds.push_back("VMCOREINFO");
  }
  if (Notes.empty()) {
    Notes = placeholderNote(Chosen->isLittleEndian());
    NoteKinds.push_back("placeholder NONE (no vCPU notes, no VMCOREINFO from "
                        "the guest)");
  }
  KdumpOptions Kdump;
  if (Opts->Kdump) {
    Kdump.Compression = *Opts->Kdump;
    Kdump.Layout = Opts->Layout;
    Kdump.Threads = Opts->Threads.value_or(0);
    if (Cpus)
      Kdump.NrCpus = Cpus->Cpus.size();
    Kdump.Guest = readKdumpGuestInfo(*Chosen, FullMap, Source, Notes, Warnings);
  }
  for (const std::string &W : Warnings)
    Result.AppendWarning(W.c_str());

  Expected<OutputFile> Out = OutputFile::create(Opts->File);
  if (!Out)
    return fail(Result, Out.takeError());
  DumpProgress Progress(Debugger,
                        formatv("Dumping guest memory to {0}", Opts->File),
                        Map.totalBytes());
  size_t NBlocks = Map.blocks().size();
  if (Opts->Kdump) {
    Expected<KdumpStats> Stats = writeKdumpVmcore(
        *Out, *Chosen, Map, Notes, Source, Kdump,
        [&](uint64_t Done, uint64_t) { return Progress.update(Done); });
    if (!Stats)
      return fail(Result, Stats.takeError());
    if (Error Err = Out->commit())
      return fail(Result, std::move(Err));
    double Seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
            .count();
    Result.AppendMessage(
        formatv("wrote {0} ({1}, {2}; {3}{4}): {5} {6}, {7} of guest memory "
                "in {8} pages ({9} zero, {10} compressed, {11} stored as is), "
                "notes: {12}, utsname from {13} (release {14}); {15} bytes "
                "in {16:f3} s, {17} compression thread{18}",
                Opts->File, Opts->Format.lower(),
                Kdump.Layout == KdumpLayout::Raw ? "raw" : "flattened",
                Chosen->Name, ArchOrigin.empty() ? "" : ", " + ArchOrigin,
                NBlocks, NBlocks == 1 ? "block" : "blocks",
                humanBytes(Stats->MemoryBytes), Stats->Pages, Stats->ZeroPages,
                Stats->CompressedPages, Stats->PlainPages,
                join(NoteKinds.begin(), NoteKinds.end(), ", "),
                Kdump.Guest.UtsSource, Kdump.Guest.Uts.Release, Stats->FileSize,
                Seconds, Stats->Threads, Stats->Threads == 1 ? "" : "s")
            .str()
            .c_str());
    Result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
    return true;
  }
  Expected<ElfVmcoreStats> Stats = writeElfVmcore(
      *Out, *Chosen, Map, Notes, Source,
      [&](uint64_t Done, uint64_t) { return Progress.update(Done); });
  if (!Stats)
    return fail(Result, Stats.takeError());
  if (Error Err = Out->commit())
    return fail(Result, std::move(Err));

  double Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  Result.AppendMessage(
      formatv("wrote {0} ({1}{2}): {3} {4}, {5} of guest memory, notes: {6}; "
              "{7} bytes in {8:f3} s",
              Opts->File, Chosen->Name,
              ArchOrigin.empty() ? "" : ", " + ArchOrigin, NBlocks,
              NBlocks == 1 ? "block" : "blocks",
              humanBytes(Stats->MemoryBytes),
              join(NoteKinds.begin(), NoteKinds.end(), ", "), Stats->FileSize,
              Seconds)
          .str()
          .c_str());
  Result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
  return true;
}

const char *MemoryMapCommand::help() {
  return "Print the guest's RAM blocks as `qemu dump-guest-memory` will dump "
         "them: each RAM flat range of QEMU's memory map, its QEMU (host) "
         "address, and whether it starts a block or joins the previous one.";
}

const char *MemoryMapCommand::syntax() { return "qemu guest-memory-map"; }

bool MemoryMapCommand::DoExecute(lldb::SBDebugger Debugger, char **Args,
                                 lldb::SBCommandReturnObject &Result) {
  if (!arguments(Args).empty())
    return fail(Result, formatv("unexpected arguments; usage: {0}", syntax()));
  Expected<QemuInspector> Inspector = QemuInspector::create(Debugger);
  if (!Inspector)
    return fail(Result, Inspector.takeError());
  std::string Truncated;
  if (Expected<std::unique_ptr<MemorySource>> Source =
          openMemory(*Inspector, &Truncated);
      !Source)
    return fail(Result, Source.takeError());
  Expected<GuestMemory> Memory = Inspector->readGuestMemory();
  if (!Memory)
    return fail(Result, toString(Memory.takeError()) + Truncated);

  std::string Text = "guest RAM blocks:\n"
                     "target_start     target_end       host_addr        "
                     "message               count region\n"
                     "---------------- ---------------- ---------------- "
                     "--------------------- ----- ------\n";
  for (const FlatRangeRow &R : Memory->Rows)
    Text += formatv("{0:x-16} {1:x-16} {2:x-16} {3,-21} {4,5} {5}\n",
                    R.GuestStart, R.GuestEnd, R.HostAddr, R.Message,
                    R.BlockCount, R.Region)
                .str();
  const GuestMemoryMap &Map = Memory->Map;
  Text += formatv("{0} {1}, {2} of guest RAM\n", Map.blocks().size(),
                  Map.blocks().size() == 1 ? "block" : "blocks",
                  humanBytes(Map.totalBytes()))
              .str();
  Result.AppendMessage(Text.c_str());
  Result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
  return true;
}

} // namespace qemudump
