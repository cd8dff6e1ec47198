//===- vmcore-tool.cpp - Inspect and compare vmcores by guest memory ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   vmcore-tool compare A B          guest-physical bytes of A and B identical?
//   vmcore-tool read FILE ADDR LEN   hex dump of guest-physical [ADDR, +LEN)
//   vmcore-tool subset A B           every guest-physical byte of A is B's
//                                    (a partial dump in a whole one); lists
//                                    B's ranges A lacks, as "absent: [S, E)"
//   vmcore-tool ranges FILE          the guest-physical ranges FILE holds
//   vmcore-tool note FILE NAME OUT   writes the whole note NAME (header, name,
//                                    descriptor) to OUT
//   vmcore-tool notes FILE OUT       writes the PT_NOTE segment to OUT and
//                                    lists its notes
//   vmcore-tool check-pattern FILE [PAGE...]
//                                    every page but PAGE... holds the test
//                                    program's pattern for its address
//                                    (GuestPattern.h)
//
// Headers and layout are ignored: two vmcores are equal when they describe the
// same guest-physical ranges with the same bytes, however the ranges are split
// into PT_LOAD segments. Exit status 0 on success, 1 on a difference, 2 on
// bad input.
//
//===----------------------------------------------------------------------===//

#include "GuestPattern.h"

#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

using namespace llvm;
using namespace llvm::object;

namespace {

struct Segment {
  uint64_t Paddr, MemSize, FileSize;
  const uint8_t *Data; // FileSize bytes; the rest of MemSize reads as zero
};

struct Vmcore {
  std::unique_ptr<MemoryBuffer> Buffer;
  std::vector<Segment> Segments; // sorted by Paddr
  ArrayRef<uint8_t> NoteSegment;
  bool LittleEndian = true;

