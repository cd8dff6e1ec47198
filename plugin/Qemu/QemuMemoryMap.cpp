//===- QemuMemoryMap.cpp - The guest's RAM from QEMU's flat view ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuMemoryMap.h"

#include "Qemu/QemuLayout.h"
#include "Qemu/QemuRamDiscard.h"
#include "Qemu/QemuRegionTree.h"

#include "qemudump/Input/MemoryFault.h"

#include "lldb/API/SBError.h"
#include "lldb/API/SBType.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
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
/// QEMU maps guest RAM in pages of at least this size.
constexpr uint64_t MinPageSize = 4096;

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
  uint64_t RegionSize = 0; ///< MemoryRegion.size (0: not in the debug info).
};

class MemoryMapReader {
public:
  MemoryMapReader(const QemuSession &S, MapSource Source)
      : S(S), R(S.reader()), Source(Source) {}

  Expected<GuestMemory> read();

private:
  Expected<std::vector<FlatRangeFields>> flatRanges();
  Expected<std::vector<FlatRangeFields>> flatViewRanges();
  Expected<FlatView> flatView();
  Expected<lldb::SBType> flatRangeType(lldb::SBValue Ranges);
  std::optional<FlatRangeFields> fieldsOf(lldb::SBValue Range);
  Error addFlatRange(const FlatRangeFields &Range);
  std::optional<RamRange> ramRange(const FlatRangeFields &Range);
  FlatRangeRow rowOf(const RamRange &Ram);
  void addLeftOutRow(FlatRangeRow Row, RangeStatus Status, StringRef Why);
  Error addBlock(FlatRangeRow Row, StringRef Part);
  Expected<std::optional<RamDiscard>> ramDiscard(const RamRange &Ram,
                                                 const FlatRangeRow &Row);
  Error addSparseRange(const RamRange &Ram, const FlatRangeRow &Row,
                       const RamDiscard &Sparse);
  void checkNotRam(const RamRange &Range);
  void checkSharedRam();
  const char *skipReason(lldb::SBValue Mr);
  bool isDumpOffBackend(lldb::SBValue Mr);
  uint64_t hostAddress(const RamRange &Ram, FlatRangeRow &Row);
  /// address_space_memory.current_map, read at its DWARF offset: LLDB 19
  /// reports a member of AddressSpace's QemuMutex when it lays the type out.
  uint64_t currentMap();

  const QemuSession &S;
  ValueReader R;
  MapSource Source;
  GuestMemory Out;
  /// HostMemoryBackend, and the offset of its `mr` (none: this QEMU has no
  /// complete backend type); looked up at the first RAM range.
  struct BackendType {
    lldb::SBType Type;
    std::optional<uint64_t> MrOffset;
  };
  std::optional<BackendType> Backend;
};

uint64_t MemoryMapReader::currentMap() {
  Expected<TypeLayout> AS = qemuLayout(S, "AddressSpace", "address_space_init");
  if (!AS) {
    R.fail(Failure::Missing, "AddressSpace.current_map",
           toString(AS.takeError()));
    return 0;
  }
  lldb::SBValue Global = S.addressSpaceMemory();
  FieldReader F(S.process(), *AS, Global.GetLoadAddress());
  uint64_t Map = F.u64("current_map");
  if (!F.ok())
    R.fail(Failure::Unreadable, "address_space_memory.current_map",
           *F.failure());
  return Map;
}

