//===- QemuMemoryMap.cpp - The guest's RAM from QEMU's flat view ----------===//

#include "QemuMemoryMap.h"

#include "lldb/API/SBError.h"
#include "lldb/API/SBType.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

/// A QEMU memory map has tens to a few hundred flat ranges; more than this
/// means the FlatView is corrupt (or not a FlatView).
constexpr uint64_t MaxFlatRanges = 1 << 16;
/// Flat ranges are rendered with aliases resolved; a longer chain than this is
/// a cycle or garbage.
constexpr unsigned MaxAliasDepth = 16;

using Failure = ValueReader::Failure;

/// The FlatView's ranges: where they are, how many, of which type.
struct FlatView {
  uint64_t Nr = 0;
  uint64_t RangesAddr = 0;
  lldb::SBType RangeType;
};

/// A flat range of RAM, as the FlatRange says.
struct RamRange {
  lldb::SBValue Mr;
  uint64_t GuestStart = 0, Size = 0, OffsetInRegion = 0;
};

class MemoryMapReader {
public:
  explicit MemoryMapReader(const QemuSession &S) : S(S), R(S.reader()) {}

  Expected<GuestMemory> read();

private:
  Expected<FlatView> flatView();
  Expected<lldb::SBType> flatRangeType(lldb::SBValue Ranges);
  Error addFlatRange(lldb::SBValue Range);
  std::optional<RamRange> ramRange(lldb::SBValue Range);
  const char *skipReason(lldb::SBValue Mr);
  uint64_t hostAddress(const RamRange &Ram, const FlatRangeRow &Row);
  std::string readCString(lldb::SBValue Pointer);

  const QemuSession &S;
  ValueReader R;
  GuestMemory Out;
};

Expected<FlatView> MemoryMapReader::flatView() {
  FlatView V;
  lldb::SBValue MapPtr =
      R.member(S.addressSpaceMemory(), "current_map", "address_space_memory");
  uint64_t MapAddr = R.u64(MapPtr, "address_space_memory.current_map");
  if (R.ok() && MapAddr == 0)
    R.fail(Failure::Corrupt, "",
           "address_space_memory.current_map is NULL (QEMU died before its "
           "memory map was set up?)");
  lldb::SBValue View = R.deref(MapPtr, "address_space_memory.current_map");
  V.Nr = R.u64(R.member(View, "nr", "FlatView"), "FlatView.nr");
  if (R.ok() && V.Nr > MaxFlatRanges)
    R.fail(Failure::Corrupt, "",
           formatv("FlatView.nr is {0}, more than the {1} flat ranges a QEMU "
                   "memory map can plausibly have",
                   V.Nr, MaxFlatRanges));
  lldb::SBValue Ranges = R.member(View, "ranges", "FlatView");
  V.RangesAddr = R.u64(Ranges, "FlatView.ranges");
  if (R.ok() && V.RangesAddr == 0 && V.Nr != 0)
    R.fail(Failure::Corrupt, "", "FlatView.ranges is NULL");
  if (Error E = R.takeError())
    return std::move(E);
  Expected<lldb::SBType> T = flatRangeType(Ranges);
  if (!T)
    return T.takeError();
  V.RangeType = *T;
  return V;
}

