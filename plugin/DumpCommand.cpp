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
#include "qemudump/Notes.h"
#include "qemudump/OutputFile.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
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

/// The note segment: the guest's VMCOREINFO note when it has one that is
/// readable and well-formed, else the placeholder. Problems cost only the
/// note, and become warnings.
std::vector<uint8_t> buildNotes(QemuInspector &Inspector,
                                const GuestMemoryMap &Map, const Arch &A,
                                MemorySource &Memory,
                                std::vector<std::string> &Warnings,
                                std::string &Described) {
  std::optional<VmcoreInfoLocation> Loc = Inspector.findVmcoreInfo(Warnings);
  if (Loc) {
    std::optional<uint64_t> Host = Map.hostAddressOf(Loc->GuestAddr, Loc->Size);
    if (!Host) {
      Warnings.push_back(
          formatv("the guest's VMCOREINFO at guest-physical [{0:x}, {1:x}) is "
                  "outside guest RAM; the vmcore has no VMCOREINFO note",
                  Loc->GuestAddr, Loc->GuestAddr + Loc->Size)
              .str());
    } else {
      std::vector<uint8_t> Buffer(Loc->Size);
      if (Error Err = Memory.read(*Host, Buffer)) {
        Warnings.push_back(
            formatv("cannot read the guest's VMCOREINFO at guest-physical "
                    "{0:x}: {1}; the vmcore has no VMCOREINFO note",
                    Loc->GuestAddr, toString(std::move(Err)))
                .str());
      } else {
        Expected<std::vector<uint8_t>> Note =
            extractGuestNote(Buffer, A.isLittleEndian());
        if (Note) {
          Described = "VMCOREINFO";
          return std::move(*Note);
        }
        Warnings.push_back(
            formatv("the guest's VMCOREINFO note at guest-physical {0:x} is "
                    "malformed ({1}); the vmcore has no VMCOREINFO note",
                    Loc->GuestAddr, toString(Note.takeError()))
                .str());
      }
    }
  }
  Described = "placeholder NONE (no VMCOREINFO from the guest)";
  return placeholderNote(A.isLittleEndian());
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
/// A core file is first checked to be of the loaded QEMU binary.
Expected<std::unique_ptr<MemorySource>> openMemory(QemuInspector &Inspector) {
  if (std::optional<std::string> Core = Inspector.coreFilePath()) {
    Expected<std::unique_ptr<CoreFileMemory>> M = CoreFileMemory::open(*Core);
    if (!M)
      return M.takeError();
    if (Error Err = Inspector.checkCoreMatchesBinary(**M))
      return std::move(Err);
    return std::unique_ptr<MemorySource>(std::move(*M));
  }
  return std::make_unique<ProcessMemory>(Inspector.process());
}

} // namespace

const char *DumpCommand::help() {
  static const std::string Help =
      "Write the guest's physical memory, from a QEMU core (or a stopped "
      "QEMU process), as an ELF vmcore that crash, drgn and makedumpfile "
      "read. FILE is the vmcore to write (replaced only when the dump "
      "succeeds; created with mode 0600). ARCH is the guest architecture, "
      "one of (any case): " +
      archNameList() +
      ". The guest's VMCOREINFO note is included when the guest has one "
      "(QEMU ran with -device vmcoreinfo).";
  return Help.c_str();
}

const char *DumpCommand::syntax() {
  return "qemu dump-guest-memory FILE ARCH";
}

bool DumpCommand::DoExecute(lldb::SBDebugger Debugger, char **Args,
                            lldb::SBCommandReturnObject &Result) {
  auto Start = std::chrono::steady_clock::now();
  SmallVector<StringRef, 4> Argv = arguments(Args);
  if (Argv.size() != 2)
    return fail(Result, formatv("expected FILE and ARCH, got {0} argument(s); "
                                "usage: {1} (ARCH is one of {2})",
                                Argv.size(), syntax(), archNameList()));
  StringRef Path = Argv[0];
  Expected<const Arch &> A = parseArch(Argv[1]);
  if (!A)
    return fail(Result, A.takeError());

  Expected<QemuInspector> Inspector = QemuInspector::create(Debugger);
  if (!Inspector)
    return fail(Result, Inspector.takeError());
  Expected<std::unique_ptr<MemorySource>> SourceOrErr =
      openMemory(*Inspector);
  if (!SourceOrErr)
    return fail(Result, SourceOrErr.takeError());
  MemorySource &Source = **SourceOrErr;
  Expected<GuestMemory> Memory = Inspector->readGuestMemory();
  if (!Memory)
    return fail(Result, Memory.takeError());
  const GuestMemoryMap &Map = Memory->Map;

  if (Error Err = Inspector->checkDumpGuestCore())
    return fail(Result, std::move(Err));
  if (Error Err = probeBlocks(Map, Source))
    return fail(Result, std::move(Err));

  std::vector<std::string> Warnings;
  std::string NotesDescription;
  std::vector<uint8_t> Notes =
      buildNotes(*Inspector, Map, *A, Source, Warnings, NotesDescription);
  for (const std::string &W : Warnings)
    Result.AppendWarning(W.c_str());

  Expected<OutputFile> Out = OutputFile::create(Path);
  if (!Out)
    return fail(Result, Out.takeError());
  DumpProgress Progress(Debugger, formatv("Dumping guest memory to {0}", Path),
                        Map.totalBytes());
  Expected<ElfVmcoreStats> Stats =
      writeElfVmcore(*Out, *A, Map, Notes, Source, [&](uint64_t Done, uint64_t) {
        return Progress.update(Done);
      });
  if (!Stats)
    return fail(Result, Stats.takeError());
  if (Error Err = Out->commit())
    return fail(Result, std::move(Err));

  double Seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - Start)
                       .count();
  size_t NBlocks = Map.blocks().size();
  Result.AppendMessage(
      formatv("wrote {0} ({1}): {2} {3}, {4} of guest memory, notes: {5}; "
              "{6} bytes in {7:f3} s",
              Path, A->Name, NBlocks, NBlocks == 1 ? "block" : "blocks",
              humanBytes(Stats->MemoryBytes), NotesDescription,
              Stats->FileSize, Seconds)
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
  if (Expected<std::unique_ptr<MemorySource>> Source = openMemory(*Inspector);
      !Source)
    return fail(Result, Source.takeError());
  Expected<GuestMemory> Memory = Inspector->readGuestMemory();
  if (!Memory)
    return fail(Result, Memory.takeError());

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
