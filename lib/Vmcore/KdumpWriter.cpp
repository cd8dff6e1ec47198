//===- KdumpWriter.cpp - The guest's memory as a kdump file ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Writes makedumpfile's kdump-compressed format (KdumpFormat.h) as crash,
// makedumpfile and libkdumpfile/drgn read it: the layout is computed first
// (kdump::layOut), then the bitmaps, the shared zero page and the pages are
// emitted, and last the headers and notes (which may need what the copy read:
// VmcoreNotes.h). Two forms of the same file: raw (the seekable file itself,
// QEMU's kdump-raw-*) and flattened (makedumpfile's streamable form, what
// QEMU's kdump-* write; its records may come in any order, `makedumpfile -R`
// and crash place each at its offset).
//
// Pages are compressed by a pool of worker threads (CompressorPool.h) while
// the calling thread reads guest memory and writes the results in order;
// memory use is bounded (a few batches of 1 MiB per thread).
//
//===----------------------------------------------------------------------===//

#include "qemudump/Vmcore/VmcoreWriter.h"

#include "Vmcore/CompressorPool.h"
#include "Vmcore/KdumpFormat.h"
#include "qemudump/Input/MemoryFault.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <thread>

using namespace llvm;

namespace qemudump {

namespace {

/// Writes bytes at offsets of the raw file: into the file itself, or as
/// records of the flattened stream.
class Sink {
public:
  Sink(OutputFile &Out, KdumpForm F) : Out(Out), F(F) {}

  Error start() {
    if (F == KdumpForm::Flattened)
      return Out.write(kdump::flatHeader());
    return Error::success();
  }
  Error put(uint64_t Offset, ArrayRef<uint8_t> Data) {
    if (Data.empty())
      return Error::success();
    if (F == KdumpForm::Flattened) {
      Header.clear();
      kdump::appendFlatDataHeader(Header, int64_t(Offset),
                                  int64_t(Data.size()));
      if (Error E = Out.write(Header))
        return E;
      return Out.write(Data);
    }
    if (Offset >= Out.offset()) {
      Out.skip(Offset - Out.offset());
      return Out.write(Data);
    }
    return Out.writeAt(Offset, Data);
  }
  Error finish() {
    if (F == KdumpForm::Flattened) {
      Header.clear();
      kdump::appendFlatDataHeader(Header, -1, -1);
      return Out.write(Header);
    }
    return Error::success();
  }

private:
  OutputFile &Out;
  KdumpForm F;
  std::vector<uint8_t> Header;
};

class KdumpWriter final : public VmcoreWriter {
public:
  KdumpWriter(const VmcoreInput &In, const KdumpOptions &Options)
      : A(In.Guest), Map(In.Map), GuestRam(In.GuestRam), Notes(In.Notes),
        Ram(In.Ram ? *In.Ram : In.Map), Memory(In.Memory),
        Warnings(In.Warnings), Options(Options) {}

  StringRef formatName() const override { return "kdump"; }
  Error layOut() override;
  Expected<VmcoreStats> write(OutputFile &Out, ProgressFn Progress) override;

private:
  Error checkBuiltIn() const;
  uint32_t blockSize();
  void readGuestKernel(const NoteSegment &Finished);
  kdump::DiskDumpHeader diskDumpHeader(const NoteSegment &Finished) const;
  Error emitBitmaps(Sink &S);
  Error emitPages(Sink &S);
  Error emitHeaders(Sink &S, const NoteSegment &Finished);
  Error fillBatch(Batch &B);
  Error emitBatch(Sink &S, Batch &B);

  const Arch &A;
  const GuestMemoryMap &Map;
  const GuestMemoryMap &GuestRam;
  VmcoreNotes &Notes;
  /// The RAM of the first bitmap; the second has the pages of Map.
  const GuestMemoryMap &Ram;
  MemorySource &Memory;
  std::vector<std::string> &Warnings;
  const KdumpOptions Options;
  ProgressFn Progress;
  uint32_t PS = 0; ///< The block size.

