//===- GuestKernelInfo.cpp - What the guest's Linux kernel says of itself -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/GuestKernelInfo.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <array>

using namespace llvm;

namespace qemudump {

namespace {

/// The NUL-terminated string at the start of \p Field.
std::string cString(ArrayRef<uint8_t> Field) {
  StringRef S(reinterpret_cast<const char *>(Field.data()), Field.size());
  return S.take_until([](char C) { return C == '\0'; }).str();
}

/// What is known of any guest: Linux, the machine of its arch.
GuestKernelInfo defaults(const Arch &A) {
  GuestKernelInfo G;
  G.Uts.Sysname = "Linux";
  G.Uts.Nodename = "(none)";
  G.Uts.Release = "unknown";
  G.Uts.Version = "unknown";
  G.Uts.Machine = A.UtsMachine.str();
  G.Uts.Domainname = "(none)";
  G.UtsSource = "defaults";
  return G;
}

/// phys_base and the release, from VMCOREINFO.
void takeVmcoreInfoNumbers(const Arch &A, const VmcoreInfo &Info,
                           GuestKernelInfo &G,
                           std::vector<std::string> &Warnings) {
  G.UtsSource = "VMCOREINFO";
  // NUMBER(phys_base) is signed decimal (QEMU's own kdump writer reads it as
  // hex: a bug).
  if (std::optional<StringRef> V = Info.value("NUMBER(phys_base)")) {
    if (std::optional<int64_t> N = Info.decimal("NUMBER(phys_base)"))
      G.PhysBase = *N;
    else
      Warnings.push_back(formatv("VMCOREINFO's NUMBER(phys_base)={0} is not a "
                                 "decimal number; phys_base is 0",
                                 *V)
                             .str());
  }
  if (A.PhysBase == PhysBaseSource::PhysOffset) {
    if (std::optional<StringRef> V = Info.value("NUMBER(PHYS_OFFSET)")) {
      if (std::optional<uint64_t> N = Info.hex("NUMBER(PHYS_OFFSET)"))
        G.PhysBase = int64_t(*N);
      else
        Warnings.push_back(formatv("VMCOREINFO's NUMBER(PHYS_OFFSET)={0} is "
                                   "not a hexadecimal number; phys_base is "
                                   "the lowest guest RAM address",
                                   *V)
                               .str());
    }
  }
  if (!Info.release().empty())
    G.Uts.Release = Info.release().str();
}

/// The utsname at guest-physical \p At, or why there is none.
Expected<std::array<std::string, 6>>
readUtsname(const GuestMemoryMap &Map, MemorySource &Memory, uint64_t At) {
  constexpr size_t UtsSize = 6 * UtsFieldSize;
  std::optional<uint64_t> Host = Map.hostAddressOf(At, UtsSize);
  if (!Host)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("guest-physical {0:x} is not in guest RAM", At).str());
  std::vector<uint8_t> Buf(UtsSize);
  if (Error Err = Memory.read(*Host, Buf))
    return std::move(Err);
  std::array<std::string, 6> Fields;
  for (size_t I = 0; I < 6; ++I)
    Fields[I] = cString(
        ArrayRef<uint8_t>(Buf).slice(I * UtsFieldSize, UtsFieldSize - 1));
  if (Fields[0] != "Linux")
    return createStringError(inconvertibleErrorCode(),
                             formatv("guest-physical {0:x} holds no utsname "
                                     "(sysname '{1}')",
                                     At, Fields[0])
                                 .str());
  return Fields;
}

/// The guest's own fields over the defaults; the release stays VMCOREINFO's.
void takeUtsname(const std::array<std::string, 6> &Fields, GuestKernelInfo &G,
                 std::vector<std::string> &Warnings) {
  if (!Fields[1].empty())
    G.Uts.Nodename = Fields[1];
  if (!Fields[2].empty() && Fields[2] != G.Uts.Release)
    Warnings.push_back(formatv("the guest's init_uts_ns says release '{0}', "
                               "VMCOREINFO '{1}'; the header has VMCOREINFO's",
                               Fields[2], G.Uts.Release)
                           .str());
  if (!Fields[3].empty())
    G.Uts.Version = Fields[3];
  if (!Fields[4].empty())
    G.Uts.Machine = Fields[4];
  if (!Fields[5].empty())
    G.Uts.Domainname = Fields[5];
  G.UtsSource = "init_uts_ns";
}

} // namespace