Expected<lldb::SBType> MemoryMapReader::flatRangeType(lldb::SBValue Ranges) {
  lldb::SBType T = Ranges.GetType().GetPointeeType();
  if (T.IsValid() && T.GetByteSize() > 0 && T.IsTypeComplete())
    return T;
  // FlatRange is complete only in memory.c's unit; look for that definition.
  lldb::SBTypeList Types = S.target().FindTypes("FlatRange");
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

std::string MemoryMapReader::readCString(lldb::SBValue Pointer) {
  lldb::SBError E;
  uint64_t Addr = Pointer.GetValueAsUnsigned(E, 0);
  if (E.Fail() || Addr == 0)
    return "";
  char Buf[128] = {};
  size_t N = S.process().ReadCStringFromMemory(Addr, Buf, sizeof(Buf), E);
  if (E.Fail())
    return "";
  return std::string(Buf, N);
}

/// The range's fields when its MemoryRegion is RAM; none otherwise (or on a
/// failure, which R holds).
std::optional<RamRange> MemoryMapReader::ramRange(lldb::SBValue Range) {
  lldb::SBValue MrPtr = R.member(Range, "mr", "FlatRange");
  lldb::SBValue AddrRange = R.member(Range, "addr", "FlatRange");
  lldb::SBValue OffsetInRegion =
      R.member(Range, "offset_in_region", "FlatRange");
  uint64_t MrAddr = R.u64(MrPtr, "FlatRange.mr");
  if (R.ok() && MrAddr == 0)
    R.fail(Failure::Corrupt, "", "a flat range has a NULL MemoryRegion");
  RamRange Ram;
  Ram.Mr = R.deref(MrPtr, formatv("MemoryRegion at {0:x}", MrAddr));
  if (!R.optionalFlag(Ram.Mr, "ram", "MemoryRegion") || !R.ok())
    return std::nullopt;
  Ram.GuestStart = R.int128As64(R.member(AddrRange, "start", "AddrRange"),
                                "FlatRange.addr.start");
  Ram.Size = R.int128As64(R.member(AddrRange, "size", "AddrRange"),
                          "FlatRange.addr.size");
  Ram.OffsetInRegion = R.u64(OffsetInRegion, "FlatRange.offset_in_region");
  if (!R.ok())
    return std::nullopt;
  return Ram;
}

/// Why QEMU's dump leaves the region out (memory_mapping.c): RAM devices (a
/// device's BAR) and non-volatile memory (pmem); null when it is dumped.
const char *MemoryMapReader::skipReason(lldb::SBValue Mr) {
  bool RamDevice = R.optionalFlag(Mr, "ram_device", "MemoryRegion");
  bool NonVolatile = R.optionalFlag(Mr, "nonvolatile", "MemoryRegion");
  if (RamDevice)
    return "skipped (ram_device)";
  if (NonVolatile)
    return "skipped (nonvolatile)";
  return nullptr;
}

/// QEMU's address of the range's first byte: its RAMBlock's host pointer
/// plus its offset in the region. Flat ranges are rendered with aliases
/// resolved, but `alias` (+ alias_offset) is followed all the same, as
/// QEMU's memory_region_get_ram_ptr does.
uint64_t MemoryMapReader::hostAddress(const RamRange &Ram,
                                      const FlatRangeRow &Row) {
  uint64_t HostOffset = Ram.OffsetInRegion;
  lldb::SBValue Region = Ram.Mr;
  for (unsigned Depth = 0; R.ok(); ++Depth) {
    lldb::SBValue Alias = R.optionalMember(Region, "alias");
    if (!Alias.IsValid())
      break;
    uint64_t AliasAddr = R.u64(Alias, "MemoryRegion.alias");
    if (!R.ok() || AliasAddr == 0)
      break;
    if (Depth == MaxAliasDepth) {
      R.fail(Failure::Corrupt, "",
             formatv("the alias chain of region '{0}' is longer than {1} (a "
                     "cycle?)",
                     Row.Region, MaxAliasDepth));
      break;
    }
    HostOffset += R.u64(R.member(Region, "alias_offset", "MemoryRegion"),
                        "MemoryRegion.alias_offset");
    Region = R.deref(Alias, formatv("alias target at {0:x}", AliasAddr));
  }

  lldb::SBValue BlockPtr = R.member(Region, "ram_block", "MemoryRegion");
  uint64_t BlockAddr = R.u64(BlockPtr, "MemoryRegion.ram_block");
  if (R.ok() && BlockAddr == 0)
    R.fail(Failure::Corrupt, "",
           formatv("RAM region '{0}' at guest-physical {1:x} has no RAMBlock",
                   Row.Region, Row.GuestStart));
  lldb::SBValue Block =
      R.deref(BlockPtr, formatv("RAMBlock at {0:x}", BlockAddr));
  uint64_t Host = R.u64(R.member(Block, "host", "RAMBlock"), "RAMBlock.host");
  if (R.ok() && Host == 0)
    R.fail(Failure::Corrupt, "",
           formatv("the RAMBlock of region '{0}' (guest-physical {1:x}) has a "
                   "NULL host pointer",
                   Row.Region, Row.GuestStart));
  lldb::SBValue MaxLength = R.optionalMember(Block, "max_length");
  if (MaxLength.IsValid()) {
    uint64_t Max = R.u64(MaxLength, "RAMBlock.max_length");
    if (R.ok() && (HostOffset > Max || Ram.Size > Max - HostOffset))
      R.fail(Failure::Corrupt, "",
             formatv("region '{0}' maps [{1:x}, {2:x}) of its RAMBlock, which "
                     "is only {3:x} bytes long",
                     Row.Region, HostOffset, HostOffset + Ram.Size, Max));
  }
  return Host + HostOffset;
}

Error MemoryMapReader::addFlatRange(lldb::SBValue Range) {
  std::optional<RamRange> Ram = ramRange(Range);
  if (!Ram)
    return R.takeError(); // not RAM, or unreadable
  FlatRangeRow Row;
  Row.GuestStart = Ram->GuestStart;
  Row.GuestEnd = Ram->GuestStart + Ram->Size;
  Row.Region = readCString(Ram->Mr.GetChildMemberWithName("name"));
  if (const char *Skip = skipReason(Ram->Mr)) {
    Row.Message = Skip;
    Row.BlockCount = Out.Map.blocks().size();
    Out.Rows.push_back(std::move(Row));
    return R.takeError();
  }
  Row.HostAddr = hostAddress(*Ram, Row);
  if (Error E = R.takeError())
    return E;

  Expected<GuestMemoryMap::AddResult> Added =
      Out.Map.addRange(Row.GuestStart, Ram->Size, Row.HostAddr);
  if (!Added)
    return corruptError(toString(Added.takeError()));
  Row.Message =
      *Added == GuestMemoryMap::AddResult::Joined ? "joined" : "added";
  Row.BlockCount = Out.Map.blocks().size();
  Out.Rows.push_back(std::move(Row));
  return Error::success();
}

Expected<GuestMemory> MemoryMapReader::read() {
  Expected<FlatView> View = flatView();
  if (!View)
    return View.takeError();
  uint64_t Stride = View->RangeType.GetByteSize();
  for (uint64_t I = 0; I < View->Nr; ++I) {
    uint64_t Addr = View->RangesAddr + I * Stride;
    lldb::SBValue Range = R.at(Addr, View->RangeType,
                               formatv("flat range {0} at {1:x}", I, Addr));
    if (Error E = R.takeError())
      return std::move(E);
    if (Error E = addFlatRange(Range))
      return std::move(E);
  }
  if (Out.Map.empty())
    return createStringError(
        inconvertibleErrorCode(),
        "QEMU's memory map has no RAM: the guest has no memory to dump (or "
        "QEMU died before its memory map was set up)");
  return std::move(Out);
}

} // namespace

Expected<GuestMemory> readGuestMemory(const QemuSession &S) {
  return MemoryMapReader(S).read();
}

} // namespace qemudump
