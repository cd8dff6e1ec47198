//===- ElfVmcoreWriter.cpp - The guest's memory as an ELF core ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vmcore layout that crash, makedumpfile and drgn read:
//
//   ELF header
//   program headers (right after the ELF header: makedumpfile requires it)
//     PT_NOTE   the notes, exactly sized
//     PT_LOAD   one per memory block, p_paddr = p_vaddr = guest-physical start,
//               p_align = 0, p_flags = 0
//   [section header 0, only with PN_XNUM: sh_info holds the real phnum]
//   notes
//   the rest of the notes' room (VmcoreNotes::capacity()), zeros
//   padding to the guest page size
//   block contents, in order
//
// The blocks are written first, the headers and notes last: the notes may
// need what the copy read (VmcoreNotes.h).
//
// The file is sparse: memory the source knows to be zero, and every all-zero
// 4 KiB block of what it reads, become holes; the apparent size and contents
// are those of the full layout. Memory the source stores as is in a file
// (a core file's PT_LOAD bytes) is shared with that file where the file
// systems can (a reflink: OutputFile::appendShared), run by run, and copied
// where they cannot; shared zero blocks stay shared blocks, not holes.
//
//===----------------------------------------------------------------------===//

#include "qemudump/Vmcore/VmcoreWriter.h"

#include "Vmcore/BackgroundWriter.h"
#include "qemudump/Input/MemoryFault.h"
#include "qemudump/Notes/NoteSegment.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFTypes.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <vector>

using namespace llvm;

