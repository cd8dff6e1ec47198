//===- QemuRegionTree.cpp - The flat view rendered from regions -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuRegionTree.h"

#include "Qemu/QemuLayout.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

using Failure = ValueReader::Failure;
/// Guest-physical addresses and offsets, which an alias may take below 0
/// and a whole-space container to 2^64 (QEMU's Int128).
using Wide = __int128;
constexpr Wide TwoTo64 = Wide(1) << 64;
/// A deeper tree, or more regions or ranges than these, is a cycle or
/// garbage.
constexpr unsigned MaxDepth = 64;
constexpr unsigned MaxRegions = 1 << 16;
constexpr size_t MaxRanges = 1 << 16;

/// A flat range while the view is rendered, with what decides whether
/// neighbours merge (memory.c: can_merge).
struct Range {
  FlatRangeFields F;
  Wide Start = 0, End = 0;
  Wide Offset = 0;
  bool Readonly = false, Nonvolatile = false, Unmergeable = false;
};

/// The flags a region passes to what it shows (memory.c ORs them down).
struct Flags {
  bool Readonly = false, Nonvolatile = false, Unmergeable = false;
};

class Renderer {
public:
  explicit Renderer(const QemuSession &S)
      : S(S), R(S.reader()),
        RegionType(S.target().FindFirstType("MemoryRegion")) {}

  Expected<std::vector<FlatRangeFields>> run();

private:
  uint64_t rootAddress();
  void render(lldb::SBValue Mr, Wide Base, Wide ClipLo, Wide ClipHi, Flags Fl,
              unsigned Depth);
  void fillGaps(lldb::SBValue Mr, Wide Base, Wide ClipLo, Wide ClipHi,
                Flags Fl);
  std::vector<FlatRangeFields> simplified() const;

  const QemuSession &S;
  ValueReader R;
  lldb::SBType RegionType;
  std::vector<Range> View; ///< Sorted, disjoint.
  unsigned Regions = 0;
};

/// address_space_memory.root, read at its DWARF offset (as current_map).
uint64_t Renderer::rootAddress() {
  Expected<TypeLayout> AS = qemuLayout(S, "AddressSpace", "address_space_init");
  if (!AS) {
    R.fail(Failure::Missing, "AddressSpace.root", toString(AS.takeError()));
    return 0;
  }
  FieldReader F(S.process(), *AS, S.addressSpaceMemory().GetLoadAddress());
  uint64_t Root = F.u64("root");
  if (!F.ok())
    R.fail(Failure::Unreadable, "address_space_memory.root", *F.failure());
  else if (Root == 0)
    R.fail(Failure::Corrupt, "", "address_space_memory.root is NULL");
  return Root;
}

/// memory.c's render_memory_region: a disabled region shows nothing; an
/// alias shows its target, moved; a container its subregions in list
/// (priority) order; a region that terminates (RAM, I/O) then fills the
/// gaps they leave in its range.
void Renderer::render(lldb::SBValue Mr, Wide Base, Wide ClipLo, Wide ClipHi,
                      Flags Fl, unsigned Depth) {
  if (!R.ok())
    return;
  if (Depth > MaxDepth || ++Regions > MaxRegions) {
    R.fail(Failure::Corrupt, "",
           formatv("the memory region tree is deeper than {0} or has more "
                   "than {1} regions (a cycle?)",
                   MaxDepth, MaxRegions));
    return;
  }
  if (!R.optionalFlag(Mr, "enabled", "MemoryRegion") || !R.ok())
    return;
  Base += R.u64(R.member(Mr, "addr", "MemoryRegion"), "MemoryRegion.addr");
  std::optional<uint64_t> Size64 =
      R.int128Size(R.member(Mr, "size", "MemoryRegion"), "MemoryRegion.size");
  Wide Size = Size64 ? Wide(*Size64) : TwoTo64;
  Fl.Readonly |= R.optionalFlag(Mr, "readonly", "MemoryRegion");
  Fl.Nonvolatile |= R.optionalFlag(Mr, "nonvolatile", "MemoryRegion");
  Fl.Unmergeable |= R.optionalFlag(Mr, "unmergeable", "MemoryRegion");
  if (!R.ok())
    return;
  ClipLo = std::max(ClipLo, Base);
  ClipHi = std::min(ClipHi, Base + Size);
  if (ClipLo >= ClipHi)
    return;

  lldb::SBValue AliasPtr = R.member(Mr, "alias", "MemoryRegion");
  uint64_t Alias = R.u64(AliasPtr, "MemoryRegion.alias");
  if (Alias) {
    lldb::SBValue Target =
        R.deref(AliasPtr, formatv("alias target at {0:x}", Alias));
    Base -=
        R.u64(R.member(Target, "addr", "MemoryRegion"), "MemoryRegion.addr");
    Base -= R.u64(R.member(Mr, "alias_offset", "MemoryRegion"),
                  "MemoryRegion.alias_offset");
    render(Target, Base, ClipLo, ClipHi, Fl, Depth + 1);
    return;
  }

  lldb::SBValue List = R.member(Mr, "subregions", "MemoryRegion");
  lldb::SBValue Next = R.member(List, "tqh_first", "MemoryRegion.subregions");
  while (R.ok()) {
    uint64_t Sub = R.u64(Next, "MemoryRegion.subregions");
    if (Sub == 0 || !R.ok())
      break;
    lldb::SBValue SubMr = R.deref(Next, formatv("subregion at {0:x}", Sub));
    render(SubMr, Base, ClipLo, ClipHi, Fl, Depth + 1);
    Next = R.member(R.member(SubMr, "subregions_link", "MemoryRegion"),
                    "tqe_next", "MemoryRegion.subregions_link");
    if (Regions > MaxRegions)
      R.fail(Failure::Corrupt, "",
             formatv("a subregion list of the memory region tree does not "
                     "end after {0} regions (a cycle?)",
                     MaxRegions));
  }
  if (R.ok() && R.optionalFlag(Mr, "terminates", "MemoryRegion"))
    fillGaps(Mr, Base, ClipLo, ClipHi, Fl);
}

