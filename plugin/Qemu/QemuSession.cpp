//===- QemuSession.cpp - The QEMU that LLDB has loaded --------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuSession.h"

#include "Qemu/QemuLayout.h"

#include "qemudump/Input/DwarfTypes.h"

#include "lldb/API/SBDebugger.h"
#include "lldb/API/SBError.h"
#include "lldb/API/SBFileSpec.h"
#include "lldb/API/SBSymbol.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

Error sessionError(const Twine &Message) {
  return createStringError(inconvertibleErrorCode(), Message.str());
}

Error checkProcessState(lldb::SBProcess Process) {
  lldb::StateType State = Process.GetState();
  if (State == lldb::eStateRunning || State == lldb::eStateStepping ||
      State == lldb::eStateLaunching || State == lldb::eStateAttaching)
    return sessionError(
        "the process is running: stop it first (`process interrupt`)");
  if (State == lldb::eStateExited || State == lldb::eStateDetached ||
      State == lldb::eStateInvalid || State == lldb::eStateUnloaded)
    return sessionError("the process is gone (exited or detached): load a "
                        "core of QEMU or attach to a running QEMU");
  return Error::success();
}

/// How to get the debug info of a QEMU that has none: a distribution's
/// QEMU is stripped, its debug info a separate file (a package, or a
/// debuginfod server), which LLDB finds by the binary's build-id.
std::string debugInfoRemedy(StringRef Name) {
  // Debian and Ubuntu name the package by the binary's target family.
  std::string Package = "qemu-system-x86";
  StringRef Target = Name;
  if (Target.consume_front("qemu-system-") && !Target.starts_with("x86") &&
      Target != "i386")
    Package = "qemu-system-<its family>";
  return formatv(
             "its debug info is a separate file. Install the debug package "
             "of the package that holds it (Debian, Ubuntu: {0}-dbgsym for "
             "{0}, from the debug archive; Fedora, RHEL: dnf "
             "debuginfo-install of the package `rpm -qf` names); LLDB finds "
             "it under /usr/lib/debug/.build-id, or in a tree of your own "
             "with `settings set target.debug-file-search-paths DIR`. Or let "
             "LLDB (18 or later) fetch it: `settings set "
             "plugin.symbol-locator.debuginfod.server-urls "
             "https://debuginfod.debian.net` (Ubuntu: "
             "https://debuginfod.ubuntu.com, Fedora: "
             "https://debuginfod.fedoraproject.org), before `target create`. "
             "Or build QEMU with --enable-debug-info. Either way it must be "
             "the build that wrote the core",
             Package)
      .str();
}

/// LLDB's major version, from "lldb version 19.1.7 ...", or 0.
unsigned lldbMajor() {
  const char *V = lldb::SBDebugger::GetVersionString();
  StringRef Rest = V ? V : "";
  unsigned Major = 0;
  if (!Rest.consume_front("lldb version ") || Rest.consumeInteger(10, Major))
    return 0;
  return Major;
}

/// Why an LLDB before 20 sees no types in \p Exe's debug info, if that is
/// why: the DWARF has DW_FORM_data16, which stops LLDB's parser.
std::optional<std::string> unreadableDwarf(lldb::SBModule Exe, StringRef Name) {
  unsigned Major = lldbMajor();
  if (Major == 0 || Major >= 20)
    return std::nullopt;
  std::string File = debugInfoFile(Exe);
  Expected<std::unique_ptr<DwarfTypes>> Dwarf = DwarfTypes::open(File);
  if (!Dwarf) {
    consumeError(Dwarf.takeError());
    return std::nullopt;
  }
  if (!(*Dwarf)->usesForm(dwarf::DW_FORM_data16))
    return std::nullopt;
  return formatv("'{0}' is QEMU with debug info ({1}) that LLDB {2} cannot "
                 "read: it holds DW_FORM_data16 attributes (GCC's 128-bit "
                 "constants, as qemu-system-ppc64 has), at which LLDB's "
                 "DWARF parser stops before version 20 (\"unsupported DW_FORM "
                 "value: 0x1e\"); run the dump with LLDB 20 or later",
                 Name, File, Major)
      .str();
}

/// Why \p Exe, which has no typed address_space_memory, cannot be read.
Error noDebugInfo(lldb::SBModule Exe, StringRef Name) {
  if (std::optional<std::string> Why = unreadableDwarf(Exe, Name))
    return sessionError(*Why);
  if (Exe.FindSymbol("address_space_memory").IsValid())
    return sessionError(formatv("'{0}' is QEMU but has no debug info (it has "
                                "the symbol 'address_space_memory' but no "
                                "type for it): {1}",
                                Name, debugInfoRemedy(Name)));
  if (Name.starts_with("qemu"))
    return sessionError(formatv("'{0}' has no debug info (no "
                                "'address_space_memory' in it): {1}",
                                Name, debugInfoRemedy(Name)));
  return sessionError(formatv("'{0}' does not look like QEMU: it has no "
                              "'address_space_memory'; load qemu-system-* "
                              "(with debug info) and a core of it",
                              Name));
}

} // namespace