  kdump::FileLayout L;
  uint64_t DataCursor = 0; ///< Where the next stored page goes.
  size_t BlockCursor = 0;  ///< The first block fillBatch looks at.
  uint64_t GuestDone = 0;
  KdumpStats Stats;
  std::vector<uint8_t> DescBuf;
};

Error KdumpWriter::checkBuiltIn() const {
  if (compressionAvailable(Options.Compression))
    return Error::success();
  return createStringError(
      inconvertibleErrorCode(),
      formatv("kdump-{0} is not built in: rebuild qemudump with {1} installed",
              compressionName(Options.Compression),
              compressionPackage(Options.Compression))
          .str());
}

kdump::DiskDumpHeader
KdumpWriter::diskDumpHeader(const NoteSegment &Finished) const {
  kdump::DiskDumpHeader DH;
  DH.Uts = Stats.Guest.Uts;
  if (Options.Timestamp) {
    DH.TimestampSec = *Options.Timestamp;
  } else {
    auto Now = std::chrono::system_clock::now().time_since_epoch();
    DH.TimestampSec =
        std::chrono::duration_cast<std::chrono::seconds>(Now).count();
    DH.TimestampUsec =
        std::chrono::duration_cast<std::chrono::microseconds>(Now).count() %
        1000000;
  }
  DH.Status = compressionFlag(Options.Compression);
  DH.BlockSize = PS;
  DH.SubHdrSize = L.SubHdrBlocks;
  DH.BitmapBlocks = 2 * L.BitmapBytes / PS;
  DH.MaxMapnr = uint32_t(std::min<uint64_t>(L.MaxMapnr, UINT32_MAX));
  DH.NrCpus =
      Options.NrCpus ? Options.NrCpus : std::max(Finished.cpuCount(), 1u);
  return DH;
}

/// The guest kernel's page size where its VMCOREINFO is known before the
/// copy (the vmcoreinfo device, a file), or can be found by a scan first on
/// an arch of several page sizes; else the arch's.
uint32_t KdumpWriter::blockSize() {
  if (Options.BlockSize)
    return Options.BlockSize;
  const VmcoreInfo *Known =
      Notes.vmcoreInfoBeforeCopy(/*MayScan=*/A.PageSizes.size() > 1);
  if (!Known)
    return A.pageSize();
  return guestPageSize(A, *Known).value_or(A.pageSize());
}

/// What the headers say of the guest kernel: from its VMCOREINFO as the
/// copy finished the notes, and its init_uts_ns.
void KdumpWriter::readGuestKernel(const NoteSegment &Finished) {
  if (Options.Guest) {
    Stats.Guest = *Options.Guest;
    return;
  }
  const VmcoreInfo *Info = Finished.vmcoreInfo();
  std::optional<uint32_t> Page = Info ? guestPageSize(A, *Info) : std::nullopt;
  if (Page && *Page != PS)
    Warnings.push_back(formatv(
        "the guest's pages are {0} bytes (its VMCOREINFO, found in its "
        "RAM during the copy), the kdump file's blocks {1}: makedumpfile "
        "and crash expect them equal; dump again with --vmcoreinfo FILE "
        "(the note found is in this vmcore), or write an ELF vmcore",
        *Page, PS));
  Stats.Guest = readGuestKernelInfo(A, GuestRam, Memory, Info, Warnings);
}

Error KdumpWriter::emitBitmaps(Sink &S) {
  // The first bitmap has the pages of guest RAM, the second those dumped:
  // the same, but in a partial dump, which leaves out (excludes) the pages
  // whose RAM the core lacks.
  for (uint64_t Copy = 0; Copy < 2; ++Copy) {
    ArrayRef<kdump::PfnRun> Runs = Copy == 0 ? L.RamRuns : L.Runs;
    for (uint64_t Pos = 0; Pos < L.BitmapBytes;) {
      uint64_t N = std::min<uint64_t>(L.BitmapBytes - Pos, CopyChunkSize);
      std::vector<uint8_t> Bits = kdump::bitmapBytes(Runs, Pos, N);
      if (Error E = S.put(L.BitmapOffset + Copy * L.BitmapBytes + Pos, Bits))
        return E;
      Pos += N;
    }
  }
  // The shared zero page, stored as is.
  std::vector<uint8_t> Zero(PS, 0);
  return S.put(L.ZeroPageOffset, Zero);
}

Error KdumpWriter::emitHeaders(Sink &S, const NoteSegment &Finished) {
  std::vector<uint8_t> Block(PS, 0);
  std::vector<uint8_t> Header =
      kdump::encodeDiskDumpHeader(A, diskDumpHeader(Finished));
  std::copy(Header.begin(), Header.end(), Block.begin());
  if (Error E = S.put(0, Block))
    return E;

  std::vector<uint8_t> Sub(L.SubHdrBlocks * PS, 0);
  std::vector<uint8_t> SubBytes = kdump::encodeSubHeader(
      A, kdump::subHeader(L, Finished, Stats.Guest.PhysBase));
  std::copy(SubBytes.begin(), SubBytes.end(), Sub.begin());
  ArrayRef<uint8_t> NoteBytes = Finished.bytes();
  std::copy(NoteBytes.begin(), NoteBytes.end(),
            Sub.begin() + (L.NotesOffset - PS));
  return S.put(PS, Sub);
}

Error KdumpWriter::fillBatch(Batch &B) {
  size_t Bytes = size_t(B.NPages) * PS;
  B.In.assign(Bytes, 0);
  B.WasRead.assign(B.NPages, 0);
  B.GuestBytes = 0;
  B.Done = false;
  uint64_t Lo = B.FirstPfn * PS, Hi = Lo + Bytes;
  ArrayRef<MemoryBlock> Blocks = Map.blocks();
  while (BlockCursor < Blocks.size() && Blocks[BlockCursor].GuestEnd <= Lo)
    ++BlockCursor;
  for (size_t I = BlockCursor; I < Blocks.size(); ++I) {
    const MemoryBlock &Blk = Blocks[I];
    if (Blk.GuestStart >= Hi)
      break;
    uint64_t From = std::max(Blk.GuestStart, Lo);
    uint64_t To = std::min(Blk.GuestEnd, Hi);
    B.GuestBytes += To - From;
    for (uint64_t Pos = From; Pos < To;) {
      uint64_t Host = Blk.HostAddr + (Pos - Blk.GuestStart);
      MemorySource::Extent E = Memory.extent(Host, To - Pos);
      uint64_t N = std::clamp<uint64_t>(E.Length, 1, To - Pos);
      if (!E.Zero) {
        MutableArrayRef<uint8_t> Dst(B.In.data() + (Pos - Lo), N);
        if (Error Err = Memory.read(Host, Dst))
          return MemoryFault::addGuestContext(std::move(Err),
                                              {Pos, Pos + N, Host, false}, N);
        for (uint64_t P = (Pos - Lo) / PS, PEnd = divideCeil(Pos + N - Lo, PS);
             P < PEnd; ++P)
          B.WasRead[P] = 1;
      }
      Pos += N;
    }
  }
  return Error::success();
}

Error KdumpWriter::emitBatch(Sink &S, Batch &B) {
  bool LE = A.isLittleEndian();
  uint32_t Flag = compressionFlag(Options.Compression);
  DescBuf.clear();
  uint64_t DataOffset = DataCursor;
  for (unsigned I = 0; I < B.NPages; ++I) {
    switch (B.Kinds[I]) {
    case PageKind::Zero:
      kdump::appendPageDesc(DescBuf, LE, L.ZeroPageOffset, PS, 0);
      ++Stats.ZeroPages;
      break;
    case PageKind::Compressed:
      kdump::appendPageDesc(DescBuf, LE, DataCursor, B.Sizes[I], Flag);
      DataCursor += B.Sizes[I];
      ++Stats.CompressedPages;
      break;
    case PageKind::Plain:
      kdump::appendPageDesc(DescBuf, LE, DataCursor, PS, 0);
      DataCursor += PS;
      ++Stats.PlainPages;
      break;
    }
  }
  if (Error E =
          S.put(L.DescOffset + B.FirstIndex * kdump::PageDescSize, DescBuf))
    return E;
  if (Error E = S.put(DataOffset, B.Data))
    return E;
  GuestDone += B.GuestBytes;
  if (Progress && !Progress(GuestDone, Map.totalBytes()))
    return createStringError(inconvertibleErrorCode(),
                             "the dump was interrupted");
  return Error::success();
}

Error KdumpWriter::emitPages(Sink &S) {
  // Batches of 1 MiB (at least one page); a few per thread in flight.
  unsigned BatchPages = std::max<unsigned>(1, (1u << 20) / PS);
  size_t Slots = 2 * Stats.Threads + 2;
  std::vector<std::unique_ptr<Batch>> Storage;
  std::vector<Batch *> Free;
  for (size_t I = 0; I < Slots; ++I) {
    Storage.push_back(std::make_unique<Batch>());
    Free.push_back(Storage.back().get());
  }
  std::deque<Batch *> InFlight;
  // Declared after the batches: destroyed (its threads joined) first.
  CompressorPool Pool(Stats.Threads, Options.Compression, PS);

  auto EmitOldest = [&]() -> Error {
    Batch *B = InFlight.front();
    Pool.wait(B);
    InFlight.pop_front();
    Free.push_back(B);
    return emitBatch(S, *B);
  };

  DataCursor = L.DataOffset;
  uint64_t Index = 0;
  for (const kdump::PfnRun &R : L.Runs) {
    for (uint64_t Pfn = R.First; Pfn < R.End;) {
      if (Free.empty())
        if (Error E = EmitOldest())
          return E;
      Batch *B = Free.back();
      Free.pop_back();
      B->FirstPfn = Pfn;
      B->FirstIndex = Index;
      B->NPages = unsigned(std::min<uint64_t>(BatchPages, R.End - Pfn));
      if (Error E = fillBatch(*B))
        return E;
      if (llvm::none_of(B->WasRead, [](uint8_t R) { return R != 0; }))
        B->setAllZero(); // Known zeros: nothing to compress.
      else
        Pool.submit(B);
      InFlight.push_back(B);
      Pfn += B->NPages;
      Index += B->NPages;
      // Write what is ready without waiting.
      while (!InFlight.empty() && Pool.done(InFlight.front()))
        if (Error E = EmitOldest())
          return E;
    }
  }
  while (!InFlight.empty())
    if (Error E = EmitOldest())
      return E;
  return Error::success();
}

Error KdumpWriter::layOut() {
  if (Error E = checkBuiltIn())
    return E;
  PS = blockSize();
  Expected<kdump::FileLayout> Layout =
      kdump::layOut(A, PS, Ram, Map, Notes.capacity());
  if (!Layout)
    return Layout.takeError();
  L = std::move(*Layout);
  Stats.Pages = L.Pages;
  Stats.BlockSize = PS;
  Stats.Threads = Options.Threads ? Options.Threads : defaultKdumpThreads();
  return Error::success();
}

Expected<VmcoreStats> KdumpWriter::write(OutputFile &Out,
                                         ProgressFn OnProgress) {
  Progress = OnProgress;
  Sink S(Out, Options.Form);
  if (Error E = S.start())
    return std::move(E);
  if (Error E = emitBitmaps(S))
    return std::move(E);
  if (Error E = emitPages(S))
    return std::move(E);
  // What the copy may have taught the notes, then the headers.
  Expected<const NoteSegment &> Finished = Notes.finish();
  if (!Finished)
    return Finished.takeError();
  if (Finished->bytes().size() > Notes.capacity())
    return createStringError(inconvertibleErrorCode(),
                             "internal error: the notes do not fit their room");
  readGuestKernel(*Finished);
  if (Error E = emitHeaders(S, *Finished))
    return std::move(E);
  if (Error E = S.finish())
    return std::move(E);
  VmcoreStats V;
  V.FileSize = Out.offset();
  V.MemoryBytes = Map.totalBytes();
  V.Kdump = Stats;
  return V;
}

} // namespace

std::unique_ptr<VmcoreWriter> createKdumpWriter(const VmcoreInput &In,
                                                const KdumpOptions &Options) {
  return std::make_unique<KdumpWriter>(In, Options);
}

} // namespace qemudump