Expected<FlatView> MemoryMapReader::flatView() {
  FlatView V;
  uint64_t MapAddr = currentMap();
  if (R.ok() && MapAddr == 0)
    R.fail(Failure::Corrupt, "",
           "address_space_memory.current_map is NULL (QEMU died before its "
           "memory map was set up?)");
  lldb::SBValue View = R.at(MapAddr, S.target().FindFirstType("FlatView"),
                            "address_space_memory.current_map");
  V.Nr = R.u64(R.member(View, "nr", "FlatView"), "FlatView.nr");
  if (R.ok() && V.Nr > MaxFlatRanges)
    R.fail(Failure::Corrupt, "",
           formatv("FlatView.nr is {0}, more than the {1} flat ranges a QEMU "
                   "memory map can plausibly have",
                   V.Nr, MaxFlatRanges));
  lldb::SBValue NrAllocated = R.optionalMember(View, "nr_allocated");
  if (NrAllocated.IsValid()) {
    uint64_t Allocated = R.u64(NrAllocated, "FlatView.nr_allocated");
    if (R.ok() && V.Nr > Allocated)
      R.fail(Failure::Corrupt, "",
             formatv("FlatView.nr is {0}, but only {1} flat ranges are "
                     "allocated (FlatView.nr_allocated)",
                     V.Nr, Allocated));
  }
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

/// A FlatRange's fields; none on a failure, which R holds.
std::optional<FlatRangeFields> MemoryMapReader::fieldsOf(lldb::SBValue Range) {
  lldb::SBValue MrPtr = R.member(Range, "mr", "FlatRange");
  lldb::SBValue AddrRange = R.member(Range, "addr", "FlatRange");
  lldb::SBValue OffsetInRegion =
      R.member(Range, "offset_in_region", "FlatRange");
  FlatRangeFields F;
  F.MrAddr = R.u64(MrPtr, "FlatRange.mr");
  if (R.ok() && F.MrAddr == 0)
    R.fail(Failure::Corrupt, "", "a flat range has a NULL MemoryRegion");
  F.Mr = R.deref(MrPtr, formatv("MemoryRegion at {0:x}", F.MrAddr));
  F.GuestStart = R.int128As64(R.member(AddrRange, "start", "AddrRange"),
                              "FlatRange.addr.start");
  F.Size = R.int128As64(R.member(AddrRange, "size", "AddrRange"),
                        "FlatRange.addr.size");
  F.OffsetInRegion = R.u64(OffsetInRegion, "FlatRange.offset_in_region");
  if (!R.ok())
    return std::nullopt;
  return F;
}

/// The range's fields when its MemoryRegion is RAM; none otherwise (or on a
/// failure, which R holds).
std::optional<RamRange> MemoryMapReader::ramRange(const FlatRangeFields &F) {
  uint64_t MrAddr = F.MrAddr;
  RamRange Ram;
  Ram.Mr = F.Mr;
  Ram.GuestStart = F.GuestStart;
  Ram.Size = F.Size;
  Ram.OffsetInRegion = F.OffsetInRegion;
  // Every range, RAM or not, lies inside its region: a garbage `mr` (which
  // might read ram = 0 and drop RAM without a word) rarely passes this.
  lldb::SBValue MrSize = R.optionalMember(Ram.Mr, "size");
  if (MrSize.IsValid()) {
    // A region made with size UINT64_MAX (a container of a whole address
    // space: aarch64's "virt" maps one) is 2^64 bytes long (int128_2_64()),
    // and every range fits in it.
    std::optional<uint64_t> Size64 = R.int128Size(MrSize, "MemoryRegion.size");
    bool Whole = !Size64;
    uint64_t Size = Size64.value_or(UINT64_MAX);
    Ram.RegionSize = Size;
    if (R.ok() && !Whole &&
        (Ram.OffsetInRegion > Size || Ram.Size > Size - Ram.OffsetInRegion))
      R.fail(Failure::Corrupt, "",
             formatv("the flat range at guest-physical {0:x} shows [{1:x}, "
                     "{2:x}) of the MemoryRegion at {3:x}, which is only "
                     "{4:x} bytes long (FlatRange.mr, .offset_in_region or "
                     ".addr is corrupt)",
                     Ram.GuestStart, Ram.OffsetInRegion,
                     Ram.OffsetInRegion + Ram.Size, MrAddr, Size));
  }
  if (!R.ok())
    return std::nullopt;
  bool IsRam = R.optionalFlag(Ram.Mr, "ram", "MemoryRegion");
  if (!R.ok())
    return std::nullopt; // the flag itself is unreadable: R says so
  if (!IsRam) {
    checkNotRam(Ram);
    return std::nullopt;
  }
  return Ram;
}

/// A region that is not RAM (MMIO) has no RAMBlock, but for a ROM device
/// (rom_device: a flash in ROMD mode), which QEMU's dump leaves out too. One
/// that has a RAMBlock all the same lost its `ram` flag: QEMU's own dump
/// would leave it out as well, but the guest's RAM may be there, so say so.
void MemoryMapReader::checkNotRam(const RamRange &Range) {
  lldb::SBValue Block = R.optionalMember(Range.Mr, "ram_block");
  if (!Block.IsValid() || R.u64(Block, "MemoryRegion.ram_block") == 0 ||
      R.optionalFlag(Range.Mr, "rom_device", "MemoryRegion") || !R.ok()) {
    R.reset();
    return;
  }
  FlatRangeRow Row = rowOf(Range);
  Out.Warnings.push_back(
      formatv("region '{0}' (guest-physical [{1:x}, {2:x})) has a RAMBlock "
              "but is not RAM (MemoryRegion.ram is 0): it is left out, as "
              "QEMU's own dump would, but if the guest had RAM there, the "
              "core is damaged there",
              Row.Region, Row.GuestStart, Row.GuestEnd)
          .str());
  addLeftOutRow(std::move(Row), RangeStatus::Skipped, "not ram");
}

/// Why QEMU's dump leaves the region out (memory_mapping.c): RAM devices (a
/// device's BAR) and non-volatile memory (pmem); null when it is dumped.
const char *MemoryMapReader::skipReason(lldb::SBValue Mr) {
  bool RamDevice = R.optionalFlag(Mr, "ram_device", "MemoryRegion");
  bool NonVolatile = R.optionalFlag(Mr, "nonvolatile", "MemoryRegion");
  if (RamDevice)
    return "ram_device";
  if (NonVolatile)
    return "nonvolatile";
  return nullptr;
}

/// QEMU's address of the range's first byte: its RAMBlock's host pointer
/// plus its offset in the region (and, into \p Row, the block's page size).
/// Flat ranges are rendered with aliases resolved, but `alias` (+ alias_offset)
/// is followed all the same, as QEMU's memory_region_get_ram_ptr does.
uint64_t MemoryMapReader::hostAddress(const RamRange &Ram, FlatRangeRow &Row) {
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
  lldb::SBValue PageSize = R.optionalMember(Block, "page_size");
  if (PageSize.IsValid())
    Row.PageSize = R.u64(PageSize, "RAMBlock.page_size");
  if (R.ok() && Host == 0)
    R.fail(Failure::Corrupt, "",
           formatv("the RAMBlock of region '{0}' (guest-physical {1:x}) has a "
                   "NULL host pointer",
                   Row.Region, Row.GuestStart));
  // What the block holds: used_length (max_length in versions without it).
  lldb::SBValue Length = R.optionalMember(Block, "used_length");
  if (!Length.IsValid())
    Length = R.optionalMember(Block, "max_length");
  if (Length.IsValid()) {
    uint64_t Len = R.u64(Length, Twine("RAMBlock.") + Length.GetName());
    if (R.ok() && (HostOffset > Len || Ram.Size > Len - HostOffset))
      R.fail(Failure::Corrupt, "",
             formatv("region '{0}' maps [{1:x}, {2:x}) of its RAMBlock, which "
                     "is only {3:x} bytes long",
                     Row.Region, HostOffset, HostOffset + Ram.Size, Len));
  }
  // QEMU maps guest RAM page by page: a guest-physical address and its
  // QEMU address lie at the same offset in their pages.
  uint64_t HostAddr = Host + HostOffset;
  if (R.ok() && (HostAddr - Row.GuestStart) % MinPageSize != 0)
    R.fail(Failure::Corrupt, "",
           formatv("region '{0}' maps guest-physical {1:x} to QEMU address "
                   "{2:x}, at another offset in its page: RAM is mapped page "
                   "by page (FlatRange.addr.start, .offset_in_region or "
                   "RAMBlock.host is corrupt)",
                   Row.Region, Row.GuestStart, HostAddr));
  return HostAddr;
}

/// The row of \p Ram: where it is and its region's name.
FlatRangeRow MemoryMapReader::rowOf(const RamRange &Ram) {
  FlatRangeRow Row;
  Row.GuestStart = Ram.GuestStart;
  Row.GuestEnd = Ram.GuestStart + Ram.Size;
  lldb::SBValue Mr = Ram.Mr; // SBValue's methods are not const
  Row.Region = S.cString(Mr.GetChildMemberWithName("name"));
  return Row;
}

/// Shows \p Row as left out (skipped, as QEMU's dump leaves it, or refused),
/// and why.
void MemoryMapReader::addLeftOutRow(FlatRangeRow Row, RangeStatus Status,
                                    StringRef Why) {
  Row.Status = Status;
  Row.Detail = Why.str();
  Row.BlockCount = Out.Map.blocks().size();
  Out.Rows.push_back(std::move(Row));
}

/// Whether \p Mr is the RAM of a memory backend that QEMU ran with
/// dump=off: its owner is a HostMemoryBackend holding it as its own `mr`,
/// whose `dump` is false. Read apart from the map's own reader: a QEMU
/// without backends, or a field this version lacks, changes nothing else.
bool MemoryMapReader::isDumpOffBackend(lldb::SBValue Mr) {
  // The type and where its `mr` is: looked up once per map.
  if (!Backend) {
    Backend.emplace();
    Backend->Type = S.target().FindFirstType("HostMemoryBackend");
    if (Backend->Type.IsValid() && Backend->Type.IsTypeComplete())
      for (uint32_t I = 0; I < Backend->Type.GetNumberOfFields(); ++I) {
        lldb::SBTypeMember F = Backend->Type.GetFieldAtIndex(I);
        if (StringRef(F.GetName() ? F.GetName() : "") == "mr")
          Backend->MrOffset = F.GetOffsetInBytes();
      }
  }
  if (!Backend->MrOffset)
    return false;
  ValueReader B = S.reader();
  uint64_t Owner =
      B.u64(B.member(Mr, "owner", "MemoryRegion"), "MemoryRegion.owner");
  // The region is the backend's own `mr`, inside it.
  if (!B.ok() || Owner == 0 ||
      Mr.GetLoadAddress() != Owner + *Backend->MrOffset)
    return false;
  lldb::SBValue Dump =
      B.optionalMember(B.at(Owner, Backend->Type, "HostMemoryBackend"), "dump");
  return Dump.IsValid() && B.u64(Dump, "HostMemoryBackend.dump") == 0 && B.ok();
}

Error MemoryMapReader::addFlatRange(const FlatRangeFields &Range) {
  std::optional<RamRange> Ram = ramRange(Range);
  if (!Ram)
    return R.takeError(); // not RAM, or unreadable
  FlatRangeRow Row = rowOf(*Ram);
  if (const char *Skip = skipReason(Ram->Mr)) {
    addLeftOutRow(std::move(Row), RangeStatus::Skipped, Skip);
    return R.takeError();
  }
  Row.HostAddr = hostAddress(*Ram, Row);
  // Whole pages, as QEMU maps RAM (a RAM range of another size is not
  // impossible, so only doubtful).
  if (R.ok() && (Row.GuestStart % MinPageSize || Row.GuestEnd % MinPageSize))
    Out.Warnings.push_back(
        formatv("region '{0}' is mapped at guest-physical [{1:x}, {2:x}), not "
                "whole pages as QEMU maps RAM: FlatRange.addr may be corrupt "
                "(the vmcore has the range as QEMU's map says)",
                Row.Region, Row.GuestStart, Row.GuestEnd)
            .str());
  Row.Writable = !R.optionalFlag(Ram->Mr, "readonly", "MemoryRegion") &&
                 !R.optionalFlag(Ram->Mr, "rom_device", "MemoryRegion");
  // A backend's region is named by the backend's id.
  if (isDumpOffBackend(Ram->Mr))
    Row.DumpOffBackend = Row.Region;
  if (Error E = R.takeError())
    return E;
  Expected<std::optional<RamDiscard>> Sparse = ramDiscard(*Ram, Row);
  if (!Sparse)
    return Sparse.takeError();
  if (*Sparse && !(*Sparse)->Bitmap) {
    Row.Undumpable = (*Sparse)->whyUnknown(Row.Region);
    addLeftOutRow(std::move(Row), RangeStatus::Refused, "sparse");
    return Error::success();
  }
  if (*Sparse)
    return addSparseRange(*Ram, Row, **Sparse);
  return addBlock(std::move(Row), "");
}

/// Adds \p Row's range to the map and shows it "added" or "joined", with
/// what it is in parentheses: \p Part ("plugged": a populated part of a
/// sparse region) and "dump=off".
Error MemoryMapReader::addBlock(FlatRangeRow Row, StringRef Part) {
  Expected<GuestMemoryMap::AddResult> Added = Out.Map.addRange(
      Row.GuestStart, Row.GuestEnd - Row.GuestStart, Row.HostAddr);
  if (!Added)
    return corruptError(toString(Added.takeError()));
  Row.Status = *Added == GuestMemoryMap::AddResult::Joined ? RangeStatus::Joined
                                                           : RangeStatus::Added;
  SmallVector<StringRef, 2> What;
  if (!Part.empty())
    What.push_back(Part);
  if (!Row.DumpOffBackend.empty())
    What.push_back("dump=off");
  Row.Detail = join(What, ", ");
  Row.BlockCount = Out.Map.blocks().size();
  Out.Rows.push_back(std::move(Row));
  return Error::success();
}

/// The RamDiscardManager of the range's region (MemoryRegion.rdm, QEMU 6.2
/// and later), when it has one: the region is sparse.
Expected<std::optional<RamDiscard>>
MemoryMapReader::ramDiscard(const RamRange &Ram, const FlatRangeRow &Row) {
  lldb::SBValue RdmPtr = R.optionalMember(Ram.Mr, "rdm");
  if (!RdmPtr.IsValid())
    return std::nullopt; // before 6.2: QEMU's dump writes every region whole
  uint64_t Rdm = R.u64(RdmPtr, "MemoryRegion.rdm");
  if (Error E = R.takeError())
    return std::move(E);
  if (Rdm == 0)
    return std::nullopt;
  Expected<RamDiscard> Sparse =
      readRamDiscard(S, Rdm, Row.Region, Ram.RegionSize);
  if (!Sparse)
    return Sparse.takeError();
  return std::optional<RamDiscard>(std::move(*Sparse));
}

/// A sparse region's range, part by part as its manager says: the populated
/// parts added as QEMU's dump adds them, the others shown as skipped.
Error MemoryMapReader::addSparseRange(const RamRange &Ram,
                                      const FlatRangeRow &Row,
                                      const RamDiscard &Sparse) {
  for (const RegionPart &P :
       Sparse.Bitmap->parts(Ram.OffsetInRegion, Ram.Size)) {
    FlatRangeRow PartRow = Row;
    uint64_t Delta = P.Offset - Ram.OffsetInRegion;
    PartRow.GuestStart += Delta;
    PartRow.GuestEnd = PartRow.GuestStart + P.Size;
    PartRow.HostAddr += Delta;
    if (!P.Populated) {
      addLeftOutRow(std::move(PartRow), RangeStatus::Skipped,
                    Sparse.DiscardedWord);
      continue;
    }
    if (Error E = addBlock(std::move(PartRow), Sparse.PopulatedWord))
      return E;
  }
  return Error::success();
}

/// The FlatView's ranges, read whole before any is looked at.
Expected<std::vector<FlatRangeFields>> MemoryMapReader::flatViewRanges() {
  Expected<FlatView> View = flatView();
  if (!View)
    return View.takeError();
  std::vector<FlatRangeFields> Ranges;
  uint64_t Stride = View->RangeType.GetByteSize();
  for (uint64_t I = 0; I < View->Nr; ++I) {
    uint64_t Addr = View->RangesAddr + I * Stride;
    lldb::SBValue Range = R.at(Addr, View->RangeType,
                               formatv("flat range {0} at {1:x}", I, Addr));
    std::optional<FlatRangeFields> F = fieldsOf(Range);
    if (!F)
      return R.takeError();
    Ranges.push_back(std::move(*F));
  }
  return Ranges;
}

/// The flat ranges: the FlatView's; when it cannot be read (it lies past
/// the cut of a truncated core), or on request, rendered from the region
/// tree.
Expected<std::vector<FlatRangeFields>> MemoryMapReader::flatRanges() {
  if (Source == MapSource::RegionTree)
    return renderRegionTree(S);
  Expected<std::vector<FlatRangeFields>> Ranges = flatViewRanges();
  if (Ranges || !Ranges.errorIsA<StructuresUnreadable>())
    return Ranges;
  std::string Why = toString(Ranges.takeError());
  R.reset();
  Expected<std::vector<FlatRangeFields>> Tree = renderRegionTree(S);
  if (!Tree) {
    // Absent only when the tree is absent too.
    bool Absent = Tree.errorIsA<StructuresUnreadable>();
    std::string Both =
        formatv("{0}; rendered from QEMU's memory region tree instead, it "
                "fails too: {1}",
                Why, toString(Tree.takeError()));
    if (Absent)
      return make_error<StructuresUnreadable>(std::move(Both));
    return createStringError(inconvertibleErrorCode(), Both);
  }
  Out.Warnings.push_back(
      formatv("QEMU's flat view of guest memory cannot be read ({0}); the "
              "map is rendered from QEMU's memory region tree "
              "(address_space_memory.root), as QEMU renders its flat view",
              Why)
          .str());
  return Tree;
}

Expected<GuestMemory> MemoryMapReader::read() {
  Expected<std::vector<FlatRangeFields>> Ranges = flatRanges();
  if (!Ranges)
    return Ranges.takeError();
  for (const FlatRangeFields &F : *Ranges)
    if (Error E = addFlatRange(F))
      return std::move(E);
  if (Out.Map.empty())
    return createStringError(
        inconvertibleErrorCode(),
        "QEMU's memory map has no RAM: the guest has no memory to dump (or "
        "QEMU died before its memory map was set up)");
  checkSharedRam();
  return std::move(Out);
}

/// Two guest-physical ranges showing the same bytes of writable RAM: only
/// an alias does that (ROM, such as the BIOS at 0xe0000 and 0xfffe0000, is
/// shown twice as a rule), so without one a FlatRange.offset_in_region is
/// likely corrupt and one range shows the other's memory.
void MemoryMapReader::checkSharedRam() {
  std::vector<const FlatRangeRow *> Ram;
  for (const FlatRangeRow &Row : Out.Rows)
    if (Row.Writable && Row.Status != RangeStatus::Skipped &&
        Row.Undumpable.empty())
      Ram.push_back(&Row);
  llvm::sort(Ram, [](const FlatRangeRow *A, const FlatRangeRow *B) {
    return A->HostAddr < B->HostAddr;
  });
  for (size_t I = 1; I < Ram.size(); ++I) {
    const FlatRangeRow &A = *Ram[I - 1], &B = *Ram[I];
    if (B.HostAddr >= A.HostAddr + (A.GuestEnd - A.GuestStart))
      continue;
    Out.Warnings.push_back(
        formatv("guest-physical [{0:x}, {1:x}) ('{2}') and [{3:x}, {4:x}) "
                "('{5}') show the same RAM (QEMU addresses from {6:x}): "
                "unless one is an alias of the other, a "
                "FlatRange.offset_in_region is corrupt and one of them shows "
                "the other's memory",
                A.GuestStart, A.GuestEnd, A.Region, B.GuestStart, B.GuestEnd,
                B.Region, B.HostAddr)
            .str());
  }
}

} // namespace

std::string FlatRangeRow::shown() const {
  static const char *const Words[] = {"added", "joined", "skipped", "refused"};
  std::string S = Words[unsigned(Status)];
  if (!Detail.empty())
    S += " (" + Detail + ")";
  return S;
}

Expected<GuestMemory> readGuestMemory(const QemuSession &S, MapSource Source) {
  return MemoryMapReader(S, Source).read();
}

} // namespace qemudump
