//===- QemuCpuList.h - QEMU's vCPU list, walked for any target -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPU list (`cpus` up to QEMU 8.1, `cpus_queue` from 8.2, linked by
// CPUState.node.tqe_next), each vCPU read as the target's CPU type (X86CPU,
// ARMCPU, ...) at the offsets its DWARF gives; and the few facts every
// target's reader needs (the accelerator, enumerators).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMUCPULIST_H
#define QEMUDUMP_PLUGIN_QEMU_QEMUCPULIST_H

#include "Qemu/QemuLayout.h"
#include "Qemu/QemuSession.h"

#include "lldb/API/SBType.h"
#include "lldb/API/SBTypeEnumMember.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace qemudump {

/// The first vCPU of the list, and the layout of its type.
struct FirstCpu {
  std::optional<TypeLayout> Layout;
  uint64_t Addr = 0; ///< 0: the list is empty.
};

/// The list's first vCPU, and \p TypeName laid out as the unit of the
/// target's cpu_get_dump_info defines it.
llvm::Expected<FirstCpu> firstCpu(const QemuSession &S,
                                  llvm::StringRef TypeName);

/// Walks QEMU's vCPU list from \p Cpu, an object of the type \p Layout lays
/// out (\p TypeName), calling \p Visit with a reader at each vCPU and its
/// cpu_index. A failure of that reader is the walk's failure; a cycle, an
/// endless list, or an empty one are errors; a doubtful cpu_index goes to
/// \p Problems.
llvm::Error
walkCpus(const QemuSession &S, const TypeLayout &Layout,
         llvm::StringRef TypeName, uint64_t Cpu,
         llvm::function_ref<llvm::Error(FieldReader &, uint32_t)> Visit,
         std::vector<std::string> &Problems);

/// "QEMU's vCPU list is unreadable or corrupt: WHAT; ...".
llvm::Error cpuListError(const llvm::Twine &What);

/// Whether QEMU ran its guest with KVM (the registers in its memory may then
/// be stale).
bool ranKvm(const QemuSession &S);

/// The value of enumerator \p Name of \p Members, if it has one.
std::optional<uint64_t> enumValue(lldb::SBTypeEnumMemberList Members,
                                  llvm::StringRef Name);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMUCPULIST_H
