//===- DwarfTypes.cpp - C types laid out as an ELF file's DWARF says ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Input/DwarfTypes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/DebugInfo/DWARF/DWARFCompileUnit.h"
#include "llvm/DebugInfo/DWARF/DWARFContext.h"
#include "llvm/DebugInfo/DWARF/DWARFDebugAbbrev.h"
#include "llvm/DebugInfo/DWARF/DWARFDebugAranges.h"
#include "llvm/DebugInfo/DWARF/DWARFDie.h"
#include "llvm/DebugInfo/DWARF/DWARFUnit.h"
#include "llvm/Object/Decompressor.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace qemudump {

namespace {

using ELFT = object::ELF64LE;

Error dwarfError(StringRef Path, const Twine &What) {
  return createStringError(inconvertibleErrorCode(),
                           (Path + ": " + What).str());
}

/// \p D with typedefs and qualifiers (const, volatile, ...) followed to the
/// type they name.
DWARFDie stripQualifiers(DWARFDie D) {
  for (unsigned Hops = 0; D && Hops < 64; ++Hops) {
    switch (D.getTag()) {
    case dwarf::DW_TAG_typedef:
    case dwarf::DW_TAG_const_type:
    case dwarf::DW_TAG_volatile_type:
    case dwarf::DW_TAG_restrict_type:
    case dwarf::DW_TAG_atomic_type:
      D = D.getAttributeValueAsReferencedDie(dwarf::DW_AT_type);
      continue;
    default:
      return D;
    }
  }
  return DWARFDie();
}

bool isAggregate(DWARFDie D) {
  return D.getTag() == dwarf::DW_TAG_structure_type ||
         D.getTag() == dwarf::DW_TAG_union_type;
}

bool isDeclaration(DWARFDie D) {
  return dwarf::toUnsigned(D.find(dwarf::DW_AT_declaration), 0) != 0;
}

/// The number of elements of the array dimension \p Sub (a
/// DW_TAG_subrange_type): DW_AT_count, or DW_AT_upper_bound + 1 (the lower
/// bound is C's 0); std::nullopt when it has neither (a flexible array).
std::optional<uint64_t> subrangeCount(DWARFDie Sub) {
  if (std::optional<uint64_t> Count =
          dwarf::toUnsigned(Sub.find(dwarf::DW_AT_count)))
    return Count;
  if (std::optional<uint64_t> Upper =
          dwarf::toUnsigned(Sub.find(dwarf::DW_AT_upper_bound)))
    return *Upper + 1;
  return std::nullopt;
}

/// The size of type \p T in bytes, std::nullopt when the DWARF does not
/// say (an incomplete type, or an array without bounds).
std::optional<uint64_t> byteSize(DWARFDie T) {
  T = stripQualifiers(T);
  if (!T)
    return std::nullopt;
  if (std::optional<uint64_t> S =
          dwarf::toUnsigned(T.find(dwarf::DW_AT_byte_size)))
    return S;
  if (T.getTag() == dwarf::DW_TAG_pointer_type)
    return T.getDwarfUnit()->getAddressByteSize();
  if (T.getTag() != dwarf::DW_TAG_array_type)
    return std::nullopt;
  std::optional<uint64_t> Size =
      byteSize(T.getAttributeValueAsReferencedDie(dwarf::DW_AT_type));
  for (DWARFDie Sub : T.children()) {
    if (!Size || Sub.getTag() != dwarf::DW_TAG_subrange_type)
      continue;
    std::optional<uint64_t> Count = subrangeCount(Sub);
    if (!Count)
      return std::nullopt;
    *Size *= *Count;
  }
  return Size;
}

/// A member of the aggregate \p Agg called \p Name, looking into its
/// anonymous members; its offset from \p Agg's start added to \p Offset.
/// A member placed by a location expression (DWARF 2 producers) rather than
/// a constant is not found: it is reported missing, never misplaced.
DWARFDie findMember(DWARFDie Agg, StringRef Name, uint64_t &Offset) {
  for (DWARFDie M : Agg.children()) {
    if (M.getTag() != dwarf::DW_TAG_member)
      continue;
    std::optional<DWARFFormValue> Loc =
        M.find(dwarf::DW_AT_data_member_location);
    std::optional<uint64_t> At = Loc ? Loc->getAsUnsignedConstant() : 0;
    if (!At)
      continue;
    const char *MName = M.getShortName();
    if (MName && Name == MName) {
      Offset += *At;
      return M;
    }
    if (MName)
      continue;
    DWARFDie Inner =
        stripQualifiers(M.getAttributeValueAsReferencedDie(dwarf::DW_AT_type));
    uint64_t InnerOffset = Offset + *At;
    if (Inner && isAggregate(Inner))
      if (DWARFDie Found = findMember(Inner, Name, InnerOffset)) {
        Offset = InnerOffset;
        return Found;
      }
  }
  return DWARFDie();
}

} // namespace