  /// The segment holding Addr, if any.
  const Segment *find(uint64_t Addr) const {
    auto It = std::upper_bound(
        Segments.begin(), Segments.end(), Addr,
        [](uint64_t A, const Segment &S) { return A < S.Paddr; });
    if (It == Segments.begin())
      return nullptr;
    --It;
    return Addr - It->Paddr < It->MemSize ? &*It : nullptr;
  }
};

[[noreturn]] void die(const Twine &Message) {
  errs() << "vmcore-tool: " << Message << "\n";
  exit(2);
}

template <class ELFT> void load(Vmcore &V, StringRef Name) {
  Expected<ELFFile<ELFT>> File = ELFFile<ELFT>::create(V.Buffer->getBuffer());
  if (!File)
    die(Name + ": " + toString(File.takeError()));
  auto Phdrs = File->program_headers();
  if (!Phdrs)
    die(Name + ": " + toString(Phdrs.takeError()));
  const uint8_t *Base = File->base();
  uint64_t Size = V.Buffer->getBufferSize();
  for (const typename ELFT::Phdr &P : *Phdrs) {
    if (uint64_t(P.p_offset) > Size || uint64_t(P.p_filesz) > Size - P.p_offset)
      die(formatv("{0}: segment at offset {1:x} runs past the end of the file",
                  Name, uint64_t(P.p_offset)));
    if (P.p_type == ELF::PT_NOTE && V.NoteSegment.empty())
      V.NoteSegment = ArrayRef<uint8_t>(Base + P.p_offset, P.p_filesz);
    if (P.p_type != ELF::PT_LOAD || P.p_memsz == 0)
      continue;
    V.Segments.push_back({P.p_paddr, P.p_memsz,
                          std::min<uint64_t>(P.p_filesz, P.p_memsz),
                          Base + P.p_offset});
  }
  V.LittleEndian = ELFT::Endianness == llvm::endianness::little;
  llvm::sort(V.Segments, [](const Segment &A, const Segment &B) {
    return A.Paddr < B.Paddr;
  });
  for (size_t I = 1; I < V.Segments.size(); ++I)
    if (V.Segments[I].Paddr <
        V.Segments[I - 1].Paddr + V.Segments[I - 1].MemSize)
      die(formatv("{0}: PT_LOAD segments overlap at guest-physical {1:x}", Name,
                  V.Segments[I].Paddr));
}

Vmcore open(StringRef Name) {
  Vmcore V;
  auto Buffer = MemoryBuffer::getFile(Name, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!Buffer)
    die(Name + ": " + Buffer.getError().message());
  V.Buffer = std::move(*Buffer);
  StringRef Data = V.Buffer->getBuffer();
  if (Data.size() < ELF::EI_NIDENT || !Data.starts_with("\x7f"
                                                        "ELF"))
    die(Name + ": not an ELF file");
  uint8_t Class = Data[ELF::EI_CLASS], Enc = Data[ELF::EI_DATA];
  if (Class == ELF::ELFCLASS64 && Enc == ELF::ELFDATA2LSB)
    load<ELF64LE>(V, Name);
  else if (Class == ELF::ELFCLASS64 && Enc == ELF::ELFDATA2MSB)
    load<ELF64BE>(V, Name);
  else if (Class == ELF::ELFCLASS32 && Enc == ELF::ELFDATA2LSB)
    load<ELF32LE>(V, Name);
  else if (Class == ELF::ELFCLASS32 && Enc == ELF::ELFDATA2MSB)
    load<ELF32BE>(V, Name);
  else
    die(Name + ": unknown ELF class or data encoding");
  return V;
}

/// Guest-physical ranges, adjacent segments joined.
std::vector<std::pair<uint64_t, uint64_t>> ranges(const Vmcore &V) {
  std::vector<std::pair<uint64_t, uint64_t>> R;
  for (const Segment &S : V.Segments) {
    if (!R.empty() && R.back().second == S.Paddr)
      R.back().second += S.MemSize;
    else
      R.push_back({S.Paddr, S.Paddr + S.MemSize});
  }
  return R;
}

/// Bytes at [Addr, Addr + Len) within one segment; zeros past p_filesz.
void copyOut(const Vmcore &V, uint64_t Addr, uint8_t *Out, uint64_t Len) {
  while (Len) {
    const Segment *S = V.find(Addr);
    if (!S)
      die(formatv("guest-physical {0:x} is not in the vmcore", Addr));
    uint64_t Off = Addr - S->Paddr;
    uint64_t N = std::min(Len, S->MemSize - Off);
    for (uint64_t I = 0; I < N; ++I)
      Out[I] = Off + I < S->FileSize ? S->Data[Off + I] : 0;
    Out += N;
    Addr += N;
    Len -= N;
  }
}

/// The bytes of \p Ranges in A and B: their count when identical; none
/// (after saying where they differ) otherwise.
std::optional<uint64_t>
sameBytes(const Vmcore &A, StringRef AName, const Vmcore &B, StringRef BName,
          const std::vector<std::pair<uint64_t, uint64_t>> &Ranges) {
  std::vector<uint8_t> BufA(1 << 20), BufB(1 << 20);
  uint64_t Total = 0;
  for (auto [Start, End] : Ranges) {
    for (uint64_t Addr = Start; Addr < End;) {
      uint64_t N = std::min<uint64_t>(BufA.size(), End - Addr);
      copyOut(A, Addr, BufA.data(), N);
      copyOut(B, Addr, BufB.data(), N);
      if (std::memcmp(BufA.data(), BufB.data(), N) != 0) {
        uint64_t I = 0;
        while (BufA[I] == BufB[I])
          ++I;
        outs() << formatv("contents differ at guest-physical {0:x}: {1:x-2} "
                          "in {2}, {3:x-2} in {4}\n",
                          Addr + I, BufA[I], AName, BufB[I], BName);
        return std::nullopt;
      }
      Addr += N;
      Total += N;
    }
  }
  return Total;
}

int compare(StringRef AName, StringRef BName) {
  Vmcore A = open(AName), B = open(BName);
  auto RA = ranges(A), RB = ranges(B);
  if (RA != RB) {
    outs() << "guest-physical ranges differ:\n";
    for (auto [Name, R] : {std::pair{AName, &RA}, std::pair{BName, &RB}}) {
      outs() << "  " << Name << ":";
      for (auto [S, E] : *R)
        outs() << formatv(" [{0:x}, {1:x})", S, E);
      outs() << "\n";
    }
    return 1;
  }
  std::optional<uint64_t> Total = sameBytes(A, AName, B, BName, RA);
  if (!Total)
    return 1;
  outs() << formatv("identical: {0} guest-physical range(s), {1} bytes\n",
                    RA.size(), *Total);
  return 0;
}

/// [S, E) of \p Of without those of \p Less (both sorted, disjoint).
std::vector<std::pair<uint64_t, uint64_t>>
without(const std::vector<std::pair<uint64_t, uint64_t>> &Of,
        const std::vector<std::pair<uint64_t, uint64_t>> &Less) {
  std::vector<std::pair<uint64_t, uint64_t>> Out;
  for (auto [S, E] : Of) {
    uint64_t Pos = S;
    for (auto [LS, LE] : Less) {
      if (LE <= Pos || LS >= E)
        continue;
      if (LS > Pos)
        Out.push_back({Pos, LS});
      Pos = std::max(Pos, LE);
    }
    if (Pos < E)
      Out.push_back({Pos, E});
  }
  return Out;
}

int subset(StringRef AName, StringRef BName) {
  Vmcore A = open(AName), B = open(BName);
  auto RA = ranges(A), RB = ranges(B);
  auto Extra = without(RA, RB);
  if (!Extra.empty()) {
    outs() << formatv("guest-physical [{0:x}, {1:x}) of {2} is not in {3}\n",
                      Extra.front().first, Extra.front().second, AName, BName);
    return 1;
  }
  std::optional<uint64_t> Total = sameBytes(A, AName, B, BName, RA);
  if (!Total)
    return 1;
  uint64_t TotalB = 0;
  for (auto [S, E] : RB)
    TotalB += E - S;
  outs() << formatv("subset: {0} of {1} bytes, in {2} guest-physical "
                    "range(s), identical\n",
                    *Total, TotalB, RA.size());
  for (auto [S, E] : without(RB, RA))
    outs() << formatv("absent: [{0:x}, {1:x})\n", S, E);
  return 0;
}

uint64_t number(StringRef S) {
  uint64_t N;
  if (S.getAsInteger(0, N))
    die("not a number: " + S);
  return N;
}

int read(StringRef Name, uint64_t Addr, uint64_t Len) {
  Vmcore V = open(Name);
  std::vector<uint8_t> Buf(Len);
  copyOut(V, Addr, Buf.data(), Len);
  for (uint64_t I = 0; I < Len; I += 16) {
    outs() << format_hex_no_prefix(Addr + I, 16) << ":";
    std::string Ascii;
    for (uint64_t J = I; J < std::min(Len, I + 16); ++J) {
      outs() << " " << format_hex_no_prefix(Buf[J], 2);
      Ascii += isPrint(Buf[J]) ? char(Buf[J]) : '.';
    }
    outs() << "  " << Ascii << "\n";
  }
  return 0;
}

int listRanges(StringRef Name) {
  Vmcore V = open(Name);
  for (auto [S, E] : ranges(V))
    outs() << formatv("[{0:x-16}, {1:x-16})\n", S, E);
  return 0;
}

int note(StringRef Name, StringRef NoteName, StringRef OutName) {
  Vmcore V = open(Name);
  ArrayRef<uint8_t> Seg = V.NoteSegment;
  auto Notes = qemudump::parseNotes(Seg, V.LittleEndian);
  if (!Notes)
    die(Name + ": " + toString(Notes.takeError()));
  for (const qemudump::NoteView &N : *Notes) {
    if (N.Name != NoteName)
      continue;
    // The whole note runs from its header to the end of its padded desc.
    const uint8_t *Begin = N.Name.bytes_begin() - 12;
    uint64_t Size = qemudump::noteSize(N.Name.size() + 1, N.Desc.size());
    std::error_code EC;
    raw_fd_ostream Out(OutName, EC);
    if (EC)
      die(OutName + ": " + EC.message());
    Out.write(reinterpret_cast<const char *>(Begin), Size);
    return 0;
  }
  outs() << "no note named " << NoteName << " in " << Name << "\n";
  return 1;
}

int notes(StringRef Name, StringRef OutName) {
  Vmcore V = open(Name);
  auto Notes = qemudump::parseNotes(V.NoteSegment, V.LittleEndian);
  if (!Notes)
    die(Name + ": " + toString(Notes.takeError()));
  for (const qemudump::NoteView &N : *Notes)
    outs() << formatv("{0} type {1:x} descsz {2}\n", N.Name, N.Type,
                      N.Desc.size());
  std::error_code EC;
  raw_fd_ostream Out(OutName, EC);
  if (EC)
    die(OutName + ": " + EC.message());
  Out.write(reinterpret_cast<const char *>(V.NoteSegment.data()),
            V.NoteSegment.size());
  return 0;
}

int checkPattern(StringRef Name, ArrayRef<StringRef> SkipArgs) {
  std::vector<uint64_t> Skip;
  for (StringRef S : SkipArgs)
    Skip.push_back(number(S));
  Vmcore V = open(Name);
  uint8_t Expected[GUEST_PATTERN_PAGE], Actual[GUEST_PATTERN_PAGE];
  uint64_t Pages = 0;
  for (auto [Start, End] : ranges(V)) {
    if (Start % GUEST_PATTERN_PAGE || End % GUEST_PATTERN_PAGE)
      die(formatv("range [{0:x}, {1:x}) is not page aligned", Start, End));
    for (uint64_t P = Start; P < End; P += GUEST_PATTERN_PAGE, ++Pages) {
      if (llvm::is_contained(Skip, P))
        continue;
      guest_pattern_fill(Expected, P);
      copyOut(V, P, Actual, GUEST_PATTERN_PAGE);
      if (std::memcmp(Expected, Actual, GUEST_PATTERN_PAGE) != 0) {
        outs() << formatv("page at guest-physical {0:x} does not hold its "
                          "pattern; it starts with \"{1}\"\n",
                          P,
                          StringRef(reinterpret_cast<char *>(Actual), 30)
                              .take_until([](char C) { return C == '\n'; }));
        return 1;
      }
    }
  }
  outs() << formatv("pattern ok: {0} pages\n", Pages - Skip.size());
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<StringRef> Args(argv + 1, argv + argc);
  if (Args.size() == 3 && Args[0] == "compare")
    return compare(Args[1], Args[2]);
  if (Args.size() == 3 && Args[0] == "subset")
    return subset(Args[1], Args[2]);
  if (Args.size() == 4 && Args[0] == "read")
    return read(Args[1], number(Args[2]), number(Args[3]));
  if (Args.size() == 2 && Args[0] == "ranges")
    return listRanges(Args[1]);
  if (Args.size() == 4 && Args[0] == "note")
    return note(Args[1], Args[2], Args[3]);
  if (Args.size() == 3 && Args[0] == "notes")
    return notes(Args[1], Args[2]);
  if (Args.size() >= 2 && Args[0] == "check-pattern")
    return checkPattern(Args[1], ArrayRef(Args).drop_front(2));
  errs() << "usage: vmcore-tool compare A B | subset A B | read FILE ADDR "
            "LEN | ranges "
            "FILE | note FILE NAME OUT | notes FILE OUT | check-pattern FILE "
            "[PAGE...]\n";
  return 2;
}
