//===- GuestKernelInfo.cpp - What the guest's Linux kernel says of itself -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/GuestKernelInfo.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"

#include <array>

using namespace llvm;

namespace qemudump {

namespace {

StringRef defaultMachine(const Arch &A) {
  switch (A.Machine) {
  case ELF::EM_X86_64:
    return "x86_64";
  case ELF::EM_386:
    return "i686";
  case ELF::EM_AARCH64:
    return A.isLittleEndian() ? "aarch64" : "aarch64_be";
  case ELF::EM_S390:
    return "s390x";
  case ELF::EM_PPC64:
    return A.isLittleEndian() ? "ppc64le" : "ppc64";
  case ELF::EM_RISCV:
    return A.is64Bit() ? "riscv64" : "riscv32";
  case ELF::EM_LOONGARCH:
    return "loongarch64";
  case ELF::EM_ARM:
    return "armv7l";
  }
  return "unknown";
}

std::optional<uint64_t> parseHex(StringRef S) {
  S = S.trim();
  S.consume_front_insensitive("0x");
  uint64_t V;
  if (S.empty() || S.getAsInteger(16, V))
    return std::nullopt;
  return V;
}

/// The NUL-terminated string at the start of \p Field.
std::string cString(ArrayRef<uint8_t> Field) {
  StringRef S(reinterpret_cast<const char *>(Field.data()), Field.size());
  return S.take_until([](char C) { return C == '\0'; }).str();
}

/// NUMBER(phys_base): signed decimal (QEMU's own kdump writer reads it as
/// hex: a bug). None when absent or not a number.
std::optional<int64_t> physBase(const StringMap<std::string> &Info) {
  auto It = Info.find("NUMBER(phys_base)");
  int64_t V;
  if (It == Info.end() || StringRef(It->second).trim().getAsInteger(10, V))
    return std::nullopt;
  return V;
}

/// What is known of any guest: Linux, the machine of its arch.
GuestKernelInfo defaults(const Arch &A) {
  GuestKernelInfo G;
  G.Uts.Sysname = "Linux";
  G.Uts.Nodename = "(none)";
  G.Uts.Release = "unknown";
  G.Uts.Version = "unknown";
  G.Uts.Machine = defaultMachine(A).str();
  G.Uts.Domainname = "(none)";
  G.UtsSource = "defaults";
  return G;
}

/// phys_base and the release, from VMCOREINFO.
void takeVmcoreInfoNumbers(const StringMap<std::string> &Info,
                           GuestKernelInfo &G,
                           std::vector<std::string> &Warnings) {
  G.UtsSource = "VMCOREINFO";
  auto It = Info.find("NUMBER(phys_base)");
  if (It != Info.end()) {
    if (std::optional<int64_t> V = physBase(Info))
      G.PhysBase = *V;
    else
      Warnings.push_back(formatv("VMCOREINFO's NUMBER(phys_base)={0} is not a "
                                 "decimal number; phys_base is 0",
                                 It->second)
                             .str());
  }
  It = Info.find("OSRELEASE");
  if (It != Info.end() && !StringRef(It->second).trim().empty())
    G.Uts.Release = StringRef(It->second).trim().str();
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
                                    std::optional<StringRef> VmcoreInfo,
                                    std::vector<std::string> &Warnings) {
  GuestKernelInfo G = defaults(A);
  // aarch64's phys_base is PHYS_OFFSET, the start of RAM: as QEMU's dump,
  // guessed as the lowest guest RAM until VMCOREINFO says.
  bool Arm64 = A.Machine == ELF::EM_AARCH64;
  if (Arm64 && !Map.empty())
    G.PhysBase = int64_t(Map.blocks().front().GuestStart);
  if (!VmcoreInfo) {
    Warnings.push_back(formatv("no VMCOREINFO from the guest: the kdump "
                               "header's utsname says only what is known "
                               "(Linux, the machine), phys_base is {0}",
                               Arm64 ? "the lowest guest RAM address" : "0")
                           .str());
    return G;
  }
  StringMap<std::string> Info = parseVmcoreInfo(*VmcoreInfo);
  takeVmcoreInfoNumbers(Info, G, Warnings);
  if (Arm64) {
    auto It = Info.find("NUMBER(PHYS_OFFSET)");
    if (It != Info.end()) {
      if (std::optional<uint64_t> V = parseHex(It->second))
        G.PhysBase = int64_t(*V);
      else
        Warnings.push_back(formatv("VMCOREINFO's NUMBER(PHYS_OFFSET)={0} is "
                                   "not a hexadecimal number; phys_base is "
                                   "the lowest guest RAM address",
                                   It->second)
                               .str());
    }
  }
  std::optional<InitUtsNsAddress> Where = locateInitUtsNs(A, Info);
  if (!Where)
    return G;
  Expected<std::array<std::string, 6>> Fields =
      readInitUtsname(Map, Memory, Info, *Where);
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

std::optional<InitUtsNsAddress>
locateInitUtsNs(const Arch &A, const StringMap<std::string> &Info) {
  auto It = Info.find("SYMBOL(init_uts_ns)");
  if (It == Info.end())
    return std::nullopt;
  std::optional<uint64_t> Vaddr = parseHex(It->second);
  if (!Vaddr)
    return std::nullopt;
  if (A.Machine == ELF::EM_X86_64) {
    constexpr uint64_t StartKernelMap = 0xffffffff80000000ULL;
    if (*Vaddr >= StartKernelMap)
      return InitUtsNsAddress{*Vaddr, *Vaddr - StartKernelMap +
                                          uint64_t(physBase(Info).value_or(0))};
  } else if (A.Machine == ELF::EM_AARCH64) {
    It = Info.find("NUMBER(kimage_voffset)");
    if (It != Info.end())
      if (std::optional<uint64_t> VOff = parseHex(It->second))
        return InitUtsNsAddress{*Vaddr, *Vaddr - *VOff};
  } else if (A.Machine == ELF::EM_PPC64) {
    // The kernel runs in the linear map at PAGE_OFFSET.
    constexpr uint64_t PageOffset = 0xc000000000000000ULL;
    if (*Vaddr >= PageOffset)
      return InitUtsNsAddress{*Vaddr, *Vaddr - PageOffset};
  } else if (A.Machine == ELF::EM_S390) {
    // Identity-mapped (the kernel image too, before Linux 6.10): the proof
    // through init_uts_ns rejects a kernel where it is not.
    return InitUtsNsAddress{*Vaddr, *Vaddr};
  }
  return std::nullopt;
}

Expected<std::array<std::string, 6>>
readInitUtsname(const GuestMemoryMap &Map, MemorySource &Memory,
                const StringMap<std::string> &Info,
                const InitUtsNsAddress &Where) {
  // uts_namespace.name's offset, or the ones it had before the kernel
  // exported it.
  SmallVector<uint64_t, 3> NameOffsets = {0, 4, 8};
  auto It = Info.find("OFFSET(uts_namespace.name)");
  uint64_t Off;
  if (It != Info.end() && !StringRef(It->second).trim().getAsInteger(10, Off))
    NameOffsets = {Off};
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

std::optional<uint32_t> guestPageSize(const Arch &A, StringRef VmcoreInfo) {
  StringMap<std::string> Info = parseVmcoreInfo(VmcoreInfo);
  auto It = Info.find("PAGESIZE");
  uint32_t Size;
  if (It == Info.end() || StringRef(It->second).trim().getAsInteger(10, Size) ||
      !is_contained(A.pageSizes(), Size))
    return std::nullopt;
  return Size;
}

} // namespace qemudump
