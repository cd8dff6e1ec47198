//===- QemuTarget.h - One QEMU target's vCPUs, one interface ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A QEMU binary is built for one target, whose vCPUs are objects of one C
// type (X86CPU, ARMCPU, PowerPCCPU, S390CPU, RISCVCPU). One class per target
// reads them behind this interface: it reads every vCPU once, infers ARCH
// from vCPU 0 as QEMU's cpu_get_dump_info decides it, and encodes the
// vCPUs' notes through the guest arch's encoding in lib/Arch. readQemuTarget
// finds the class by the vCPU type QEMU's debug info has
// (TargetRegistry.cpp: one line per target).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_TARGETS_QEMUTARGET_H
#define QEMUDUMP_PLUGIN_TARGETS_QEMUTARGET_H

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuSession.h"

#include "qemudump/Arch/ArchChoice.h"
#include "qemudump/Notes/CpuNotes.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace qemudump {

class QemuTarget {
public:
  virtual ~QemuTarget();

  /// The target as ARCH's messages name it: "x86" (both x86 targets),
  /// "aarch64", "ppc64", ...; NAME of qemu-system-NAME for a target whose
  /// vCPUs qemudump does not read; "" when nothing tells.
  llvm::StringRef name() const { return Name; }

  /// ARCH as QEMU's own dump would choose it, or why it cannot be inferred.
  /// By default, the target's default arch (from the binary's name).
  virtual llvm::Expected<ArchChoice> inferArch() const;

  /// How many vCPUs were read (0: none): a kdump header's nr_cpus.
  size_t vcpuCount() const { return Count; }

  /// The vCPUs' notes in a vmcore of \p A (\p Kdump: a kdump file, whose
  /// readers take NT_PRSTATUS by the file's arch). None, with a warning in
  /// \p Warnings saying why, when they cannot be written (none, unsaid, for
  /// a program that is no QEMU target at all); what makes them doubtful
  /// (KVM's stale registers, say) is warned of too.
  CpuNotes notes(const Arch &A, bool Kdump,
                 std::vector<std::string> &Warnings) const;

protected:
  explicit QemuTarget(std::string Name) : Name(std::move(Name)) {}

  /// The notes of the vCPUs read, for \p A (one of the target's arches);
  /// an error says why there are none. By default, none.
  virtual llvm::Expected<CpuNotes> encodeNotes(const Arch &A, bool Kdump) const;

  /// The first vCPU of QEMU's list, as an object of type \p TypeName laid
  /// out from the DWARF, and whether QEMU ran KVM; none, ReadError saying
  /// why, when the list or the type cannot be read.
  std::optional<FirstCpu> openVcpus(const QemuSession &S,
                                    llvm::StringRef TypeName);
  /// Every vCPU from \p First, each read by \p Visit (a reader at it, its
  /// cpu_index); false, ReadError saying why, when the walk fails.
  bool
  walkVcpus(const QemuSession &S, const FirstCpu &First,
            llvm::StringRef TypeName,
            llvm::function_ref<llvm::Error(FieldReader &, uint32_t)> Visit);

  std::string Name;
  /// What reading the vCPUs left, for every target: why they could not be
  /// read ("" when they were), how many were, whether QEMU ran KVM (their
  /// registers in its memory may then be stale), what makes them doubtful.
  std::string ReadError;
  size_t Count = 0;
  bool Kvm = false;
  std::vector<std::string> Problems;
};

/// A target of class \p T (with a constructor from its name and a
/// read(const QemuSession &)), its vCPUs read.
template <typename T>
std::unique_ptr<QemuTarget> readTargetAs(const QemuSession &S,
                                         llvm::StringRef Name) {
  auto Target = std::make_unique<T>(Name);
  Target->read(S);
  return Target;
}

/// The target of the QEMU in \p S, its vCPUs read: by the vCPU type QEMU's
/// debug info has, the executable's name (qemu-system-NAME) telling the 32-
/// from the 64-bit target; by the name alone when no type is known.
std::unique_ptr<QemuTarget> readQemuTarget(const QemuSession &S);

/// A target whose vCPUs qemudump does not read (loongarch64), or does not
/// know (\p Name "" or the binary's NAME); \p Why, when given, is why its
/// vCPUs were not read (else: qemudump writes no notes for the ARCH).
std::unique_ptr<QemuTarget> unreadTarget(llvm::StringRef Name,
                                         llvm::StringRef Why = "");

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_TARGETS_QEMUTARGET_H
