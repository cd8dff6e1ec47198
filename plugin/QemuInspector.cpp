//===- QemuInspector.cpp - QEMU's memory map from its debug info ----------===//

#include "QemuInspector.h"

#include "qemudump/BuildId.h"
#include "qemudump/CoreFileMemory.h"
#include "qemudump/Notes.h"
#include "qemudump/X86Flags.h"

#include "lldb/API/SBAddress.h"
#include "lldb/API/SBBlock.h"
#include "lldb/API/SBData.h"
#include "lldb/API/SBError.h"
#include "lldb/API/SBExpressionOptions.h"
#include "lldb/API/SBFileSpec.h"
#include "lldb/API/SBFunction.h"
#include "lldb/API/SBSymbol.h"
#include "lldb/API/SBSymbolContext.h"
#include "lldb/API/SBSymbolContextList.h"
#include "lldb/API/SBType.h"
#include "lldb/API/SBTypeEnumMember.h"
#include "lldb/API/SBValueList.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SwapByteOrder.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <dlfcn.h>

using namespace llvm;

namespace qemudump {

namespace {

/// A QEMU memory map has tens to a few hundred flat ranges; more than this
/// means the FlatView is corrupt (or not a FlatView).
constexpr uint64_t MaxFlatRanges = 1 << 16;
/// Flat ranges are rendered with aliases resolved; a longer chain than this is
/// a cycle or garbage.
constexpr unsigned MaxAliasDepth = 16;

Error corrupt(const Twine &What) {
  return createStringError(
      inconvertibleErrorCode(),
      (Twine("QEMU's memory map is unreadable or corrupt: ") + What +
       "; the core may be damaged, or it does not match this QEMU binary")
          .str());
}

Error valueError(lldb::SBValue V, const Twine &What) {
  lldb::SBError E = V.GetError();
  std::string Why = E.Fail() && E.GetCString() ? E.GetCString() : "invalid";
  return corrupt(What + ": " + Why);
}

/// A member that every supported QEMU version has.
Expected<lldb::SBValue> member(lldb::SBValue V, const char *Name,
                               StringRef Context) {
  lldb::SBValue M = V.GetChildMemberWithName(Name);
  if (!M.IsValid())
    return createStringError(
        inconvertibleErrorCode(),
        formatv("{0} has no member '{1}' in QEMU's debug info; this QEMU "
                "version's memory structures are not supported",
                Context, Name)
            .str());
  if (M.GetError().Fail())
    return valueError(M, Twine(Context) + "." + Name);
  return M;
}

Expected<uint64_t> unsignedValue(lldb::SBValue V, const Twine &What) {
  lldb::SBError E;
  uint64_t U = V.GetValueAsUnsigned(E, 0);
  if (E.Fail())
    return valueError(V, "cannot read " + What);
  return U;
}

/// A flag member that older QEMU versions lack: missing counts as false.
Expected<bool> optionalFlag(lldb::SBValue V, const char *Name,
                            StringRef Context) {
  lldb::SBValue M = V.GetChildMemberWithName(Name);
  if (!M.IsValid())
    return false;
  Expected<uint64_t> U = unsignedValue(M, Twine(Context) + "." + Name);
  if (!U)
    return U.takeError();
  return *U != 0;
}

/// QEMU's Int128: `__int128` on most 64-bit builds, a {lo, hi} struct
/// otherwise. Either way its 16 bytes are a host-endian 128-bit integer; the
/// struct's members are read by name since their order changed in 6.2.
struct U128 {
  uint64_t Lo = 0, Hi = 0;
};

Expected<U128> int128Value(lldb::SBValue V, bool LittleEndian,
                           const Twine &What) {
  lldb::SBValue Lo = V.GetChildMemberWithName("lo");
  lldb::SBValue Hi = V.GetChildMemberWithName("hi");
  if (Lo.IsValid() && Hi.IsValid()) {
    Expected<uint64_t> L = unsignedValue(Lo, What + ".lo");
    if (!L)
      return L.takeError();
    Expected<uint64_t> H = unsignedValue(Hi, What + ".hi");
    if (!H)
      return H.takeError();
    return U128{*L, *H};
  }
  lldb::SBData D = V.GetData();
  if (!D.IsValid() || D.GetByteSize() != 16)
    return valueError(V, "cannot read the 16 bytes of " + What);
  lldb::SBError E1, E2;
  uint64_t A = D.GetUnsignedInt64(E1, 0);
  uint64_t B = D.GetUnsignedInt64(E2, 8);
  if (E1.Fail() || E2.Fail())
    return valueError(V, "cannot decode " + What);
  return LittleEndian ? U128{A, B} : U128{B, A};
}

Expected<uint64_t> int128As64(lldb::SBValue V, bool LittleEndian,
                              const Twine &What) {
  Expected<U128> I = int128Value(V, LittleEndian, What);
  if (!I)
    return I.takeError();
  if (I->Hi != 0)
    return corrupt(formatv("{0} is {1:x}{2:x-16}, beyond 64 bits", What,
                           I->Hi, I->Lo)
                       .str());
  return I->Lo;
}

} // namespace

Expected<QemuInspector> QemuInspector::create(lldb::SBDebugger Debugger) {
  lldb::SBTarget Target = Debugger.GetSelectedTarget();
  if (!Target.IsValid())
    return createStringError(
        inconvertibleErrorCode(),
        "no target: load QEMU and its core first, e.g. "
        "`lldb qemu-system-x86_64 -c core` or `target create "
        "qemu-system-x86_64 --core core`");
  lldb::SBProcess Process = Target.GetProcess();
  if (!Process.IsValid())
    return createStringError(
        inconvertibleErrorCode(),
        "the target has no process: load QEMU's core (`target create "
        "--core core qemu-system-x86_64`) or attach to a running QEMU "
        "(`process attach -p PID`)");
  lldb::StateType State = Process.GetState();
  if (State == lldb::eStateRunning || State == lldb::eStateStepping ||
      State == lldb::eStateLaunching || State == lldb::eStateAttaching)
    return createStringError(
        inconvertibleErrorCode(),
        "the process is running: stop it first (`process interrupt`)");
  if (State == lldb::eStateExited || State == lldb::eStateDetached ||
      State == lldb::eStateInvalid || State == lldb::eStateUnloaded)
    return createStringError(
        inconvertibleErrorCode(),
        "the process is gone (exited or detached): load a core of QEMU or "
        "attach to a running QEMU");

  lldb::SBModule Exe = Target.FindModule(Target.GetExecutable());
  if (!Exe.IsValid())
    Exe = Target.GetModuleAtIndex(0);
  const char *ExeName = Exe.GetFileSpec().GetFilename();
  std::string Name = ExeName ? ExeName : "the executable";

  lldb::SBValue AS = Exe.FindFirstGlobalVariable(Target, "address_space_memory");
  if (!AS.IsValid())
    AS = Target.FindFirstGlobalVariable("address_space_memory");
  if (!AS.IsValid()) {
    const char *Remedy =
        "load the QEMU binary with debug info, e.g. install its -dbgsym "
        "package or build QEMU with --enable-debug-info, and make sure it is "
        "the build that wrote the core";
    if (Exe.FindSymbol("address_space_memory").IsValid())
      return createStringError(
          inconvertibleErrorCode(),
          formatv("'{0}' is QEMU but has no debug info (it has the symbol "
                  "'address_space_memory' but no type for it): {1}",
                  Name, Remedy)
              .str());
    if (StringRef(Name).starts_with("qemu"))
      return createStringError(
          inconvertibleErrorCode(),
          formatv("'{0}' has no debug info (no 'address_space_memory' in "
                  "it): {1}",
                  Name, Remedy)
              .str());
    return createStringError(
        inconvertibleErrorCode(),
        formatv("'{0}' does not look like QEMU: it has no "
                "'address_space_memory'; load qemu-system-* (with debug info) "
                "and a core of it",
                Name)
            .str());
  }

  QemuInspector I(Target, Process, Exe, AS);
  I.LittleEndian = Target.GetByteOrder() != lldb::eByteOrderBig;
  return I;
}

Error QemuInspector::checkCoreMatchesBinary(CoreFileMemory &Core) {
  // The build-id of the executable as the core has it in memory (its NT_FILE
  // mapping of the file's start), against the build-id of the file LLDB
  // loaded: reading QEMU's structures with another build's debug info would
  // read garbage.
  const char *Uuid = Exe.GetUUIDString();
  const char *ExeName = Exe.GetFileSpec().GetFilename();
  if (!Uuid || !ExeName)
    return Error::success();
  std::string Want;
  for (const char *C = Uuid; *C; ++C)
    if (*C != '-')
      Want += toLower(*C);
  auto Read = [&](uint64_t Addr, MutableArrayRef<uint8_t> Buf) {
    return Core.read(Addr, Buf);
  };
  for (const CoreFileMemory::MappedFile &F : Core.mappedFiles()) {
    if (F.FileOffset != 0 || sys::path::filename(F.Path) != ExeName)
      continue;
    Expected<std::optional<std::vector<uint8_t>>> Id =
        readBuildId(Read, F.Start);
    if (!Id) {
      consumeError(Id.takeError()); // Not in the core: cannot tell.
      continue;
    }
    if (!*Id || Want.size() != (*Id)->size() * 2)
      continue; // No build-id, or LLDB's UUID is not one.
    std::string Actual = toHex(**Id, /*LowerCase=*/true);
    if (Actual == Want)
      return Error::success();
    return createStringError(
        inconvertibleErrorCode(),
        formatv("the core was written by a different build of QEMU than "
                "'{0}': build-id {1} in the core ({2}), {3} in the binary; "
                "load the exact binary that crashed",
                ExeName, Actual, F.Path, Want)
            .str());
  }
  return Error::success();
}

void QemuInspector::completeLayout(const char *Type) {
  // QEMU's DWARF makes LLDB report members that "extend beyond the bounds"
  // of their type (unions of vector registers, QTAILQ heads in CPUState and
  // CPUX86State). Such a struct, completed lazily for SBValue, can come out
  // with members dropped and the later ones at wrong offsets (seen:
  // CPUX86State's kernelgsbase 8 bytes early in QEMU 7.2). Completing the
  // type through the expression parser first lays it out from the DWARF's
  // member offsets, and SBValue then uses that layout. sizeof needs no
  // running process. (The memory map's structures have no such members: the
  // real-QEMU tests check their layout byte for byte.)
  lldb::SBExpressionOptions Options;
  Options.SetLanguage(lldb::eLanguageTypeC);
  Options.SetSuppressPersistentResult(true);
  Options.SetAutoApplyFixIts(false);
  Options.SetTryAllThreads(false);
  lldb::SBValue Size = Target.EvaluateExpression(
      (Twine("sizeof(") + Type + ")").str().c_str(), Options);
  (void)Size; // Only the side effect matters; a failure changes nothing.
}

Expected<lldb::SBType> QemuInspector::flatRangeType(lldb::SBValue Ranges) {
  lldb::SBType T = Ranges.GetType().GetPointeeType();
  if (T.IsValid() && T.GetByteSize() > 0 && T.IsTypeComplete())
    return T;
  // FlatRange is complete only in memory.c's unit; look for that definition.
  lldb::SBTypeList Types = Target.FindTypes("FlatRange");
  for (uint32_t I = 0; I < Types.GetSize(); ++I) {
    lldb::SBType C = Types.GetTypeAtIndex(I).GetCanonicalType();
    if (C.IsValid() && C.GetByteSize() > 0 && C.IsTypeComplete())
      return C;
  }
  return createStringError(
      inconvertibleErrorCode(),
      "QEMU's debug info has no complete definition of FlatRange (it lives "
      "in memory.c's debug info): load the QEMU binary with full debug info");
}

std::string QemuInspector::readCString(lldb::SBValue Pointer) {
  lldb::SBError E;
  uint64_t Addr = Pointer.GetValueAsUnsigned(E, 0);
  if (E.Fail() || Addr == 0)
    return "";
  char Buf[128] = {};
  size_t N = Process.ReadCStringFromMemory(Addr, Buf, sizeof(Buf), E);
  if (E.Fail())
    return "";
  return std::string(Buf, N);
}

Error QemuInspector::addFlatRange(lldb::SBValue Range, GuestMemory &Out) {
  Expected<lldb::SBValue> MrPtr = member(Range, "mr", "FlatRange");
  if (!MrPtr)
    return MrPtr.takeError();
  Expected<lldb::SBValue> AddrRange = member(Range, "addr", "FlatRange");
  if (!AddrRange)
    return AddrRange.takeError();
  Expected<lldb::SBValue> OffsetInRegion =
      member(Range, "offset_in_region", "FlatRange");
  if (!OffsetInRegion)
    return OffsetInRegion.takeError();

  Expected<uint64_t> MrAddr = unsignedValue(*MrPtr, "FlatRange.mr");
  if (!MrAddr)
    return MrAddr.takeError();
  if (*MrAddr == 0)
    return corrupt("a flat range has a NULL MemoryRegion");
  lldb::SBValue Mr = MrPtr->Dereference();
  if (!Mr.IsValid() || Mr.GetError().Fail())
    return valueError(Mr, formatv("MemoryRegion at {0:x}", *MrAddr).str());

  Expected<bool> Ram = optionalFlag(Mr, "ram", "MemoryRegion");
  if (!Ram)
    return Ram.takeError();
  if (!*Ram)
    return Error::success();

  Expected<lldb::SBValue> Start = member(*AddrRange, "start", "AddrRange");
  if (!Start)
    return Start.takeError();
  Expected<lldb::SBValue> SizeV = member(*AddrRange, "size", "AddrRange");
  if (!SizeV)
    return SizeV.takeError();
  Expected<uint64_t> GuestStart =
      int128As64(*Start, LittleEndian, "FlatRange.addr.start");
  if (!GuestStart)
    return GuestStart.takeError();
  Expected<uint64_t> Size =
      int128As64(*SizeV, LittleEndian, "FlatRange.addr.size");
  if (!Size)
    return Size.takeError();
  Expected<uint64_t> Offset =
      unsignedValue(*OffsetInRegion, "FlatRange.offset_in_region");
  if (!Offset)
    return Offset.takeError();

  FlatRangeRow Row;
  Row.GuestStart = *GuestStart;
  Row.GuestEnd = *GuestStart + *Size;
  Row.Region = readCString(Mr.GetChildMemberWithName("name"));

  // Which ranges QEMU itself dumps (memory_mapping.c): RAM (ROM counts),
  // but not RAM devices (a device's BAR) nor non-volatile memory (pmem).
  const char *Skip = nullptr;
  Expected<bool> RamDevice = optionalFlag(Mr, "ram_device", "MemoryRegion");
  if (!RamDevice)
    return RamDevice.takeError();
  Expected<bool> NonVolatile = optionalFlag(Mr, "nonvolatile", "MemoryRegion");
  if (!NonVolatile)
    return NonVolatile.takeError();
  if (*RamDevice)
    Skip = "skipped (ram_device)";
  else if (*NonVolatile)
    Skip = "skipped (nonvolatile)";
  if (Skip) {
    Row.Message = Skip;
    Row.BlockCount = Out.Map.blocks().size();
    Out.Rows.push_back(std::move(Row));
    return Error::success();
  }

  // The region's RAM pointer: flat ranges are rendered with aliases resolved,
  // but follow `alias` (+ alias_offset) all the same, as QEMU's
  // memory_region_get_ram_ptr does.
  uint64_t HostOffset = *Offset;
  lldb::SBValue Region = Mr;
  for (unsigned Depth = 0;; ++Depth) {
    lldb::SBValue Alias = Region.GetChildMemberWithName("alias");
    if (!Alias.IsValid())
      break;
    Expected<uint64_t> AliasAddr = unsignedValue(Alias, "MemoryRegion.alias");
    if (!AliasAddr)
      return AliasAddr.takeError();
    if (*AliasAddr == 0)
      break;
    if (Depth == MaxAliasDepth)
      return corrupt(formatv("the alias chain of region '{0}' is longer than "
                             "{1} (a cycle?)",
                             Row.Region, MaxAliasDepth)
                         .str());
    Expected<lldb::SBValue> AliasOffset =
        member(Region, "alias_offset", "MemoryRegion");
    if (!AliasOffset)
      return AliasOffset.takeError();
    Expected<uint64_t> AO = unsignedValue(*AliasOffset, "alias_offset");
    if (!AO)
      return AO.takeError();
    HostOffset += *AO;
    Region = Alias.Dereference();
    if (!Region.IsValid() || Region.GetError().Fail())
      return valueError(Region,
                        formatv("alias target at {0:x}", *AliasAddr).str());
  }

  Expected<lldb::SBValue> BlockPtr =
      member(Region, "ram_block", "MemoryRegion");
  if (!BlockPtr)
    return BlockPtr.takeError();
  Expected<uint64_t> BlockAddr =
      unsignedValue(*BlockPtr, "MemoryRegion.ram_block");
  if (!BlockAddr)
    return BlockAddr.takeError();
  if (*BlockAddr == 0)
    return corrupt(formatv("RAM region '{0}' at guest-physical {1:x} has no "
                           "RAMBlock",
                           Row.Region, Row.GuestStart)
                       .str());
  lldb::SBValue Block = BlockPtr->Dereference();
  if (!Block.IsValid() || Block.GetError().Fail())
    return valueError(Block, formatv("RAMBlock at {0:x}", *BlockAddr).str());
  Expected<lldb::SBValue> HostPtr = member(Block, "host", "RAMBlock");
  if (!HostPtr)
    return HostPtr.takeError();
  Expected<uint64_t> Host = unsignedValue(*HostPtr, "RAMBlock.host");
  if (!Host)
    return Host.takeError();
  if (*Host == 0)
    return corrupt(formatv("the RAMBlock of region '{0}' (guest-physical "
                           "{1:x}) has a NULL host pointer",
                           Row.Region, Row.GuestStart)
                       .str());
  lldb::SBValue MaxLength = Block.GetChildMemberWithName("max_length");
  if (MaxLength.IsValid()) {
    Expected<uint64_t> Max = unsignedValue(MaxLength, "RAMBlock.max_length");
    if (!Max)
      return Max.takeError();
    if (HostOffset > *Max || *Size > *Max - HostOffset)
      return corrupt(formatv("region '{0}' maps [{1:x}, {2:x}) of its RAMBlock, "
                             "which is only {3:x} bytes long",
                             Row.Region, HostOffset, HostOffset + *Size, *Max)
                         .str());
  }
  Row.HostAddr = *Host + HostOffset;

  Expected<GuestMemoryMap::AddResult> Added =
      Out.Map.addRange(Row.GuestStart, *Size, Row.HostAddr);
  if (!Added)
    return corrupt(toString(Added.takeError()));
  Row.Message = *Added == GuestMemoryMap::AddResult::Joined ? "joined" : "added";
  Row.BlockCount = Out.Map.blocks().size();
  Out.Rows.push_back(std::move(Row));
  return Error::success();
}

Expected<GuestMemory> QemuInspector::readGuestMemory() {
  Expected<lldb::SBValue> MapPtr =
      member(AddressSpaceMemory, "current_map", "address_space_memory");
  if (!MapPtr)
    return MapPtr.takeError();
  Expected<uint64_t> MapAddr =
      unsignedValue(*MapPtr, "address_space_memory.current_map");
  if (!MapAddr)
    return MapAddr.takeError();
  if (*MapAddr == 0)
    return corrupt("address_space_memory.current_map is NULL (QEMU died "
                   "before its memory map was set up?)");
  lldb::SBValue View = MapPtr->Dereference();
  if (!View.IsValid() || View.GetError().Fail())
    return valueError(View, "address_space_memory.current_map");
  Expected<lldb::SBValue> NrV = member(View, "nr", "FlatView");
  if (!NrV)
    return NrV.takeError();
  Expected<uint64_t> Nr = unsignedValue(*NrV, "FlatView.nr");
  if (!Nr)
    return Nr.takeError();
  if (*Nr > MaxFlatRanges)
    return corrupt(formatv("FlatView.nr is {0}, more than the {1} flat ranges "
                           "a QEMU memory map can plausibly have",
                           *Nr, MaxFlatRanges)
                       .str());
  Expected<lldb::SBValue> Ranges = member(View, "ranges", "FlatView");
  if (!Ranges)
    return Ranges.takeError();
  Expected<uint64_t> RangesAddr = unsignedValue(*Ranges, "FlatView.ranges");
  if (!RangesAddr)
    return RangesAddr.takeError();
  if (*RangesAddr == 0 && *Nr != 0)
    return corrupt("FlatView.ranges is NULL");
  Expected<lldb::SBType> RangeType = flatRangeType(*Ranges);
  if (!RangeType)
    return RangeType.takeError();
  uint64_t Stride = RangeType->GetByteSize();

  GuestMemory Out;
  for (uint64_t I = 0; I < *Nr; ++I) {
    uint64_t Addr = *RangesAddr + I * Stride;
    lldb::SBValue Range = Target.CreateValueFromAddress(
        "flat_range", lldb::SBAddress(Addr, Target), *RangeType);
    if (!Range.IsValid() || Range.GetError().Fail())
      return valueError(Range, formatv("flat range {0} at {1:x}", I, Addr).str());
    if (Error Err = addFlatRange(Range, Out))
      return std::move(Err);
  }
  if (Out.Map.empty())
    return createStringError(
        inconvertibleErrorCode(),
        "QEMU's memory map has no RAM: the guest has no memory to dump (or "
        "QEMU died before its memory map was set up)");
  return Out;
}

std::optional<VmcoreInfoLocation>
QemuInspector::findVmcoreInfo(std::vector<std::string> &Warnings) {
  // QEMU >= 2.12 keeps the device in a function-static pointer
  // (docs/specs/vmcoreinfo.rst); FindGlobalVariables cannot see it, the
  // function's block can.
  lldb::SBSymbolContextList Fns = Target.FindFunctions("vmcoreinfo_realize");
  lldb::SBValue State;
  for (uint32_t I = 0; I < Fns.GetSize() && !State.IsValid(); ++I) {
    lldb::SBFunction F = Fns.GetContextAtIndex(I).GetFunction();
    if (!F.IsValid())
      continue;
    lldb::SBValueList Vars =
        F.GetBlock().GetVariables(Target, false, false, true);
    State = Vars.GetFirstValueByName("vmcoreinfo_state");
  }
  if (!State.IsValid())
    return std::nullopt; // No vmcoreinfo device in this QEMU.
  lldb::SBError E;
  uint64_t Ptr = State.GetValueAsUnsigned(E, 0);
  if (E.Fail()) {
    Warnings.push_back("cannot read QEMU's vmcoreinfo_state; the vmcore has "
                       "no VMCOREINFO note");
    return std::nullopt;
  }
  if (Ptr == 0)
    return std::nullopt; // QEMU ran without -device vmcoreinfo.
  lldb::SBValue S = State.Dereference();
  lldb::SBValue Has = S.GetChildMemberWithName("has_vmcoreinfo");
  lldb::SBValue Info = S.GetChildMemberWithName("vmcoreinfo");
  lldb::SBValue Format = Info.GetChildMemberWithName("guest_format");
  lldb::SBValue Size = Info.GetChildMemberWithName("size");
  lldb::SBValue Paddr = Info.GetChildMemberWithName("paddr");
  lldb::SBError E1, E2, E3, E4;
  bool HasInfo = Has.GetValueAsUnsigned(E1, 0) != 0;
  uint64_t F = Format.GetValueAsUnsigned(E2, 0);
  uint64_t Sz = Size.GetValueAsUnsigned(E3, 0);
  uint64_t Pa = Paddr.GetValueAsUnsigned(E4, 0);
  if (!Has.IsValid() || !Format.IsValid() || !Size.IsValid() ||
      !Paddr.IsValid() || E1.Fail() || E2.Fail() || E3.Fail() || E4.Fail()) {
    Warnings.push_back(
        formatv("cannot read QEMU's vmcoreinfo device state at {0:x}; the "
                "vmcore has no VMCOREINFO note",
                Ptr)
            .str());
    return std::nullopt;
  }
  if (!HasInfo)
    return std::nullopt;
  // FWCfgVMCoreInfo is little-endian whatever the host.
  if (!LittleEndian) {
    F = llvm::byteswap(uint16_t(F));
    Sz = llvm::byteswap(uint32_t(Sz));
    Pa = llvm::byteswap(Pa);
  }
  constexpr uint64_t FormatElf = 1;
  if (F != FormatElf)
    return std::nullopt;
  if (Sz == 0 || Sz > MaxGuestNoteSize) {
    Warnings.push_back(
        formatv("the guest's VMCOREINFO size is {0} bytes (expected 1 to {1}); "
                "the vmcore has no VMCOREINFO note",
                Sz, MaxGuestNoteSize)
            .str());
    return std::nullopt;
  }
  return VmcoreInfoLocation{Pa, uint32_t(Sz)};
}

Error QemuInspector::checkDumpGuestCore() {
  lldb::SBValue Machine = Exe.FindFirstGlobalVariable(Target, "current_machine");
  if (!Machine.IsValid())
    return Error::success(); // Cannot tell; the reads will.
  lldb::SBValue Flag =
      Machine.Dereference().GetChildMemberWithName("dump_guest_core");
  lldb::SBError E;
  uint64_t On = Flag.GetValueAsUnsigned(E, 1);
  if (!Flag.IsValid() || E.Fail() || On)
    return Error::success();
  return createStringError(
      inconvertibleErrorCode(),
      "QEMU ran with -machine dump-guest-core=off, so its core holds none of "
      "the guest's RAM: nothing can be dumped from it. Run QEMU with "
      "dump-guest-core=on (the default) to get guest memory in its cores, or "
      "use QEMU's own dump-guest-memory while the guest is alive");
}

/// The core files LLDB has mapped into this process (it mmaps the core it
/// loads): the paths in /proc/self/maps of ELF core files.
static std::vector<std::string> mappedCoreFiles() {
  std::vector<std::string> Paths;
  auto Maps = MemoryBuffer::getFileAsStream("/proc/self/maps");
  if (!Maps)
    return Paths;
  StringRef Text = (*Maps)->getBuffer();
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Text = Rest;
    size_t Slash = Line.find('/');
    if (Slash == StringRef::npos)
      continue;
    std::string Path = Line.substr(Slash).str();
    if (llvm::is_contained(Paths, Path))
      continue;
    auto Head = MemoryBuffer::getFileSlice(Path, 18, 0, /*IsVolatile=*/true);
    if (!Head)
      continue;
    StringRef H = (*Head)->getBuffer();
    // ELF magic, and e_type ET_CORE in the file's byte order.
    if (H.size() == 18 && H.starts_with("\x7f"
                                        "ELF") &&
        ((H[5] == 1 && H[16] == 4 && H[17] == 0) ||
         (H[5] == 2 && H[16] == 0 && H[17] == 4)))
      Paths.push_back(Path);
  }
  return Paths;
}

