//===- CoreFileMemory.cpp - QEMU's memory read from its core file ---------===//

#include "qemudump/CoreFileMemory.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFTypes.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstring>

using namespace llvm;

namespace qemudump {

static Error coreError(StringRef Path, const Twine &What) {
  return createStringError(inconvertibleErrorCode(),
                           ("core file '" + Path + "': " + What).str());
}

/// The PT_LOAD segments of the core in \p Data. Reads the headers by hand
/// rather than with ELFFile so that PN_XNUM (more than 65534 mappings, which
/// a large QEMU can have) is followed.
template <class ELFT>
static Expected<std::vector<CoreFileMemory::Segment>>
parseSegments(StringRef Path, StringRef Data) {
  using Ehdr = typename ELFT::Ehdr;
  using Phdr = typename ELFT::Phdr;
  using Shdr = typename ELFT::Shdr;
  if (Data.size() < sizeof(Ehdr))
    return coreError(Path, "too short for an ELF header");
  const Ehdr &E = *reinterpret_cast<const Ehdr *>(Data.data());
  if (E.e_type != ELF::ET_CORE)
    return coreError(Path, "not a core file (e_type is not ET_CORE)");
  uint64_t PhNum = E.e_phnum;
  if (PhNum == 0xffff) {
    if (E.e_shoff == 0 || E.e_shoff > Data.size() ||
        Data.size() - E.e_shoff < sizeof(Shdr))
      return coreError(Path, "PN_XNUM without a section header 0");
    PhNum = reinterpret_cast<const Shdr *>(Data.data() + E.e_shoff)->sh_info;
  }
  if (E.e_phentsize != sizeof(Phdr) || E.e_phoff > Data.size() ||
      (Data.size() - E.e_phoff) / sizeof(Phdr) < PhNum)
    return coreError(Path, "program headers run past the end of the file "
                           "(the core is truncated)");
  const Phdr *P = reinterpret_cast<const Phdr *>(Data.data() + E.e_phoff);
  std::vector<CoreFileMemory::Segment> Segments;
  for (uint64_t I = 0; I < PhNum; ++I) {
    if (P[I].p_type != ELF::PT_LOAD || P[I].p_memsz == 0)
      continue;
    Segments.push_back({P[I].p_vaddr, P[I].p_memsz,
                        std::min<uint64_t>(P[I].p_filesz, P[I].p_memsz),
                        P[I].p_offset});
  }
  llvm::sort(Segments, [](const auto &A, const auto &B) {
    return A.VAddr < B.VAddr;
  });

  // NT_FILE lists the file-backed mappings. Pages that the kernel left out of
  // one of those were not "never written": the coredump filter skipped a
  // shared file mapping (memory-backend-file,share=on), whose contents are
  // not zeros. Mark them so that reading them is an error.
  using Word = typename ELFT::uint;
  for (uint64_t I = 0; I < PhNum; ++I) {
    if (P[I].p_type != ELF::PT_NOTE || P[I].p_offset > Data.size() ||
        Data.size() - P[I].p_offset < P[I].p_filesz)
      continue;
    StringRef Notes = Data.substr(P[I].p_offset, P[I].p_filesz);
    while (Notes.size() >= 12) {
      const auto *W = reinterpret_cast<const support::detail::packed_endian_specific_integral<
          uint32_t, ELFT::Endianness, support::unaligned> *>(Notes.data());
      uint64_t NameSize = W[0], DescSize = W[1], Type = W[2];
      uint64_t DescOff = 12 + alignTo(NameSize, 4);
      uint64_t Size = DescOff + alignTo(DescSize, 4);
      if (Size > Notes.size())
        break;
      if (Type == ELF::NT_FILE && DescSize >= 2 * sizeof(Word)) {
        const auto *D = reinterpret_cast<const support::detail::packed_endian_specific_integral<
            Word, ELFT::Endianness, support::unaligned> *>(Notes.data() + DescOff);
        uint64_t Count = D[0];
        if (Count <= (DescSize / sizeof(Word) - 2) / 3)
          for (uint64_t J = 0; J < Count; ++J) {
            uint64_t Start = D[2 + 3 * J], End = D[3 + 3 * J];
            for (CoreFileMemory::Segment &S : Segments)
              if (S.VAddr < End && Start < S.VAddr + S.MemSize)
                S.FileBacked = true;
          }
      }
      Notes = Notes.drop_front(Size);
    }
  }
  return Segments;
}

Expected<std::unique_ptr<CoreFileMemory>> CoreFileMemory::open(StringRef Path) {
  auto Buffer = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return coreError(Path, Buffer.getError().message());
  StringRef Data = (*Buffer)->getBuffer();
  if (Data.size() < ELF::EI_NIDENT || !Data.starts_with("\x7f"
                                                        "ELF"))
    return coreError(Path, "not an ELF file");
  uint8_t Class = Data[ELF::EI_CLASS], Enc = Data[ELF::EI_DATA];
  Expected<std::vector<Segment>> Segments =
      Class == ELF::ELFCLASS64
          ? (Enc == ELF::ELFDATA2MSB
                 ? parseSegments<object::ELF64BE>(Path, Data)
                 : parseSegments<object::ELF64LE>(Path, Data))
          : (Enc == ELF::ELFDATA2MSB
                 ? parseSegments<object::ELF32BE>(Path, Data)
                 : parseSegments<object::ELF32LE>(Path, Data));
  if (!Segments)
    return Segments.takeError();
  std::unique_ptr<CoreFileMemory> M(new CoreFileMemory());
  M->Path = Path.str();
  M->File = std::move(*Buffer);
  M->Segments = std::move(*Segments);
  return std::move(M);
}

const CoreFileMemory::Segment *CoreFileMemory::find(uint64_t Addr) const {
  auto It = std::upper_bound(
      Segments.begin(), Segments.end(), Addr,
      [](uint64_t A, const Segment &S) { return A < S.VAddr; });
  if (It == Segments.begin())
    return nullptr;
  --It;
  return Addr - It->VAddr < It->MemSize ? &*It : nullptr;
}

Error CoreFileMemory::read(uint64_t HostAddr, MutableArrayRef<uint8_t> Buf) {
  uint64_t FileSize = File->getBufferSize();
  while (!Buf.empty()) {
    const Segment *S = find(HostAddr);
    if (!S)
      return coreError(
          Path, formatv("holds no mapping at {0:x}; QEMU probably ran with "
                        "-machine dump-guest-core=off, or the core does not "
                        "belong to this QEMU",
                        HostAddr));
    uint64_t Off = HostAddr - S->VAddr;
    uint64_t N = std::min<uint64_t>(Buf.size(), S->MemSize - Off);
    uint64_t InFile = Off < S->FileSize ? std::min(N, S->FileSize - Off) : 0;
    if (InFile) {
      uint64_t Start = S->Offset + Off;
      if (Start > FileSize || FileSize - Start < InFile)
        return coreError(
            Path, formatv("is truncated: QEMU's memory at {0:x} is at file "
                          "offset {1:x}, beyond the end of the file ({2:x} "
                          "bytes); take the core again, or check the disk "
                          "that holds it",
                          HostAddr + (FileSize > Start ? FileSize - Start : 0),
                          std::max(Start, FileSize), FileSize));
      std::memcpy(Buf.data(), File->getBufferStart() + Start, InFile);
    }
    if (InFile < N && S->FileBacked)
      return coreError(
          Path, formatv("does not hold QEMU's memory at {0:x}: it is a "
                        "file-backed mapping that the kernel's coredump "
                        "filter left out (e.g. memory-backend-file with "
                        "share=on); set /proc/PID/coredump_filter to include "
                        "shared file mappings (0x3f) before taking the core",
                        HostAddr + InFile));
    // Anonymous pages the kernel left out of the core were never written:
    // they are zeros.
    std::memset(Buf.data() + InFile, 0, N - InFile);
    Buf = Buf.drop_front(N);
    HostAddr += N;
  }
  return Error::success();
}

} // namespace qemudump
