//===- QemuCpuList.cpp - QEMU's vCPU list, walked for any target ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuCpuList.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

constexpr unsigned MaxCpus = 4096;

/// The vCPU list's head, `cpus_queue` (8.2 and later) or `cpus`.
lldb::SBValue cpuList(const QemuSession &S) {
  lldb::SBValue List = S.global("cpus_queue");
  if (!List.IsValid())
    List = S.global("cpus");
  return List;
}

Error cpuError(unsigned N, StringRef TypeName, uint64_t Addr,
               const FieldReader &R) {
  return cpuListError(formatv("cannot read the vCPU at position {0} of the "
                              "list ({1} at {2:x}): {3}",
                              N, TypeName, Addr, *R.failure()));
}

} // namespace

Error cpuListError(const Twine &What) {
  return structureCorruptError("vCPU list", What);
}

Error walkCpus(const QemuSession &S, const TypeLayout &Layout,
               StringRef TypeName, uint64_t Cpu,
               function_ref<Error(FieldReader &, uint32_t)> Visit,
               std::vector<std::string> &Problems) {
  std::vector<uint64_t> Seen; // a list of at most MaxCpus: a sorted vector
  std::vector<uint32_t> Indexes;
  const Field CpuIndex(Layout, "parent_obj.cpu_index");
  const Field Next(Layout, "parent_obj.node.tqe_next");
  for (unsigned N = 0; Cpu != 0; ++N) {
    auto At = llvm::lower_bound(Seen, Cpu);
    if (At != Seen.end() && *At == Cpu)
      return cpuListError(formatv("CPUState.node.tqe_next of the vCPU at "
                                  "position {0} leads back to the {1} at "
                                  "{2:x}, earlier in the list (a cycle)",
                                  N - 1, TypeName, Cpu));
    Seen.insert(At, Cpu);
    if (N == MaxCpus)
      return cpuListError(formatv("it has more than {0} entries", MaxCpus));
    FieldReader R(S.process(), Layout, Cpu);
    uint32_t Index = R.u64(CpuIndex);
    if (Error E = Visit(R, Index))
      return E;
    if (!R.ok())
      return cpuError(N, TypeName, Cpu, R);
    // cpu_index numbers the vCPUs (the notes' pid is cpu_index + 1).
    if (Index >= MaxCpus || llvm::is_contained(Indexes, Index))
      Problems.push_back(
          formatv("the vCPU at position {0} of QEMU's list has cpu_index {1}, "
                  "{2}: its notes are numbered by it (pid {3}), and may belong "
                  "to no vCPU (CPUState.cpu_index is likely corrupt)",
                  N, Index,
                  Index >= MaxCpus ? "not a vCPU number"
                                   : "the number of another vCPU",
                  uint64_t(Index) + 1)
              .str());
    Indexes.push_back(Index);
    Cpu = R.u64(Next);
    if (!R.ok())
      return cpuListError(formatv("cannot follow the list after the vCPU at "
                                  "position {0}: {1}",
                                  N, *R.failure()));
  }
  if (Indexes.empty())
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's vCPU list is empty");
  return Error::success();
}

/// Whether QEMU ran its guest with KVM.
bool ranKvm(const QemuSession &S) {
  lldb::SBValue Kvm = S.global("kvm_allowed");
  return Kvm.IsValid() && S.reader().u64(Kvm, "kvm_allowed") != 0;
}

Expected<FirstCpu> firstCpu(const QemuSession &S, StringRef TypeName) {
  lldb::SBValue List = cpuList(S);
  if (!List.IsValid())
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's debug info has no vCPU list (cpus or "
                             "cpus_queue)");
  Expected<TypeLayout> Layout = qemuLayout(S, TypeName, "cpu_get_dump_info");
  if (!Layout)
    return Layout.takeError();
  FirstCpu F;
  F.Layout = std::move(*Layout);
  ValueReader R = S.reader();
  F.Addr = R.u64(R.optionalMember(List, "tqh_first"), "tqh_first");
  if (!R.ok())
    return cpuListError(
        formatv("cannot read its head (tqh_first): {0}", R.failure()->Reason));
  return std::move(F);
}

std::optional<uint64_t> enumValue(lldb::SBTypeEnumMemberList Members,
                                  StringRef Name) {
  for (uint32_t I = 0; I < Members.GetSize(); ++I) {
    lldb::SBTypeEnumMember M = Members.GetTypeEnumMemberAtIndex(I);
    if (M.GetName() && Name == M.GetName())
      return M.GetValueAsUnsigned();
  }
  return std::nullopt;
}

} // namespace qemudump
