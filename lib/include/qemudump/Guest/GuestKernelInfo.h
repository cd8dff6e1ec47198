//===- GuestKernelInfo.h - What the guest's Linux kernel says of itself -*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// The guest kernel's utsname and phys_base, as a kdump file's headers carry
// them: from its VMCOREINFO (NUMBER(phys_base), OSRELEASE) and from its own
// init_uts_ns in guest memory, found through VMCOREINFO's
// SYMBOL(init_uts_ns) (a kernel-image address, translated as the guest arch
// says: Arch::KernelPhysical). Not format code: any writer that wants to say
// which kernel the guest ran uses it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_GUEST_GUESTKERNELINFO_H
#define QEMUDUMP_GUEST_GUESTKERNELINFO_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Guest/VmcoreInfo.h"
#include "qemudump/Input/MemorySource.h"

#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemudump {

/// The size of each field of struct new_utsname.
constexpr size_t UtsFieldSize = 65;

/// struct new_utsname: six NUL-terminated strings of at most 64 characters.
struct Utsname {
  std::string Sysname, Nodename, Release, Version, Machine, Domainname;
};

struct GuestKernelInfo {
  Utsname Uts;
  int64_t PhysBase = 0;
  /// Where Uts came from: "init_uts_ns" (the guest's own, read from its
  /// memory), "VMCOREINFO" (release only; the rest filled in), or
  /// "defaults" (no VMCOREINFO).
  std::string UtsSource;
};

/// The guest kernel's utsname and phys_base from \p Info (the guest's
/// VMCOREINFO, if it has one) and the guest's init_uts_ns read from
/// \p Memory through \p Map. phys_base as the arch says (Arch::PhysBase);
/// release is OSRELEASE. What cannot be known is filled in ("Linux",
/// "unknown", "(none)", the arch's UtsMachine): no field is ever empty.
/// Problems become \p Warnings.
GuestKernelInfo readGuestKernelInfo(const Arch &A, const GuestMemoryMap &Map,
                                    MemorySource &Memory,
                                    const VmcoreInfo *Info,
                                    std::vector<std::string> &Warnings);

/// The guest kernel's page size, VMCOREINFO's PAGESIZE, when it is one of
/// \p A's page sizes.
std::optional<uint32_t> guestPageSize(const Arch &A, const VmcoreInfo &Info);

/// Where the guest kernel's init_uts_ns is, from VMCOREINFO.
struct InitUtsNsAddress {
  uint64_t Vaddr = 0; ///< SYMBOL(init_uts_ns) (KASLR offset included).
  uint64_t Paddr = 0; ///< Its guest-physical address.
};

/// SYMBOL(init_uts_ns) of \p Info translated to guest-physical by \p A's
/// Arch::KernelPhysical. None when VMCOREINFO does not say, or the arch's
/// translation is unknown.
std::optional<InitUtsNsAddress> locateInitUtsNs(const Arch &A,
                                                const VmcoreInfo &Info);

/// The six utsname fields of the guest's init_uts_ns at \p Where (its name
/// at OFFSET(uts_namespace.name), or where older kernels had it), or why
/// there is no utsname there (sysname must be "Linux").
llvm::Expected<std::array<std::string, 6>>
readInitUtsname(const GuestMemoryMap &Map, MemorySource &Memory,
                const VmcoreInfo &Info, const InitUtsNsAddress &Where);

} // namespace qemudump

#endif // QEMUDUMP_GUEST_GUESTKERNELINFO_H