Expected<std::unique_ptr<DwarfTypes>> DwarfTypes::open(StringRef Path) {
  std::unique_ptr<DwarfTypes> T(new DwarfTypes());
  T->Path = Path.str();
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(
      Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!Buf)
    return dwarfError(Path, "cannot read it: " + Buf.getError().message());
  T->File = std::move(*Buf);
  StringRef Bytes = T->File->getBuffer();
  if (!Bytes.starts_with(ELF::ElfMagic) || Bytes.size() < ELF::EI_NIDENT ||
      Bytes[ELF::EI_CLASS] != ELF::ELFCLASS64 ||
      Bytes[ELF::EI_DATA] != ELF::ELFDATA2LSB)
    return dwarfError(Path, "not a 64-bit little-endian ELF file");
  Expected<object::ELFFile<ELFT>> Elf =
      object::ELFFile<ELFT>::create(T->File->getBuffer());
  if (!Elf)
    return dwarfError(Path, "a damaged ELF file: " + toString(Elf.takeError()));
  auto Sections = Elf->sections();
  if (!Sections)
    return dwarfError(Path, toString(Sections.takeError()));
  Expected<StringRef> Names = Elf->getSectionStringTable(*Sections);
  if (!Names)
    return dwarfError(Path, toString(Names.takeError()));

  StringMap<std::unique_ptr<MemoryBuffer>> Dwarf;
  for (const ELFT::Shdr &Sh : *Sections) {
    Expected<StringRef> Name = Elf->getSectionName(Sh, *Names);
    if (!Name || !Name->starts_with(".debug_") || Sh.sh_type == ELF::SHT_NOBITS)
      continue;
    Expected<ArrayRef<uint8_t>> Bytes = Elf->getSectionContents(Sh);
    if (!Bytes)
      return dwarfError(Path, *Name + ": " + toString(Bytes.takeError()));
    StringRef Data = toStringRef(*Bytes);
    if (Sh.sh_flags & ELF::SHF_COMPRESSED) {
      Expected<object::Decompressor> D =
          object::Decompressor::create(*Name, Data, true, true);
      if (!D)
        return dwarfError(Path, "cannot decompress " + *Name + ": " +
                                    toString(D.takeError()));
      std::unique_ptr<WritableMemoryBuffer> Out =
          WritableMemoryBuffer::getNewUninitMemBuffer(D->getDecompressedSize());
      if (Error E =
              D->decompress({reinterpret_cast<uint8_t *>(Out->getBufferStart()),
                             Out->getBufferSize()}))
        return dwarfError(Path, "cannot decompress " + *Name + ": " +
                                    toString(std::move(E)));
      Data = StringRef(Out->getBufferStart(), Out->getBufferSize());
      T->Decompressed.push_back(std::move(Out));
    }
    Dwarf[Name->drop_front()] = MemoryBuffer::getMemBuffer(
        Data, *Name, /*RequiresNullTerminator=*/false);
  }
  if (!Dwarf.count("debug_info"))
    return dwarfError(Path, "it has no .debug_info section");
  // LLVM's default handlers print to stderr, inside LLDB's output; a DIE
  // that cannot be parsed shows as a type or member not found instead.
  T->Context = DWARFContext::create(
      Dwarf, /*AddrSize=*/8, /*isLittleEndian=*/true,
      [](Error E) { consumeError(std::move(E)); },
      [](Error E) { consumeError(std::move(E)); });
  return std::move(T);
}

DwarfTypes::~DwarfTypes() = default;

DWARFDie DwarfTypes::findIn(DWARFUnit &Unit, StringRef Name) const {
  // A typedef's or tag's definition; a typedef is followed to its
  // structure, whose definition may come later in the unit than a
  // declaration the typedef refers to.
  std::string Tag;
  for (const DWARFDebugInfoEntry &E : Unit.dies()) {
    DWARFDie D(&Unit, &E);
    const char *N = D.getShortName();
    if (!N || Name != N)
      continue;
    if (isAggregate(D) && !isDeclaration(D))
      return D;
    if (D.getTag() != dwarf::DW_TAG_typedef)
      continue;
    DWARFDie To =
        stripQualifiers(D.getAttributeValueAsReferencedDie(dwarf::DW_AT_type));
    if (!To || !isAggregate(To))
      continue;
    if (!isDeclaration(To))
      return To;
    if (const char *ToName = To.getShortName())
      Tag = ToName;
  }
  if (Tag.empty())
    return DWARFDie();
  for (const DWARFDebugInfoEntry &E : Unit.dies()) {
    DWARFDie D(&Unit, &E);
    const char *N = D.getShortName();
    if (N && Tag == N && isAggregate(D) && !isDeclaration(D))
      return D;
  }
  return DWARFDie();
}