std::optional<std::string> QemuInspector::coreFilePath() {
  // SBFileSpec SBProcess::GetCoreFile() (LLDB 17 and later), resolved at run
  // time: calling it directly would stop the plugin from loading in LLDB 16
  // (-z now).
  using GetCoreFileFn = lldb::SBFileSpec (*)(lldb::SBProcess *);
  static auto *GetCoreFile = reinterpret_cast<GetCoreFileFn>(
      dlsym(RTLD_DEFAULT, "_ZN4lldb9SBProcess11GetCoreFileEv"));
  if (GetCoreFile) {
    lldb::SBFileSpec Spec = GetCoreFile(&Process);
    char Path[4096];
    uint32_t N = Spec.IsValid() && Spec.GetFilename()
                     ? Spec.GetPath(Path, sizeof(Path))
                     : 0;
    if (N > 0 && N < sizeof(Path))
      return std::string(Path, N);
    return std::nullopt;
  }
  // Older LLDB: the core file LLDB has mapped; of several, the one whose
  // process id is this process's (LLDB takes a core's pid from its
  // NT_PRSTATUS).
  const char *Plugin = Process.GetPluginName();
  if (!Plugin || !StringRef(Plugin).contains("core"))
    return std::nullopt;
  std::vector<std::string> Cores = mappedCoreFiles();
  if (Cores.size() == 1)
    return Cores.front(); // even if it cannot be parsed: open() will say why
  std::optional<std::string> Found;
  for (const std::string &Path : Cores) {
    Expected<std::unique_ptr<CoreFileMemory>> M = CoreFileMemory::open(Path);
    if (!M) {
      consumeError(M.takeError());
      continue;
    }
    if ((*M)->processId() != Process.GetProcessID())
      continue;
    if (Found)
      return std::nullopt; // two candidates: do not guess
    Found = Path;
  }
  return Found;
}

