//===- QemuInspector.h - QEMU's memory map from its debug info -*- C++ -*-===//
//
// Evaluates QEMU's globals through SBTarget/SBValue (never hard-coded
// offsets) and turns them into lib/ types: the guest's RAM as a
// GuestMemoryMap, and where the guest's VMCOREINFO note is.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMUINSPECTOR_H
#define QEMUDUMP_PLUGIN_QEMUINSPECTOR_H

#include "qemudump/CoreFileMemory.h"
#include "qemudump/GuestMemoryMap.h"
#include "qemudump/X86CpuNotes.h"

#include "lldb/API/SBDebugger.h"
#include "lldb/API/SBModule.h"
#include "lldb/API/SBProcess.h"
#include "lldb/API/SBTarget.h"
#include "lldb/API/SBValue.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace qemudump {

/// One RAM flat range as the memory-map table shows it.
struct FlatRangeRow {
  uint64_t GuestStart = 0;
  uint64_t GuestEnd = 0;
  uint64_t HostAddr = 0;
  std::string Region; ///< The MemoryRegion's name.
  std::string Message; ///< "added", "joined", or why it is skipped.
  size_t BlockCount = 0; ///< Blocks in the map after this range.
};

struct GuestMemory {
  GuestMemoryMap Map;
  std::vector<FlatRangeRow> Rows;
};

/// The vCPUs of an x86 QEMU, with the accelerator it ran.
struct X86Cpus {
  std::vector<X86CpuState> Cpus;
  bool Kvm = false; ///< QEMU used KVM: the registers in memory may be stale.
  std::vector<std::string> Problems; ///< What makes the registers doubtful.
};

/// Where the guest said its VMCOREINFO note is.
struct VmcoreInfoLocation {
  uint64_t GuestAddr = 0;
  uint32_t Size = 0;
};

class QemuInspector {
public:
  /// Checks that the debugger has a target with a stopped process (a core or
  /// a live process) whose executable has QEMU's debug info.
  static llvm::Expected<QemuInspector> create(lldb::SBDebugger Debugger);

  /// Walks address_space_memory.current_map.
  llvm::Expected<GuestMemory> readGuestMemory();

  /// The guest's VMCOREINFO location, or none when the vmcoreinfo device is
  /// absent or the guest has not written a note in ELF format. Problems that
  /// only cost the note are appended to \p Warnings.
  std::optional<VmcoreInfoLocation>
  findVmcoreInfo(std::vector<std::string> &Warnings);

  /// The QEMU target's architecture family from its debug info: "x86" when
  /// it has X86CPU; otherwise from the executable's name (qemu-system-NAME),
  /// or "" when unknown.
  std::string targetFamily();

  /// The x86 vCPUs (cpus / cpus_queue), each cast to X86CPU and its env
  /// read through the debug info, flags computed as cpu_compute_eflags does.
  llvm::Expected<X86Cpus> readX86Cpus();

  /// Whether an aarch64 guest is big-endian, as QEMU's dump decides it: from
  /// vCPU 0's SCTLR_EL1.EE (ARMCPU's env.cp15.sctlr_el[1]).
  llvm::Expected<bool> aarch64BigEndian();

  /// Fails when QEMU ran with -machine dump-guest-core=off
  /// (current_machine->dump_guest_core false): its core has no guest RAM.
  llvm::Error checkDumpGuestCore();

  /// The path of the core file the process was loaded from: from
  /// SBProcess::GetCoreFile (LLDB 17 and later), else the core file LLDB has
  /// mapped whose pid is this process's. None for a live process, or when
  /// that is ambiguous.
  std::optional<std::string> coreFilePath();

  /// Fails when \p Core holds a mapping of a file named like the executable
  /// whose build-id is not the executable's: the core is of another build.
  llvm::Error checkCoreMatchesBinary(CoreFileMemory &Core);

  lldb::SBProcess process() { return Process; }
  bool isLittleEndianHost() const { return LittleEndian; }

private:
  QemuInspector(lldb::SBTarget T, lldb::SBProcess P, lldb::SBModule M,
                lldb::SBValue AS)
      : Target(T), Process(P), Exe(M), AddressSpaceMemory(AS) {}

  void completeLayout(const char *Type);
  llvm::Expected<lldb::SBType> flatRangeType(lldb::SBValue Ranges);
  llvm::Error addFlatRange(lldb::SBValue Range, GuestMemory &Out);
  std::string readCString(lldb::SBValue Pointer);

  lldb::SBTarget Target;
  lldb::SBProcess Process;
  lldb::SBModule Exe;
  lldb::SBValue AddressSpaceMemory;
  bool LittleEndian = true;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMUINSPECTOR_H