/// The region \p Mr (at \p Base) shown in the parts of [ClipLo, ClipHi)
/// that no range covers yet.
void Renderer::fillGaps(lldb::SBValue Mr, Wide Base, Wide ClipLo, Wide ClipHi,
                        Flags Fl) {
  auto Make = [&](Wide Lo, Wide Hi) {
    Range X;
    X.F.Mr = Mr;
    X.F.MrAddr = Mr.GetLoadAddress();
    X.Start = Lo;
    X.End = Hi;
    X.Offset = Lo - Base;
    X.Readonly = Fl.Readonly;
    X.Nonvolatile = Fl.Nonvolatile;
    X.Unmergeable = Fl.Unmergeable;
    return X;
  };
  std::vector<Range> Gaps;
  Wide Pos = ClipLo;
  for (const Range &X : View) {
    if (X.End <= Pos)
      continue;
    if (X.Start >= ClipHi)
      break;
    if (X.Start > Pos)
      Gaps.push_back(Make(Pos, std::min(X.Start, ClipHi)));
    Pos = std::max(Pos, X.End);
    if (Pos >= ClipHi)
      break;
  }
  if (Pos < ClipHi)
    Gaps.push_back(Make(Pos, ClipHi));
  View.insert(View.end(), Gaps.begin(), Gaps.end());
  llvm::sort(View,
             [](const Range &A, const Range &B) { return A.Start < B.Start; });
  if (View.size() > MaxRanges)
    R.fail(Failure::Corrupt, "",
           formatv("the memory region tree renders more than {0} flat ranges",
                   MaxRanges));
}

/// memory.c's flatview_simplify: neighbours of one region, at consecutive
/// offsets, with the same flags, are one range.
std::vector<FlatRangeFields> Renderer::simplified() const {
  std::vector<Range> Out;
  for (const Range &X : View) {
    if (!Out.empty()) {
      Range &L = Out.back();
      if (L.F.MrAddr == X.F.MrAddr && L.End == X.Start &&
          L.Offset + (L.End - L.Start) == X.Offset &&
          L.Readonly == X.Readonly && L.Nonvolatile == X.Nonvolatile &&
          !L.Unmergeable && !X.Unmergeable) {
        L.End = X.End;
        continue;
      }
    }
    Out.push_back(X);
  }
  std::vector<FlatRangeFields> Fields;
  for (Range &X : Out) {
    // A range up to 2^64 (a whole-space container's I/O) is no RAM; its
    // size is cut to 64 bits as the FlatView reader's would fail on it.
    X.F.GuestStart = uint64_t(X.Start);
    X.F.Size = uint64_t(std::min<Wide>(X.End, TwoTo64 - 1) - X.Start);
    X.F.OffsetInRegion = uint64_t(X.Offset);
    Fields.push_back(X.F);
  }
  return Fields;
}

Expected<std::vector<FlatRangeFields>> Renderer::run() {
  uint64_t Root = rootAddress();
  if (!RegionType.IsValid())
    R.fail(Failure::Missing, "MemoryRegion",
           "QEMU's debug info has no MemoryRegion type");
  lldb::SBValue Mr = R.at(Root, RegionType, "address_space_memory.root");
  render(Mr, 0, 0, TwoTo64, Flags(), 0);
  if (Error E = R.takeError())
    return std::move(E);
  return simplified();
}

} // namespace

Expected<std::vector<FlatRangeFields>> renderRegionTree(const QemuSession &S) {
  return Renderer(S).run();
}

} // namespace qemudump