std::string QemuInspector::targetFamily() {
  if (Target.FindFirstType("X86CPU").IsValid())
    return "x86";
  const char *ExeName = Exe.GetFileSpec().GetFilename();
  StringRef Name = ExeName ? ExeName : "";
  if (!Name.consume_front("qemu-system-"))
    return "";
  return Name.str();
}

namespace {

/// Reads named members of one struct value, remembering the first failure.
class FieldReader {
public:
  FieldReader(lldb::SBValue V, StringRef Context) : V(V), Context(Context) {}

  uint64_t get(const char *Name) { return get(V, Name); }
  uint64_t get(lldb::SBValue From, const char *Name) {
    lldb::SBValue M = From.GetChildMemberWithName(Name);
    return value(M, Name);
  }
  uint64_t value(lldb::SBValue M, const Twine &What) {
    lldb::SBError E;
    uint64_t U = M.IsValid() ? M.GetValueAsUnsigned(E, 0) : 0;
    if (!Err && (!M.IsValid() || E.Fail()))
      Err = (Twine(Context) + "." + What).str();
    return U;
  }
  lldb::SBValue member(const char *Name) {
    lldb::SBValue M = V.GetChildMemberWithName(Name);
    if (!Err && !M.IsValid())
      Err = Context + "." + Name;
    return M;
  }
  std::optional<std::string> Err;

private:
  lldb::SBValue V;
  std::string Context;
};

X86Segment readSegment(FieldReader &R, lldb::SBValue S) {
  X86Segment Seg;
  Seg.Selector = R.get(S, "selector");
  Seg.Base = R.get(S, "base");
  Seg.Limit = R.get(S, "limit");
  Seg.Flags = R.get(S, "flags");
  return Seg;
}

} // namespace

