//===- QemuVmcoreInfo.cpp - The guest's VMCOREINFO note via QEMU's device -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuVmcoreInfo.h"

#include "Qemu/QemuObject.h"

#include "qemudump/Notes/Notes.h"

#include "lldb/API/SBBlock.h"
#include "lldb/API/SBFunction.h"
#include "lldb/API/SBSymbolContext.h"
#include "lldb/API/SBSymbolContextList.h"
#include "lldb/API/SBValueList.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SwapByteOrder.h"

using namespace llvm;

namespace qemudump {

namespace {

/// vmcoreinfo_realize()'s `static VMCoreInfoState *volatile
/// vmcoreinfo_state`: FindGlobalVariables cannot see a function-static, the
/// function's block can.
lldb::SBValue vmcoreInfoState(const QemuSession &S) {
  lldb::SBTarget Target = S.target();
  lldb::SBSymbolContextList Fns = Target.FindFunctions("vmcoreinfo_realize");
  for (uint32_t I = 0; I < Fns.GetSize(); ++I) {
    lldb::SBFunction F = Fns.GetContextAtIndex(I).GetFunction();
    if (!F.IsValid())
      continue;
    lldb::SBValueList Vars =
        F.GetBlock().GetVariables(Target, false, false, true);
    lldb::SBValue State = Vars.GetFirstValueByName("vmcoreinfo_state");
    if (State.IsValid())
      return State;
  }
  return {};
}

/// FWCfgVMCoreInfo: little-endian whatever the host.
struct DeviceState {
  bool HasVmcoreInfo = false;
  uint64_t GuestFormat = 0, Size = 0, Paddr = 0;
};

std::optional<DeviceState> readDeviceState(const QemuSession &S,
                                           lldb::SBValue State) {
  ValueReader R = S.reader();
  lldb::SBValue Dev = R.deref(State, "vmcoreinfo_state");
  DeviceState D;
  D.HasVmcoreInfo = R.u64(R.member(Dev, "has_vmcoreinfo", "VMCoreInfoState"),
                          "has_vmcoreinfo") != 0;
  lldb::SBValue Info = R.member(Dev, "vmcoreinfo", "VMCoreInfoState");
  D.GuestFormat =
      R.u64(R.member(Info, "guest_format", "FWCfgVMCoreInfo"), "guest_format");
  D.Size = R.u64(R.member(Info, "size", "FWCfgVMCoreInfo"), "size");
  D.Paddr = R.u64(R.member(Info, "paddr", "FWCfgVMCoreInfo"), "paddr");
  if (!R.ok())
    return std::nullopt;
  if (!S.littleEndian()) {
    D.GuestFormat = llvm::byteswap(uint16_t(D.GuestFormat));
    D.Size = llvm::byteswap(uint32_t(D.Size));
    D.Paddr = llvm::byteswap(D.Paddr);
  }
  return D;
}

} // namespace

std::optional<VmcoreInfoLocation>
findVmcoreInfo(const QemuSession &S, std::vector<std::string> &Warnings) {
  lldb::SBValue State = vmcoreInfoState(S);
  if (!State.IsValid())
    return std::nullopt; // No vmcoreinfo device in this QEMU.
  ValueReader R = S.reader();
  uint64_t Ptr = R.u64(State, "vmcoreinfo_state");
  if (!R.ok()) {
    Warnings.push_back("cannot read QEMU's vmcoreinfo_state; the vmcore has "
                       "no VMCOREINFO note");
    return std::nullopt;
  }
  if (Ptr == 0)
    return std::nullopt; // QEMU ran without -device vmcoreinfo.
  // A pointer that does not lead to a vmcoreinfo device: a damaged core.
  lldb::SBValue Obj = State.Dereference()
                          .GetChildMemberWithName("parent_obj")
                          .GetChildMemberWithName("parent_obj");
  Expected<std::string> Type = qomTypeName(S, Obj.GetLoadAddress());
  if (!Type || *Type != "vmcoreinfo") {
    Warnings.push_back(
        formatv("QEMU's vmcoreinfo_state at {0:x} does not point at a "
                "vmcoreinfo device ({1}): the core is damaged there; no "
                "VMCOREINFO note from the device",
                Ptr,
                Type ? "it is a '" + *Type + "'"
                     : "its QOM type cannot be read: " +
                           toString(Type.takeError()))
            .str());
    return std::nullopt;
  }
  std::optional<DeviceState> D = readDeviceState(S, State);
  if (!D) {
    Warnings.push_back(
        formatv("cannot read QEMU's vmcoreinfo device state at {0:x}; the "
                "vmcore has no VMCOREINFO note",
                Ptr)
            .str());
    return std::nullopt;
  }
  constexpr uint64_t FormatElf = 1;
  if (!D->HasVmcoreInfo || D->GuestFormat != FormatElf)
    return std::nullopt;
  if (D->Size == 0 || D->Size > MaxGuestNoteSize) {
    Warnings.push_back(
        formatv("the guest's VMCOREINFO size is {0} bytes (expected 1 to {1}); "
                "the vmcore has no VMCOREINFO note",
                D->Size, MaxGuestNoteSize)
            .str());
    return std::nullopt;
  }
  return VmcoreInfoLocation{D->Paddr, uint32_t(D->Size)};
}

std::optional<std::vector<uint8_t>>
readGuestNote(const QemuSession &S, const GuestMemoryMap &Map,
              bool LittleEndian, MemorySource &Memory,
              std::vector<std::string> &Warnings) {
  std::optional<VmcoreInfoLocation> Loc = findVmcoreInfo(S, Warnings);
  if (!Loc)
    return std::nullopt;
  std::optional<uint64_t> Host = Map.hostAddressOf(Loc->GuestAddr, Loc->Size);
  if (!Host) {
    Warnings.push_back(
        formatv("the guest's VMCOREINFO at guest-physical [{0:x}, {1:x}) is "
                "outside guest RAM; the vmcore has no VMCOREINFO note",
                Loc->GuestAddr, Loc->GuestAddr + Loc->Size)
            .str());
    return std::nullopt;
  }
  std::vector<uint8_t> Buffer(Loc->Size);
  if (Error Err = Memory.read(*Host, Buffer)) {
    Warnings.push_back(
        formatv("cannot read the guest's VMCOREINFO at guest-physical "
                "{0:x}: {1}; the vmcore has no VMCOREINFO note",
                Loc->GuestAddr, toString(std::move(Err)))
            .str());
    return std::nullopt;
  }
  Expected<std::vector<uint8_t>> Note = extractGuestNote(Buffer, LittleEndian);
  if (!Note) {
    Warnings.push_back(
        formatv("the guest's VMCOREINFO note at guest-physical {0:x} is "
                "malformed ({1}); the vmcore has no VMCOREINFO note",
                Loc->GuestAddr, toString(Note.takeError()))
            .str());
    return std::nullopt;
  }
  return std::move(*Note);
}

} // namespace qemudump
