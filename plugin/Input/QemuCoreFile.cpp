//===- QemuCoreFile.cpp - Where QEMU's memory is read from ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Input/QemuCoreFile.h"

#include "Input/ProcessMemory.h"
#include "Lldb/LldbCompat.h"

#include "qemudump/Input/BuildId.h"
#include "qemudump/Input/CoreLayout.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace qemudump {

namespace {

/// The core files LLDB has mapped into this process (it mmaps the core it
/// loads): the paths in /proc/self/maps of files in a core format.
std::vector<std::string> mappedCoreFiles() {
  std::vector<std::string> Paths;
  auto Maps = MemoryBuffer::getFileAsStream("/proc/self/maps");
  if (!Maps)
    return Paths;
  StringRef Text = (*Maps)->getBuffer();
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Text = Rest;
    size_t Slash = Line.find('/');
    if (Slash == StringRef::npos)
      continue;
    std::string Path = Line.substr(Slash).str();
    if (!is_contained(Paths, Path) &&
        identifyCoreFile(Path) != CoreFormat::Unknown)
      Paths.push_back(Path);
  }
  return Paths;
}

/// Of the mapped core files, the one of \p Pid.
std::optional<std::string> mappedCoreOf(uint64_t Pid) {
  std::vector<std::string> Cores = mappedCoreFiles();
  if (Cores.size() == 1)
    return Cores.front(); // even if it cannot be parsed: open() will say why
  std::optional<std::string> Found;
  for (const std::string &Path : Cores) {
    if (identifyCoreFile(Path) != CoreFormat::Elf)
      continue; // only an ELF core's pid is known here
    Expected<std::unique_ptr<CoreFileMemory>> M = CoreFileMemory::open(Path);
    if (!M) {
      consumeError(M.takeError());
      continue;
    }
    if ((*M)->processId() != Pid)
      continue;
    if (Found)
      return std::nullopt; // two candidates: do not guess
    Found = Path;
  }
  return Found;
}

/// The UUID LLDB has for QEMU's executable as a lower-case hex build-id;
/// empty when it has none.
std::string exeBuildId(const QemuSession &S) {
  std::string Id;
  if (const char *Uuid = S.exe().GetUUIDString())
    for (const char *C = Uuid; *C; ++C)
      if (*C != '-')
        Id += toLower(*C);
  return Id;
}

} // namespace

std::optional<std::string> locateCoreFile(const QemuSession &S) {
  lldb::SBProcess Process = S.process();
  if (lldbcompat::haveGetCoreFile())
    return lldbcompat::getCoreFile(Process);
  // Older LLDB: the core file LLDB has mapped; of several, the one whose
  // process id is this process's (LLDB takes a core's pid from its
  // NT_PRSTATUS).
  if (!isCoreProcess(Process))
    return std::nullopt;
  return mappedCoreOf(Process.GetProcessID());
}

bool isCoreProcess(lldb::SBProcess Process) {
  // LLDB's core process plugins: elf-core, mach-o-core, minidump.
  const char *Plugin = Process.GetPluginName();
  return Plugin && (StringRef(Plugin).contains("core") ||
                    StringRef(Plugin).contains("minidump"));
}

Error checkCoreMatchesBinary(const QemuSession &S, CoreFileMemory &Core) {
  // The build-id of the executable as the core has it in memory (its NT_FILE
  // mapping of the file's start), against the build-id of the file LLDB
  // loaded: reading QEMU's structures with another build's debug info would
  // read garbage.
  std::string ExeName = S.exeName();
  auto Read = [&](uint64_t Addr, MutableArrayRef<uint8_t> Buf) {
    return Core.read(Addr, Buf);
  };
  std::vector<RecordedImage> Images;
  for (const CoreFileMemory::MappedFile &F : Core.mappedFiles()) {
    if (F.FileOffset != 0 || sys::path::filename(F.Path) != ExeName)
      continue;
    Expected<std::optional<std::vector<uint8_t>>> Id =
        readBuildId(Read, F.Start);
    if (!Id) {
      consumeError(Id.takeError()); // Not in the core: cannot tell.
      continue;
    }
    if (*Id)
      Images.push_back({F.Path, std::move(**Id)});
  }
  return checkImagesMatchExecutable(Images, ExeName, exeBuildId(S), "core");
}

namespace {

/// A core LLDB loaded that is not an ELF core: read through LLDB, with its
/// layout when the format is one qemudump parses (and, for a minidump, its
/// module list checked against the binary).
Expected<std::unique_ptr<MemorySource>> openThroughLldb(const QemuSession &S,
                                                        const std::string &Path,
                                                        CoreFormat Format) {
  if (Format == CoreFormat::Unknown)
    return std::make_unique<ProcessMemory>(S.process(), Path, std::nullopt);
  ErrorOr<std::unique_ptr<MemoryBuffer>> File = MemoryBuffer::getFile(
      Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!File)
    return createStringError(File.getError(),
                             formatv("cannot open the core file '{0}': {1}",
                                     Path, File.getError().message())
                                 .str());
  Expected<CoreLayout> Layout = Format == CoreFormat::Minidump
                                    ? readMinidumpLayout(**File)
                                    : readMachOCoreLayout(**File);
  if (!Layout)
    return Layout.takeError();
  std::vector<RecordedImage> Images;
  for (const CoreLayout::Module &M : Layout->Modules)
    Images.push_back({M.Path, M.BuildId});
  if (Error E = checkImagesMatchExecutable(Images, S.exeName(), exeBuildId(S),
                                           coreFormatName(Format)))
    return std::move(E);
  return std::make_unique<ProcessMemory>(S.process(), Path, std::move(*Layout));
}

} // namespace

Expected<std::unique_ptr<MemorySource>> openQemuMemory(const QemuSession &S) {
  std::optional<std::string> Core = locateCoreFile(S);
  if (!Core) {
    if (isCoreProcess(S.process()))
      return std::make_unique<ProcessMemory>(S.process(), "", std::nullopt);
    return std::make_unique<ProcessMemory>(S.process());
  }
  CoreFormat Format = identifyCoreFile(*Core);
  if (Format != CoreFormat::Elf)
    return openThroughLldb(S, *Core, Format);
  Expected<std::unique_ptr<CoreFileMemory>> M = CoreFileMemory::open(*Core);
  if (!M)
    return M.takeError();
  if (Error Err = checkCoreMatchesBinary(S, **M))
    return std::move(Err);
  return std::unique_ptr<MemorySource>(std::move(*M));
}

} // namespace qemudump