Expected<X86Cpus> QemuInspector::readX86Cpus() {
  // The vCPU list: `cpus` up to QEMU 8.1, `cpus_queue` from 8.2.
  lldb::SBValue List = Exe.FindFirstGlobalVariable(Target, "cpus_queue");
  if (!List.IsValid())
    List = Exe.FindFirstGlobalVariable(Target, "cpus");
  completeLayout("X86CPU");
  lldb::SBType CpuType = Target.FindFirstType("X86CPU");
  lldb::SBType CcOpType = Target.FindFirstType("CCOp");
  if (!List.IsValid() || !CpuType.IsValid())
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's debug info has no vCPU list (cpus or "
                             "cpus_queue) or no X86CPU type");
  // Which cc semantics: QEMU 7.2's CCOp has CC_OP_CLR; 10.0's dropped it and
  // has the sized CC_OP_POPCNT*__ (POPCNT then tests CC_DST, not CC_SRC).
  // Other CCOp sets are versions whose semantics are unchecked: their flags
  // are left as env->eflags has them, with a warning.
  bool HasClr = false, HasPopcntQ = false;
  lldb::SBTypeEnumMemberList Members = CcOpType.GetEnumMembers();
  for (uint32_t I = 0; I < Members.GetSize(); ++I) {
    StringRef N = Members.GetTypeEnumMemberAtIndex(I).GetName()
                      ? Members.GetTypeEnumMemberAtIndex(I).GetName()
                      : "";
    HasClr |= N == "CC_OP_CLR";
    HasPopcntQ |= N == "CC_OP_POPCNTQ__";
  }
  int QemuMajor = HasClr && !HasPopcntQ ? 7 : !HasClr && HasPopcntQ ? 10 : 0;

  X86Cpus Out;
  lldb::SBValue Kvm = Exe.FindFirstGlobalVariable(Target, "kvm_allowed");
  lldb::SBError KE;
  Out.Kvm = Kvm.IsValid() && Kvm.GetValueAsUnsigned(KE, 0) != 0;

  lldb::SBError E;
  uint64_t Cpu =
      List.GetChildMemberWithName("tqh_first").GetValueAsUnsigned(E, 0);
  constexpr unsigned MaxCpus = 4096;
  for (unsigned N = 0; Cpu != 0; ++N) {
    if (N == MaxCpus)
      return corrupt(formatv("the vCPU list has more than {0} entries (a "
                             "cycle?)",
                             MaxCpus)
                         .str());
    lldb::SBValue X86 = Target.CreateValueFromAddress(
        "cpu", lldb::SBAddress(Cpu, Target), CpuType);
    lldb::SBValue CS = X86.GetChildMemberWithName("parent_obj");
    lldb::SBValue Env = X86.GetChildMemberWithName("env");
    FieldReader R(Env, "CPUX86State");
    FieldReader C(CS, "CPUState");
    X86CpuState S;
    S.CpuIndex = C.get("cpu_index");
    lldb::SBValue Regs = R.member("regs");
    for (uint32_t I = 0; I < 16 && Regs.IsValid(); ++I)
      S.Regs[I] = R.value(Regs.GetChildAtIndex(I), formatv("regs[{0}]", I));
    S.Rip = R.get("eip");
    S.Hflags = R.get("hflags");
    lldb::SBValue Segs = R.member("segs");
    for (uint32_t I = 0; I < 6 && Segs.IsValid(); ++I)
      S.Segs[I] = readSegment(R, Segs.GetChildAtIndex(I));
    S.Ldt = readSegment(R, R.member("ldt"));
    S.Tr = readSegment(R, R.member("tr"));
    S.Gdt = readSegment(R, R.member("gdt"));
    S.Idt = readSegment(R, R.member("idt"));
    lldb::SBValue Cr = R.member("cr");
    for (uint32_t I = 0; I < 5 && Cr.IsValid(); ++I)
      S.Cr[I] = R.value(Cr.GetChildAtIndex(I), formatv("cr[{0}]", I));
    if (Env.GetChildMemberWithName("kernelgsbase").IsValid())
      S.KernelGsBase = R.get("kernelgsbase");

    // TCG keeps the arithmetic flags lazily in cc_*: recompute eflags as
    // cpu_compute_eflags does. cc_op is a CCOp or a plain integer (7.2):
    // its enumerator's name says how.
    X86CcState Cc;
    Cc.Eflags = R.get("eflags");
    Cc.CcDst = R.get("cc_dst");
    Cc.CcSrc = R.get("cc_src");
    Cc.CcSrc2 = R.get("cc_src2");
    Cc.Df = int32_t(R.get("df"));
    uint64_t Op = R.get("cc_op");
    std::string OpName;
    for (uint32_t I = 0; I < Members.GetSize() && OpName.empty(); ++I) {
      lldb::SBTypeEnumMember M = Members.GetTypeEnumMemberAtIndex(I);
      if (M.GetValueAsUnsigned() == Op && M.GetName())
        OpName = M.GetName();
    }
    if (R.Err || C.Err)
      return corrupt(formatv("cannot read vCPU {0} at {1:x}: {2}", N, Cpu,
                             R.Err ? *R.Err : *C.Err)
                         .str());
    Cc.CcOp = OpName;
    Cc.QemuMajor = QemuMajor;
    if (QemuMajor == 0) {
      S.Rflags = uint32_t(Cc.Eflags | (Cc.Df < 0 ? 0x400 : 0));
      Out.Problems.push_back(
          formatv("vCPU {0}: this QEMU's lazy-flags scheme (CCOp) is not one "
                  "qemudump knows, so its arithmetic flags are env->eflags as "
                  "is (complete unless the vCPU was executing guest code)",
                  S.CpuIndex)
              .str());
    } else {
      Expected<uint64_t> Flags = x86ComputeEflags(Cc);
      if (!Flags)
        return corrupt(formatv("vCPU {0}: cc_op {1} ({2}): {3}", S.CpuIndex,
                               Op, OpName.empty() ? "not a CCOp" : OpName,
                               toString(Flags.takeError()))
                           .str());
      S.Rflags = *Flags;
    }
    Out.Cpus.push_back(S);

    lldb::SBError NE;
    Cpu = CS.GetChildMemberWithName("node")
              .GetChildMemberWithName("tqe_next")
              .GetValueAsUnsigned(NE, 0);
    if (NE.Fail())
      return corrupt(formatv("cannot follow the vCPU list after vCPU {0}", N)
                         .str());
  }
  if (Out.Cpus.empty())
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's vCPU list is empty");
  return Out;
}