/// What LLDB's "Unknown core file format" before this error may mean.
constexpr const char *CompressedCoreAdvice =
    ". A core systemd-coredump stored (/var/lib/systemd/coredump/core.*.zst, "
    ".lz4 or .xz) is compressed, and LLDB cannot open it: write it out with "
    "`coredumpctl dump PID -o core` (or unzstd/lz4 -d/unxz), or run "
    "`coredumpctl debug --debugger=lldb PID` and load the plugin there";

Expected<QemuSession> QemuSession::open(lldb::SBDebugger Debugger) {
  lldb::SBTarget Target = Debugger.GetSelectedTarget();
  if (!Target.IsValid())
    return sessionError(formatv("no target: load QEMU and its core first, "
                                "e.g. `lldb qemu-system-x86_64 -c core` or "
                                "`target create qemu-system-x86_64 --core "
                                "core`{0}",
                                CompressedCoreAdvice));
  lldb::SBProcess Process = Target.GetProcess();
  if (!Process.IsValid())
    return sessionError(formatv("the target has no process: load QEMU's "
                                "core (`target create --core core "
                                "qemu-system-x86_64`) or attach to a running "
                                "QEMU (`process attach -p PID`){0}",
                                CompressedCoreAdvice));
  if (Error E = checkProcessState(Process))
    return std::move(E);

  lldb::SBModule Exe = Target.FindModule(Target.GetExecutable());
  if (!Exe.IsValid())
    Exe = Target.GetModuleAtIndex(0);
  lldb::SBValue AS =
      Exe.FindFirstGlobalVariable(Target, "address_space_memory");
  if (!AS.IsValid())
    AS = Target.FindFirstGlobalVariable("address_space_memory");
  if (!AS.IsValid()) {
    const char *Name = Exe.GetFileSpec().GetFilename();
    return noDebugInfo(Exe, Name ? Name : "the executable");
  }

  QemuSession S(Target, Process, Exe, AS);
  S.LittleEndian = Target.GetByteOrder() != lldb::eByteOrderBig;
  return S;
}

Expected<const DwarfTypes &> QemuSession::dwarf() const {
  if (!Dwarf->Types && Dwarf->Error.empty()) {
    std::string Path = debugInfoFile(Exe);
    Expected<std::unique_ptr<DwarfTypes>> T =
        Path.empty() ? createStringError(inconvertibleErrorCode(),
                                         "LLDB names no file for QEMU's "
                                         "debug info")
                     : DwarfTypes::open(Path);
    if (T)
      Dwarf->Types = std::move(*T);
    else
      Dwarf->Error = toString(T.takeError());
  }
  if (!Dwarf->Types)
    return createStringError(inconvertibleErrorCode(), Dwarf->Error);
  return *Dwarf->Types;
}

std::string QemuSession::exeName() const {
  lldb::SBModule M = Exe;
  const char *Name = M.GetFileSpec().GetFilename();
  return Name ? Name : "";
}

std::string QemuSession::cString(lldb::SBValue Pointer) const {
  lldb::SBError E;
  uint64_t Addr = Pointer.GetValueAsUnsigned(E, 0);
  if (E.Fail() || Addr == 0)
    return "";
  char Buf[128] = {};
  lldb::SBProcess P = Process;
  size_t N = P.ReadCStringFromMemory(Addr, Buf, sizeof(Buf), E);
  if (E.Fail())
    return "";
  return std::string(Buf, N);
}

lldb::SBValue QemuSession::global(const char *Name) const {
  lldb::SBModule M = Exe; // SB objects are handles; their methods are not const
  lldb::SBTarget T = Target;
  return M.FindFirstGlobalVariable(T, Name);
}

std::optional<bool> QemuSession::dumpGuestCore() const {
  lldb::SBValue Machine = global("current_machine");
  if (!Machine.IsValid())
    return std::nullopt;
  lldb::SBValue Flag =
      Machine.Dereference().GetChildMemberWithName("dump_guest_core");
  lldb::SBError E;
  uint64_t On = Flag.GetValueAsUnsigned(E, 1);
  if (!Flag.IsValid() || E.Fail())
    return std::nullopt;
  return On != 0;
}

Error QemuSession::checkDumpGuestCore() const {
  if (dumpGuestCore().value_or(true))
    return Error::success(); // on, or cannot tell (the reads will)
  return sessionError(
      "QEMU ran with -machine dump-guest-core=off, so its core holds none of "
      "the guest's RAM: nothing can be dumped from it. Run QEMU with "
      "dump-guest-core=on (QEMU's default) to get guest memory in its cores "
      "(libvirt starts QEMU with it off: set dump_guest_core = 1 in "
      "/etc/libvirt/qemu.conf and restart libvirtd or virtqemud, or give the "
      "domain <memory dumpCore='on'>), or use QEMU's own dump-guest-memory "
      "(virsh dump --memory-only) while the guest is alive");
}

} // namespace qemudump
