//===- BuildId.cpp - The GNU build-id of an ELF image in memory -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Input/BuildId.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFTypes.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace llvm;

namespace qemudump {

template <class ELFT>
static Expected<std::optional<std::vector<uint8_t>>>
readBuildIdImpl(ReadMemoryFn Read, uint64_t HeaderAddr) {
  using Ehdr = typename ELFT::Ehdr;
  using Phdr = typename ELFT::Phdr;
  Ehdr E;
  if (Error Err =
          Read(HeaderAddr, {reinterpret_cast<uint8_t *>(&E), sizeof(E)}))
    return std::move(Err);
  if (E.e_phentsize != sizeof(Phdr) || E.e_phnum == 0 || E.e_phnum > 512)
    return createStringError(inconvertibleErrorCode(),
                             "implausible program headers");
  std::vector<Phdr> P(E.e_phnum);
  if (Error Err =
          Read(HeaderAddr + E.e_phoff, {reinterpret_cast<uint8_t *>(P.data()),
                                        P.size() * sizeof(Phdr)}))
    return std::move(Err);
  // The load bias: where the segment that maps file offset 0 was put.
  std::optional<uint64_t> Bias;
  for (const Phdr &Ph : P)
    if (Ph.p_type == ELF::PT_LOAD && Ph.p_offset == 0)
      Bias = HeaderAddr - Ph.p_vaddr;
  if (!Bias)
    return createStringError(inconvertibleErrorCode(),
                             "no PT_LOAD maps the ELF header");
  for (const Phdr &Ph : P) {
    if (Ph.p_type != ELF::PT_NOTE || Ph.p_filesz == 0 || Ph.p_filesz > 4096)
      continue;
    std::vector<uint8_t> Notes(Ph.p_filesz);
    if (Error Err = Read(*Bias + Ph.p_vaddr, Notes))
      return std::move(Err);
    Expected<std::vector<NoteView>> Parsed =
        parseNotes(Notes, ELFT::Endianness == llvm::endianness::little);
    if (!Parsed) {
      consumeError(Parsed.takeError());
      continue;
    }
    for (const NoteView &N : *Parsed)
      if (N.Name == "GNU" && N.Type == ELF::NT_GNU_BUILD_ID)
        return std::vector<uint8_t>(N.Desc.begin(), N.Desc.end());
  }
  return std::nullopt;
}

Expected<std::optional<std::vector<uint8_t>>> readBuildId(ReadMemoryFn Read,
                                                          uint64_t HeaderAddr) {
  uint8_t Ident[ELF::EI_NIDENT];
  if (Error Err = Read(HeaderAddr, Ident))
    return std::move(Err);
  if (std::memcmp(Ident, ELF::ElfMagic, 4) != 0)
    return createStringError(inconvertibleErrorCode(), "no ELF header there");
  bool LE = Ident[ELF::EI_DATA] != ELF::ELFDATA2MSB;
  if (Ident[ELF::EI_CLASS] == ELF::ELFCLASS64)
    return LE ? readBuildIdImpl<object::ELF64LE>(Read, HeaderAddr)
              : readBuildIdImpl<object::ELF64BE>(Read, HeaderAddr);
  return LE ? readBuildIdImpl<object::ELF32LE>(Read, HeaderAddr)
            : readBuildIdImpl<object::ELF32BE>(Read, HeaderAddr);
}

Error checkImagesMatchExecutable(ArrayRef<RecordedImage> Images,
                                 StringRef ExeName, StringRef Want,
                                 StringRef CoreKind) {
  for (const RecordedImage &I : Images) {
    if (ExeName.empty() || sys::path::filename(I.Path) != ExeName)
      continue;
    if (I.BuildId.empty() || Want.size() != I.BuildId.size() * 2)
      continue; // No build-id, or the binary's UUID is not one.
    std::string Actual = toHex(I.BuildId, /*LowerCase=*/true);
    if (Actual == Want)
      return Error::success();
    return createStringError(
        inconvertibleErrorCode(),
        formatv("the {0} was written by a different build of QEMU than "
                "'{1}': build-id {2} in the {0} ({3}), {4} in the binary; "
                "load the exact binary that crashed",
                CoreKind, ExeName, Actual, I.Path, Want)
            .str());
  }
  return Error::success();
}

} // namespace qemudump