namespace qemudump {

namespace {

/// e_phnum when the real count is in section header 0's sh_info.
constexpr uint64_t PnXNum = 0xffff;

/// The most shared at once: progress (and an interrupt) between runs.
constexpr uint64_t MaxSharedRun = 256 << 20;

template <class ELFT> class ElfVmcoreWriter final : public VmcoreWriter {
  using Ehdr = typename ELFT::Ehdr;
  using Phdr = typename ELFT::Phdr;
  using Shdr = typename ELFT::Shdr;
  using uint = typename ELFT::uint;

public:
  explicit ElfVmcoreWriter(const VmcoreInput &In)
      : A(In.Guest), Map(In.Map), Notes(In.Notes), Memory(In.Memory) {}

  StringRef formatName() const override { return "ELF"; }
  Error layOut() override;
  Expected<VmcoreStats> write(OutputFile &Out, ProgressFn Progress) override;

private:
  Error checkFits(uint64_t Value, const char *What) const;
  std::vector<uint8_t> headers(ArrayRef<uint8_t> NoteBytes) const;
  /// Appends the memory of \p B at \p Pos by sharing the source file's
  /// blocks where the output's file system can; how many bytes, 0 if none.
  Expected<uint64_t> share(OutputFile &Out, const MemoryBlock &B, uint64_t Pos);
  Error copyBlock(OutputFile &Out, const MemoryBlock &B,
                  BackgroundWriter &Writer, ProgressFn Progress,
                  uint64_t &Done);

  template <class T> static void append(std::vector<uint8_t> &Out, const T &V) {
    const uint8_t *P = reinterpret_cast<const uint8_t *>(&V);
    Out.insert(Out.end(), P, P + sizeof(T));
  }

  const Arch &A;
  const GuestMemoryMap &Map;
  VmcoreNotes &Notes;
  MemorySource &Memory;

  /// Where everything goes: headers, the notes' room, the blocks.
  uint64_t PhNum = 0;
  bool XNum = false;
  uint64_t NotesOffset = 0;
  uint64_t DataOffset = 0;
};

template <class ELFT>
Error ElfVmcoreWriter<ELFT>::checkFits(uint64_t Value, const char *What) const {
  if (Value <= std::numeric_limits<uint>::max())
    return Error::success();
  return createStringError(
      inconvertibleErrorCode(),
      formatv("{0} {1:x} does not fit in a 32-bit ELF vmcore ({2}); dump "
              "with a 64-bit ARCH, or restrict the dump to the low 4 GiB",
              What, Value, A.Name)
          .str());
}

template <class ELFT>
std::vector<uint8_t>
ElfVmcoreWriter<ELFT>::headers(ArrayRef<uint8_t> NoteBytes) const {
  std::vector<uint8_t> B;
  uint64_t PhOff = sizeof(Ehdr);
  uint64_t ShOff = PhOff + PhNum * sizeof(Phdr);

  Ehdr E;
  std::memset(&E, 0, sizeof(E));
  std::memcpy(E.e_ident, ELF::ElfMagic, 4);
  E.e_ident[ELF::EI_CLASS] = ELFT::Is64Bits ? ELF::ELFCLASS64 : ELF::ELFCLASS32;
  E.e_ident[ELF::EI_DATA] = A.ElfData;
  E.e_ident[ELF::EI_VERSION] = ELF::EV_CURRENT;
  E.e_ident[ELF::EI_OSABI] = ELF::ELFOSABI_NONE;
  E.e_type = ELF::ET_CORE;
  E.e_machine = A.Machine;
  E.e_version = ELF::EV_CURRENT;
  E.e_phoff = PhOff;
  E.e_ehsize = sizeof(Ehdr);
  E.e_phentsize = sizeof(Phdr);
  E.e_phnum = XNum ? uint16_t(PnXNum) : uint16_t(PhNum);
  if (XNum) {
    E.e_shoff = ShOff;
    E.e_shentsize = sizeof(Shdr);
    E.e_shnum = 1;
    E.e_shstrndx = ELF::SHN_UNDEF;
  }
  append(B, E);

  Phdr P;
  std::memset(&P, 0, sizeof(P));
  P.p_type = ELF::PT_NOTE;
  P.p_offset = NotesOffset;
  P.p_filesz = NoteBytes.size();
  P.p_memsz = NoteBytes.size();
  append(B, P);

  uint64_t Offset = DataOffset;
  for (const MemoryBlock &Blk : Map.blocks()) {
    std::memset(&P, 0, sizeof(P));
    P.p_type = ELF::PT_LOAD;
    P.p_offset = Offset;
    P.p_vaddr = Blk.GuestStart;
    P.p_paddr = Blk.GuestStart;
    P.p_filesz = Blk.size();
    P.p_memsz = Blk.size();
    append(B, P);
    Offset += Blk.size();
  }

  if (XNum) {
    Shdr S;
    std::memset(&S, 0, sizeof(S));
    S.sh_type = ELF::SHT_NULL;
    S.sh_info = PhNum;
    append(B, S);
  }
  B.insert(B.end(), NoteBytes.begin(), NoteBytes.end());
  return B;
}

template <class ELFT>
Expected<uint64_t> ElfVmcoreWriter<ELFT>::share(OutputFile &Out,
                                                const MemoryBlock &B,
                                                uint64_t Pos) {
  if (!Out.canShare())
    return 0;
  std::optional<MemorySource::FileRun> Run = Memory.fileRun(
      B.HostAddr + Pos, std::min<uint64_t>(MaxSharedRun, B.size() - Pos));
  if (!Run)
    return 0;
  Expected<uint64_t> N = Out.appendShared(Run->FD, Run->Offset, Run->Length);
  if (!N || *N == 0)
    return N;
  Run->Length = *N;
  if (Error Err = Memory.tookFileRun(B.HostAddr + Pos, *Run))
    return MemoryFault::addGuestContext(
        std::move(Err),
        {B.GuestStart + Pos, B.GuestStart + Pos + *N, B.HostAddr + Pos, false},
        *N);
  return *N;
}

template <class ELFT>
Error ElfVmcoreWriter<ELFT>::copyBlock(OutputFile &Out, const MemoryBlock &B,
                                       BackgroundWriter &Writer,
                                       ProgressFn Progress, uint64_t &Done) {
  const uint64_t Total = Map.totalBytes();
  for (uint64_t Pos = 0; Pos < B.size();) {
    // A run of zeros is skipped whole (a 1 TiB guest that used little is
    // a few holes); stored memory is shared with its file where it can be,
    // else read here and written on the writer's thread a buffer at a time.
    uint64_t Left = B.size() - Pos;
    MemorySource::Extent E = Memory.extent(B.HostAddr + Pos, Left);
    uint64_t N = 0;
    if (E.Zero) {
      // Known zeros (not in the core file): a hole, nothing read.
      N = std::clamp<uint64_t>(E.Length, 1, Left);
      Out.skip(N);
    } else {
      Expected<uint64_t> Shared = share(Out, B, Pos);
      if (!Shared)
        return Shared.takeError();
      N = *Shared;
    }
    if (N == 0) {
      Expected<MutableArrayRef<uint8_t>> Buffer = Writer.buffer();
      if (!Buffer)
        return Buffer.takeError();
      N = std::clamp<uint64_t>(E.Length, 1,
                               std::min<uint64_t>(Buffer->size(), Left));
      if (Error Err = Memory.read(B.HostAddr + Pos, Buffer->take_front(N)))
        return MemoryFault::addGuestContext(std::move(Err),
                                            {B.GuestStart + Pos,
                                             B.GuestStart + Pos + N,
                                             B.HostAddr + Pos, false},
                                            N);
      Writer.submit(Out.offset(), N);
      Out.skip(N);
    }
    Pos += N;
    Done += N;
    if (Progress && !Progress(Done, Total))
      return createStringError(inconvertibleErrorCode(),
                               "the dump was interrupted");
  }
  return Error::success();
}

template <class ELFT> Error ElfVmcoreWriter<ELFT>::layOut() {
  if (Notes.capacity() == 0)
    return createStringError(inconvertibleErrorCode(),
                             "internal error: the note segment is empty");
  PhNum = 1 + Map.blocks().size();
  if (PhNum > std::numeric_limits<uint32_t>::max())
    return createStringError(inconvertibleErrorCode(),
                             "too many memory blocks for one ELF file");
  XNum = PhNum >= PnXNum;
  NotesOffset = sizeof(Ehdr) + PhNum * sizeof(Phdr) + (XNum ? sizeof(Shdr) : 0);
  DataOffset = alignTo(NotesOffset + Notes.capacity(), A.pageSize());
  if (Error Err = checkFits(DataOffset + Map.totalBytes(), "vmcore size"))
    return Err;
  for (const MemoryBlock &B : Map.blocks())
    if (Error Err = checkFits(B.GuestEnd - 1, "guest-physical address"))
      return Err;
  return Error::success();
}

template <class ELFT>
Expected<VmcoreStats> ElfVmcoreWriter<ELFT>::write(OutputFile &Out,
                                                   ProgressFn Progress) {
  // The blocks first, then what the copy may have taught the notes, then the
  // headers and notes at the start of the file.
  uint64_t Total = Map.totalBytes();
  Out.skip(DataOffset - Out.offset());
  BackgroundWriter Writer(Out, std::clamp<uint64_t>(Total, 1, CopyChunkSize));
  uint64_t Done = 0;
  for (const MemoryBlock &B : Map.blocks())
    if (Error Err = copyBlock(Out, B, Writer, Progress, Done))
      return std::move(Err);
  if (Error Err = Writer.finish())
    return std::move(Err);
  Expected<const NoteSegment &> Finished = Notes.finish();
  if (!Finished)
    return Finished.takeError();
  ArrayRef<uint8_t> NoteBytes = Finished->bytes();
  if (NoteBytes.empty() || NoteBytes.size() > Notes.capacity())
    return createStringError(inconvertibleErrorCode(),
                             "internal error: the notes do not fit their room");
  if (Error Err = Out.writeAt(0, headers(NoteBytes)))
    return std::move(Err);

  VmcoreStats Stats;
  Stats.FileSize = Out.offset();
  Stats.MemoryBytes = Total;
  Stats.SharedBytes = Out.sharedBytes();
  return Stats;
}

} // namespace

std::unique_ptr<VmcoreWriter> createElfWriter(const VmcoreInput &In,
                                              uint8_t ElfClass) {
  bool LE = In.Guest.isLittleEndian();
  if (ElfClass == ELF::ELFCLASS64) {
    if (LE)
      return std::make_unique<ElfVmcoreWriter<object::ELF64LE>>(In);
    return std::make_unique<ElfVmcoreWriter<object::ELF64BE>>(In);
  }
  if (LE)
    return std::make_unique<ElfVmcoreWriter<object::ELF32LE>>(In);
  return std::make_unique<ElfVmcoreWriter<object::ELF32BE>>(In);
}

} // namespace qemudump
