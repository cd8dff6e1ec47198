//===- QemuCoverage.cpp - What a QEMU core holds of guest RAM -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuCoverage.h"

#include <vector>

using namespace llvm;

namespace qemudump {

const FlatRangeRow *rowAt(ArrayRef<FlatRangeRow> Rows, uint64_t GuestStart) {
  for (const FlatRangeRow &R : Rows)
    if (R.GuestStart <= GuestStart && GuestStart < R.GuestEnd)
      return &R;
  return nullptr;
}

GuestCoverage qemuCoverage(const GuestMemoryMap &Map,
                           ArrayRef<FlatRangeRow> Rows, MemorySource &Source,
                           bool FromCore) {
  std::vector<MissingRange> Known;
  for (const FlatRangeRow &R : Rows) {
    if (!FromCore || R.DumpOffBackend.empty() ||
        R.Status == RangeStatus::Skipped || R.Status == RangeStatus::Refused)
      continue;
    MissingRange M;
    M.GuestStart = R.GuestStart;
    M.GuestEnd = R.GuestEnd;
    M.HostAddr = R.HostAddr;
    M.Cause = MissingCause::DumpOffBackend;
    M.Region = R.DumpOffBackend;
    Known.push_back(std::move(M));
  }
  // QEMU's RAM in base pages is at most 64 KiB a page (arm64, ppc64); a
  // hugetlbfs page is 1 MiB (s390x) or larger.
  constexpr uint64_t MaxBasePage = 64 * 1024;
  auto Classify = [&](MissingRange &M) {
    const FlatRangeRow *R = rowAt(Rows, M.GuestStart);
    if (R && R->PageSize > MaxBasePage)
      M.Cause = MissingCause::SharedHugetlb;
  };
  return coverageOf(Map, Source, Known, Classify);
}

} // namespace qemudump
