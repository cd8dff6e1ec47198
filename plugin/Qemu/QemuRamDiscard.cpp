//===- QemuRamDiscard.cpp - A sparse RAM region's RamDiscardManager -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuRamDiscard.h"

#include "Qemu/QemuLayout.h"
#include "Qemu/QemuObject.h"

#include "lldb/API/SBError.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"

#include <vector>

using namespace llvm;

namespace qemudump {

namespace {

/// QEMU's bitmaps have a bit per block of a region: more than this many is
/// garbage (a 4 TiB region of 4 KiB pages has 2^30).
constexpr uint64_t MaxBits = uint64_t(1) << 32;

/// The layouts of one kind of manager, and how it names its parts.
struct Kind {
  const char *QomType;
  const char *Struct;       ///< QEMU's C structure of the object.
  const char *UnitFunction; ///< A function of the file that defines it.
  const char *Populated, *Discarded;
};

constexpr Kind VirtioMem = {"virtio-mem", "VirtIOMEM",
                            "virtio_mem_device_realize", "plugged",
                            "unplugged"};
constexpr Kind RamBlockAttributes = {
    "ram-block-attributes", "RamBlockAttributes", "ram_block_attributes_create",
    "shared", "private"};

class RamDiscardReader {
public:
  RamDiscardReader(const QemuSession &S, uint64_t Rdm, StringRef Region,
                   uint64_t RegionSize)
      : S(S), Rdm(Rdm), Region(Region), RegionSize(RegionSize) {}

  Expected<RamDiscard> read();

private:
  Expected<std::string> qomType();
  Expected<RamDiscardBitmap> bitmap(const Kind &K);
  Expected<uint64_t> blockSize(const Kind &K, FieldReader &F, uint64_t Bits);
  Expected<std::vector<uint64_t>> words(uint64_t Addr, uint64_t Bits);
  Error fail(const Twine &Why) const;