Expected<TypeLayout> DwarfTypes::type(StringRef Name,
                                      std::optional<uint64_t> CodeAddr) const {
  DWARFUnit *First = nullptr;
  if (CodeAddr) {
    uint64_t Off = Context->getDebugAranges()->findAddress(*CodeAddr);
    if (Off != -1ULL)
      First = Context->getCompileUnitForOffset(Off);
  }
  DWARFDie Found = First ? findIn(*First, Name) : DWARFDie();
  for (auto It = Context->info_section_units().begin();
       !Found && It != Context->info_section_units().end(); ++It)
    if (It->get() != First)
      Found = findIn(**It, Name);
  if (!Found)
    return dwarfError(Path,
                      formatv("no compile unit defines the type {0}", Name));
  std::optional<uint64_t> Size = byteSize(Found);
  if (!Size)
    return dwarfError(Path, formatv("the type {0} has no size", Name));
  return TypeLayout(*this, Name.str(), Found.getOffset(), *Size);
}

bool DwarfTypes::usesForm(uint16_t Form) const {
  const DWARFDebugAbbrev *Abbrev = Context->getDebugAbbrev();
  if (!Abbrev)
    return false;
  if (Error E = Abbrev->parse()) { // a malformed table: not known to
    consumeError(std::move(E));
    return false;
  }
  for (const auto &[Offset, Set] : *Abbrev)
    for (const DWARFAbbreviationDeclaration &Decl : Set)
      for (const auto &Spec : Decl.attributes())
        if (Spec.Form == Form)
          return true;
  return false;
}

Expected<FieldLayout> TypeLayout::field(StringRef Path) const {
  auto Known = Found->find(Path);
  if (Known != Found->end())
    return Known->second;
  auto Fail = [&](const Twine &What) {
    return createStringError(inconvertibleErrorCode(),
                             (Name + "." + Path + ": " + What).str());
  };
  DWARFDie T = Owner->Context->getDIEForOffset(DieOffset);
  uint64_t Offset = 0;
  StringRef Rest = Path;
  while (!Rest.empty()) {
    T = stripQualifiers(T);
    if (!T)
      return Fail("a type the DWARF does not describe");
    if (Rest.consume_front("[")) {
      if (T.getTag() != dwarf::DW_TAG_array_type)
        return Fail("indexes something that is not an array");
      std::optional<uint64_t> Whole = byteSize(T);
      DWARFDie Elem = T.getAttributeValueAsReferencedDie(dwarf::DW_AT_type);
      std::optional<uint64_t> ElemSize = byteSize(Elem);
      if (!Whole || !ElemSize || *ElemSize == 0)
        return Fail("an array of unknown size");
      // Each dimension's count; a multi-dimensional array takes one index
      // per dimension ("vregs[3][1]"), the first striding over whole rows.
      SmallVector<uint64_t, 2> Counts;
      uint64_t Elems = 1;
      for (DWARFDie Sub : T.children())
        if (Sub.getTag() == dwarf::DW_TAG_subrange_type) {
          Counts.push_back(subrangeCount(Sub).value_or(0));
          Elems *= Counts.back();
        }
      if (Counts.empty() || Elems == 0 || *Whole != Elems * *ElemSize)
        return Fail("an array of unknown size");
      uint64_t Stride = *Whole;
      for (size_t D = 0; D < Counts.size(); ++D) {
        uint64_t Index;
        if ((D > 0 && !Rest.consume_front("[")) ||
            Rest.consumeInteger(10, Index) || !Rest.consume_front("]"))
          return Fail(D > 0 ? formatv("indexes {0} of the {1} dimensions of "
                                      "an array",
                                      D, Counts.size())
                                  .str()
                            : "not a member path");
        if (Index >= Counts[D])
          return Fail(formatv("index {0} is out of the array's bounds ({1})",
                              Index, Counts[D]));
        Stride /= Counts[D];
        Offset += Index * Stride;
      }
      T = Elem;
      continue;
    }
    Rest.consume_front(".");
    StringRef Member =
        Rest.take_until([](char C) { return C == '.' || C == '['; });
    Rest = Rest.drop_front(Member.size());
    if (!isAggregate(T))
      return Fail(formatv("'{0}' is looked up in something that is not a "
                          "structure or union",
                          Member));
    DWARFDie M = findMember(T, Member, Offset);
    if (!M)
      return Fail(formatv("no member '{0}'", Member));
    if (M.find(dwarf::DW_AT_bit_size) || M.find(dwarf::DW_AT_data_bit_offset))
      return Fail(formatv("'{0}' is a bit-field", Member));
    T = M.getAttributeValueAsReferencedDie(dwarf::DW_AT_type);
  }
  std::optional<uint64_t> Size = byteSize(T);
  if (!Size)
    return Fail("a member of unknown size");
  FieldLayout F{Offset, *Size};
  (*Found)[Path] = F;
  return F;
}

bool TypeLayout::has(StringRef Path) const {
  Expected<FieldLayout> F = field(Path);
  if (F)
    return true;
  consumeError(F.takeError());
  return false;
}

} // namespace qemudump
