//===- GuestKernelInfo.h - What the guest's Linux kernel says of itself -*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// The guest kernel's utsname and phys_base, as a kdump file's headers carry
// them: from its VMCOREINFO text (NUMBER(phys_base), OSRELEASE) and from its
// own init_uts_ns in guest memory, found through VMCOREINFO's
// SYMBOL(init_uts_ns) (a kernel-image address, translated with phys_base on
// x86_64 and kimage_voffset on aarch64). Not format code: any writer that
// wants to say which kernel the guest ran uses it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_GUESTKERNELINFO_H
#define QEMUDUMP_GUESTKERNELINFO_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Input/MemorySource.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
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

/// The guest kernel's utsname and phys_base from \p VmcoreInfo (the guest's
/// VMCOREINFO text, if it has one) and the guest's init_uts_ns read from
/// \p Memory through \p Map. phys_base is NUMBER(phys_base), signed decimal
/// (aarch64: NUMBER(PHYS_OFFSET), hex, else the lowest RAM address, as
/// QEMU's dump);
/// release is OSRELEASE. What cannot be known is filled in ("Linux",
/// "unknown", "(none)", the machine of \p A): no field is ever empty.
/// Problems become \p Warnings.
GuestKernelInfo readGuestKernelInfo(const Arch &A, const GuestMemoryMap &Map,
                                    MemorySource &Memory,
                                    std::optional<llvm::StringRef> VmcoreInfo,
                                    std::vector<std::string> &Warnings);

/// The guest kernel's page size, VMCOREINFO's PAGESIZE, when it is one of
/// \p A's page sizes.
std::optional<uint32_t> guestPageSize(const Arch &A,
                                      llvm::StringRef VmcoreInfo);

/// Where the guest kernel's init_uts_ns is, from VMCOREINFO.
struct InitUtsNsAddress {
  uint64_t Vaddr = 0; ///< SYMBOL(init_uts_ns) (KASLR offset included).
  uint64_t Paddr = 0; ///< Its guest-physical address.
};

/// SYMBOL(init_uts_ns) of \p Info translated to guest-physical: on x86_64
/// with NUMBER(phys_base), on aarch64 with NUMBER(kimage_voffset), on ppc64
/// from the linear map at PAGE_OFFSET (0xc000000000000000), on s390x as is
/// (identity-mapped). None when
/// VMCOREINFO does not say, or the arch's translation is unknown.
std::optional<InitUtsNsAddress>
locateInitUtsNs(const Arch &A, const llvm::StringMap<std::string> &Info);

/// The six utsname fields of the guest's init_uts_ns at \p Where (its name
/// at OFFSET(uts_namespace.name), or where older kernels had it), or why
/// there is no utsname there (sysname must be "Linux").
llvm::Expected<std::array<std::string, 6>>
readInitUtsname(const GuestMemoryMap &Map, MemorySource &Memory,
                const llvm::StringMap<std::string> &Info,
                const InitUtsNsAddress &Where);

} // namespace qemudump

#endif // QEMUDUMP_GUESTKERNELINFO_H