GuestKernelInfo readGuestKernelInfo(const Arch &A, const GuestMemoryMap &Map,
                                    MemorySource &Memory,
                                    const VmcoreInfo *Info,
                                    std::vector<std::string> &Warnings) {
  GuestKernelInfo G = defaults(A);
  // arm64's phys_base is PHYS_OFFSET, the start of RAM: as QEMU's dump,
  // guessed as the lowest guest RAM until VMCOREINFO says.
  bool RamStart = A.PhysBase == PhysBaseSource::PhysOffset;
  if (RamStart && !Map.empty())
    G.PhysBase = int64_t(Map.blocks().front().GuestStart);
  if (!Info) {
    Warnings.push_back(formatv("no VMCOREINFO from the guest: the kdump "
                               "header's utsname says only what is known "
                               "(Linux, the machine), phys_base is {0}",
                               RamStart ? "the lowest guest RAM address" : "0")
                           .str());
    return G;
  }
  takeVmcoreInfoNumbers(A, *Info, G, Warnings);
  std::optional<InitUtsNsAddress> Where = locateInitUtsNs(A, *Info);
  if (!Where)
    return G;
  Expected<std::array<std::string, 6>> Fields =
      readInitUtsname(Map, Memory, *Info, *Where);
  if (!Fields) {
    Warnings.push_back(
        formatv("cannot read the guest's init_uts_ns (virtual "
                "{0:x}, physical {1:x}): {2}; the kdump header's "
                "utsname has the release from VMCOREINFO, the "
                "rest filled in",
                Where->Vaddr, Where->Paddr, toString(Fields.takeError()))
            .str());
    return G;
  }
  takeUtsname(*Fields, G, Warnings);
  return G;
}

std::optional<InitUtsNsAddress> locateInitUtsNs(const Arch &A,
                                                const VmcoreInfo &Info) {
  std::optional<uint64_t> Vaddr = Info.hex("SYMBOL(init_uts_ns)");
  if (!Vaddr || !A.KernelPhysical)
    return std::nullopt;
  std::optional<uint64_t> Paddr = A.KernelPhysical(*Vaddr, Info);
  if (!Paddr)
    return std::nullopt;
  return InitUtsNsAddress{*Vaddr, *Paddr};
}

Expected<std::array<std::string, 6>>
readInitUtsname(const GuestMemoryMap &Map, MemorySource &Memory,
                const VmcoreInfo &Info, const InitUtsNsAddress &Where) {
  // uts_namespace.name's offset, or the ones it had before the kernel
  // exported it.
  SmallVector<uint64_t, 3> NameOffsets = {0, 4, 8};
  std::optional<int64_t> Off = Info.decimal("OFFSET(uts_namespace.name)");
  if (Off && *Off >= 0)
    NameOffsets = {uint64_t(*Off)};
  Error Last = Error::success();
  for (uint64_t NameOff : NameOffsets) {
    Expected<std::array<std::string, 6>> Fields =
        readUtsname(Map, Memory, Where.Paddr + NameOff);
    if (Fields) {
      consumeError(std::move(Last));
      return Fields;
    }
    consumeError(std::move(Last));
    Last = Fields.takeError();
  }
  return std::move(Last);
}

std::optional<uint32_t> guestPageSize(const Arch &A, const VmcoreInfo &Info) {
  std::optional<uint64_t> Size = Info.pageSize();
  if (!Size || !is_contained(A.PageSizes, *Size))
    return std::nullopt;
  return uint32_t(*Size);
}

} // namespace qemudump