  const QemuSession &S;
  uint64_t Rdm;
  StringRef Region;
  uint64_t RegionSize;
};

Error RamDiscardReader::fail(const Twine &Why) const {
  return corruptError(formatv("the RamDiscardManager at {0:x} of region "
                              "'{1}': {2}",
                              Rdm, Region, Why)
                          .str());
}

/// The manager's QOM type: which structure it is.
Expected<std::string> RamDiscardReader::qomType() {
  Expected<std::string> Name = qomTypeName(S, Rdm);
  if (!Name)
    return fail("its QOM type cannot be read: " + toString(Name.takeError()));
  return Name;
}

/// The block size of a RamBlockAttributes' bitmap: QEMU's host page size
/// (qemu_real_host_page_size(), which no structure holds), found as the one
/// page size for which the bitmap has a bit per page of the region, as
/// ram_block_attributes_create() sizes it.
Expected<uint64_t> RamDiscardReader::blockSize(const Kind &K, FieldReader &F,
                                               uint64_t Bits) {
  if (&K == &VirtioMem) {
    uint64_t BlockSize = F.u64("block_size");
    if (!F.ok())
      return fail(*F.failure());
    // virtio_mem_device_realize: bitmap_size = region size / block_size.
    if (BlockSize == 0 || RegionSize % BlockSize ||
        RegionSize / BlockSize != Bits)
      return fail(formatv("{0} blocks of {1:x} bytes do not make its {2:x} "
                          "bytes (VirtIOMEM.bitmap_size or .block_size is "
                          "corrupt)",
                          Bits, BlockSize, RegionSize));
    return BlockSize;
  }
  std::optional<uint64_t> Found;
  for (uint64_t PageSize : {4096u, 16384u, 65536u})
    if ((RegionSize + PageSize - 1) / PageSize == Bits) {
      if (Found)
        return fail(formatv("its {0} bits fit host pages of {1} and {2} "
                            "bytes alike",
                            Bits, *Found, PageSize));
      Found = PageSize;
    }
  if (!Found)
    return fail(formatv("its {0} bits are no host page size's count for "
                        "{1:x} bytes (RamBlockAttributes.bitmap_size is "
                        "corrupt)",
                        Bits, RegionSize));
  return *Found;
}

/// The \p Bits bits of the bitmap at \p Addr, as 64-bit words (QEMU's
/// unsigned long on a 64-bit host, in its byte order: little-endian, as the
/// DWARF layouts are read).
Expected<std::vector<uint64_t>> RamDiscardReader::words(uint64_t Addr,
                                                        uint64_t Bits) {
  std::vector<uint64_t> Words((Bits + 63) / 64);
  if (Words.empty())
    return Words;
  if (Addr == 0)
    return fail("its bitmap is NULL");
  std::vector<uint8_t> Bytes(Words.size() * 8);
  lldb::SBError E;
  lldb::SBProcess P = S.process();
  size_t Got = P.ReadMemory(Addr, Bytes.data(), Bytes.size(), E);
  if (Got != Bytes.size())
    return fail(formatv("its bitmap ({0} bytes at {1:x}) cannot be read: {2}",
                        Bytes.size(), Addr,
                        E.GetCString() ? E.GetCString() : "a short read"));
  for (size_t I = 0; I < Words.size(); ++I)
    Words[I] = support::endian::read64le(Bytes.data() + I * 8);
  return Words;
}

Expected<RamDiscardBitmap> RamDiscardReader::bitmap(const Kind &K) {
  Expected<TypeLayout> L = qemuLayout(S, K.Struct, K.UnitFunction);
  if (!L)
    return L.takeError();
  FieldReader F(S.process(), *L, Rdm);
  uint64_t Bits = F.u64("bitmap_size");
  uint64_t BitmapAddr = F.u64("bitmap");
  if (!F.ok())
    return fail(*F.failure());
  if (Bits > MaxBits)
    return fail(formatv("its bitmap has {0} bits, more than a region can "
                        "plausibly have",
                        Bits));
  Expected<uint64_t> BlockSize = blockSize(K, F, Bits);
  if (!BlockSize)
    return BlockSize.takeError();
  Expected<std::vector<uint64_t>> Words = words(BitmapAddr, Bits);
  if (!Words)
    return Words.takeError();
  Expected<RamDiscardBitmap> B =
      RamDiscardBitmap::create(*BlockSize, Bits, std::move(*Words));
  if (!B)
    return fail("its bitmap is impossible: " + toString(B.takeError()));
  // virtio-mem counts what is plugged (VirtIOMEM.size) apart from its bitmap:
  // a bitmap that disagrees is not the device's.
  if (&K == &VirtioMem && F.has("size")) {
    uint64_t Plugged = F.u64("size");
    if (F.ok() && Plugged != B->populatedBytes())
      return fail(formatv("its bitmap has {0:x} bytes plugged, but the device "
                          "says {1:x} (VirtIOMEM.bitmap or .size is corrupt)",
                          B->populatedBytes(), Plugged));
  }
  return B;
}

Expected<RamDiscard> RamDiscardReader::read() {
  Expected<std::string> Type = qomType();
  if (!Type)
    return Type.takeError();
  const Kind *K = nullptr;
  for (const Kind *Known : {&VirtioMem, &RamBlockAttributes})
    if (*Type == Known->QomType)
      K = Known;
  if (!K)
    return RamDiscard{*Type, "", "", std::nullopt};
  Expected<RamDiscardBitmap> B = bitmap(*K);
  if (!B)
    return B.takeError();
  return RamDiscard{K->QomType, K->Populated, K->Discarded, std::move(*B)};
}

} // namespace

std::string RamDiscard::whyUnknown(StringRef Region) const {
  return formatv("region '{0}' is sparse RAM: a RamDiscardManager of QOM type "
                 "'{1}' says which parts of it exist, and qemudump knows only "
                 "{2} and {3}. QEMU's own dump would write only the parts "
                 "that exist; qemudump will not guess them. Leave the region "
                 "out with --begin/--length, and report the QEMU version and "
                 "device",
                 Region, Kind, VirtioMem.QomType, RamBlockAttributes.QomType)
      .str();
}

Expected<RamDiscard> readRamDiscard(const QemuSession &S, uint64_t Rdm,
                                    StringRef Region, uint64_t RegionSize) {
  return RamDiscardReader(S, Rdm, Region, RegionSize).read();
}

} // namespace qemudump