Expected<bool> QemuInspector::aarch64BigEndian() {
  lldb::SBValue List = Exe.FindFirstGlobalVariable(Target, "cpus_queue");
  if (!List.IsValid())
    List = Exe.FindFirstGlobalVariable(Target, "cpus");
  completeLayout("ARMCPU");
  lldb::SBType CpuType = Target.FindFirstType("ARMCPU");
  if (!List.IsValid() || !CpuType.IsValid())
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's debug info has no vCPU list or no ARMCPU "
                             "type");
  lldb::SBError E;
  uint64_t Cpu =
      List.GetChildMemberWithName("tqh_first").GetValueAsUnsigned(E, 0);
  if (E.Fail() || Cpu == 0)
    return createStringError(inconvertibleErrorCode(),
                             "QEMU's vCPU list is empty or unreadable");
  lldb::SBValue Sctlr =
      Target
          .CreateValueFromAddress("cpu", lldb::SBAddress(Cpu, Target), CpuType)
          .GetValueForExpressionPath(".env.cp15.sctlr_el[1]");
  uint64_t V = Sctlr.GetValueAsUnsigned(E, 0);
  if (!Sctlr.IsValid() || E.Fail())
    return createStringError(inconvertibleErrorCode(),
                             "cannot read vCPU 0's env.cp15.sctlr_el[1]");
  constexpr uint64_t SctlrEE = 1u << 25;
  return (V & SctlrEE) != 0;
}

} // namespace qemudump
