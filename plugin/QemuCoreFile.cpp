//===- QemuCoreFile.cpp - Where QEMU's memory is read from ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QemuCoreFile.h"

#include "LldbCompat.h"
#include "ProcessMemory.h"

#include "qemudump/BuildId.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace qemudump {

namespace {

/// Whether the file at \p Path starts like an ELF core file: ELF magic, and
/// e_type ET_CORE in the file's byte order.
bool isElfCore(const std::string &Path) {
  auto Head = MemoryBuffer::getFileSlice(Path, 18, 0, /*IsVolatile=*/true);
  if (!Head)
    return false;
  StringRef H = (*Head)->getBuffer();
  return H.size() == 18 &&
         H.starts_with("\x7f"
                       "ELF") &&
         ((H[5] == 1 && H[16] == 4 && H[17] == 0) ||
          (H[5] == 2 && H[16] == 0 && H[17] == 4));
}

/// The core files LLDB has mapped into this process (it mmaps the core it
/// loads): the paths in /proc/self/maps of ELF core files.
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
    if (!is_contained(Paths, Path) && isElfCore(Path))
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

/// LLDB's UUID of a module as a lower-case hex build-id.
std::string uuidAsBuildId(const char *Uuid) {
  std::string Id;
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
  const char *Plugin = Process.GetPluginName();
  if (!Plugin || !StringRef(Plugin).contains("core"))
    return std::nullopt;
  return mappedCoreOf(Process.GetProcessID());
}

Error checkCoreMatchesBinary(const QemuSession &S, CoreFileMemory &Core) {
  // The build-id of the executable as the core has it in memory (its NT_FILE
  // mapping of the file's start), against the build-id of the file LLDB
  // loaded: reading QEMU's structures with another build's debug info would
  // read garbage.
  const char *Uuid = S.exe().GetUUIDString();
  std::string ExeName = S.exeName();
  if (!Uuid || ExeName.empty())
    return Error::success();
  std::string Want = uuidAsBuildId(Uuid);
  auto Read = [&](uint64_t Addr, MutableArrayRef<uint8_t> Buf) {
    return Core.read(Addr, Buf);
  };
  for (const CoreFileMemory::MappedFile &F : Core.mappedFiles()) {
    if (F.FileOffset != 0 || sys::path::filename(F.Path) != ExeName)
      continue;
    Expected<std::optional<std::vector<uint8_t>>> Id =
        readBuildId(Read, F.Start);
    if (!Id) {
      consumeError(Id.takeError()); // Not in the core: cannot tell.
      continue;
    }
    if (!*Id || Want.size() != (*Id)->size() * 2)
      continue; // No build-id, or LLDB's UUID is not one.
    std::string Actual = toHex(**Id, /*LowerCase=*/true);
    if (Actual == Want)
      return Error::success();
    return createStringError(
        inconvertibleErrorCode(),
        formatv("the core was written by a different build of QEMU than "
                "'{0}': build-id {1} in the core ({2}), {3} in the binary; "
                "load the exact binary that crashed",
                ExeName, Actual, F.Path, Want)
            .str());
  }
  return Error::success();
}

Expected<std::unique_ptr<MemorySource>> openQemuMemory(const QemuSession &S) {
  std::optional<std::string> Core = locateCoreFile(S);
  if (!Core)
    return std::make_unique<ProcessMemory>(S.process());
  Expected<std::unique_ptr<CoreFileMemory>> M = CoreFileMemory::open(*Core);
  if (!M)
    return M.takeError();
  if (Error Err = checkCoreMatchesBinary(S, **M))
    return std::move(Err);
  return std::unique_ptr<MemorySource>(std::move(*M));
}

} // namespace qemudump
