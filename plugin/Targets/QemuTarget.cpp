//===- QemuTarget.cpp - One QEMU target's vCPUs, behind one interface -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Targets/QemuTarget.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

QemuTarget::~QemuTarget() = default;

Expected<ArchChoice> QemuTarget::inferArch() const {
  return inferFromTargetName(Name);
}

Expected<CpuNotes> QemuTarget::encodeNotes(const Arch &A, bool) const {
  return createStringError(
      inconvertibleErrorCode(),
      formatv("qemudump writes no vCPU notes for ARCH {0}", A.Name).str());
}

CpuNotes QemuTarget::notes(const Arch &A, bool Kdump,
                           std::vector<std::string> &Warnings) const {
  auto NoNotes = [&](const Twine &Why) {
    Warnings.push_back((Why + "; the vmcore has no vCPU notes").str());
    return CpuNotes();
  };
  // A program that is no QEMU target at all (neither a vCPU type nor a
  // qemu-system-NAME): no vCPUs to speak of; the summary's notes say none.
  if (Name.empty())
    return CpuNotes();
  if (!A.runsOn(Name)) // an ARCH given for a target qemudump does not know
    return NoNotes(formatv("ARCH {0} is not this QEMU's target ({1}), whose "
                           "vCPUs were not read for it",
                           A.Name, Name));
  if (!ReadError.empty())
    return NoNotes("cannot read the vCPUs' registers (" + ReadError + ")");
  Expected<CpuNotes> N = encodeNotes(A, Kdump);
  if (!N)
    return NoNotes(toString(N.takeError()));
  if (Kvm)
    Warnings.push_back(
        "QEMU ran the guest with KVM: the vCPU registers in QEMU's memory are "
        "those of its last synchronization with the kernel and may be stale; "
        "--no-cpu-notes leaves them out");
  Warnings.insert(Warnings.end(), Problems.begin(), Problems.end());
  return std::move(*N);
}

std::optional<FirstCpu> QemuTarget::openVcpus(const QemuSession &S,
                                              StringRef TypeName) {
  Expected<FirstCpu> First = firstCpu(S, TypeName);
  if (!First) {
    ReadError = toString(First.takeError());
    return std::nullopt;
  }
  Kvm = ranKvm(S);
  return std::move(*First);
}

bool QemuTarget::walkVcpus(const QemuSession &S, const FirstCpu &First,
                           StringRef TypeName,
                           function_ref<Error(FieldReader &, uint32_t)> Visit) {
  if (Error E =
          walkCpus(S, *First.Layout, TypeName, First.Addr, Visit, Problems)) {
    ReadError = toString(std::move(E));
    return false;
  }
  return true;
}

namespace {
/// A target whose vCPUs were not read: its name is all it has.
class UnreadTarget final : public QemuTarget {
public:
  UnreadTarget(StringRef Name, StringRef Why)
      : QemuTarget(Name.str()), Why(Why.str()) {}

private:
  Expected<CpuNotes> encodeNotes(const Arch &A, bool Kdump) const override {
    if (Why.empty())
      return QemuTarget::encodeNotes(A, Kdump);
    return createStringError(inconvertibleErrorCode(), Why);
  }

  std::string Why;
};
} // namespace

std::unique_ptr<QemuTarget> unreadTarget(StringRef Name, StringRef Why) {
  return std::make_unique<UnreadTarget>(Name, Why);
}

} // namespace qemudump
