//===- DescWriter.h - Bytes of a note or header, in one byte order -*- C++ -*-//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every descriptor qemudump writes (the vCPU notes of each arch, the kdump
// headers) is built by one writer in the vmcore's byte order: appended in
// order through LLVM's support::endian::Writer, or put at a fixed offset of
// a structure whose layout is stated by offsets. Integers of 8 to 128 bits;
// a 128-bit integer is one integer in the byte order (a big-endian one has
// its high half first).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_NOTES_DESCWRITER_H
#define QEMUDUMP_NOTES_DESCWRITER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <vector>

namespace qemudump {

class DescWriter {
public:
  /// An empty buffer, or \p Size zero bytes to put fields into.
  explicit DescWriter(llvm::endianness Order, size_t Size = 0);
  DescWriter(const DescWriter &) = delete;
  DescWriter &operator=(const DescWriter &) = delete;

  llvm::endianness order() const { return Order; }
  size_t size() const { return Buf.size(); }
  llvm::ArrayRef<uint8_t> bytes() const {
    return llvm::ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(Buf.data()), Buf.size());
  }
  std::vector<uint8_t> take() const {
    return std::vector<uint8_t>(bytes().begin(), bytes().end());
  }

  // Appended at the end.
  DescWriter &u8(uint8_t V) { return append(V); }
  DescWriter &u16(uint16_t V) { return append(V); }
  DescWriter &u32(uint32_t V) { return append(V); }
  DescWriter &u64(uint64_t V) { return append(V); }
  /// A 128-bit integer whose low half is \p Lo.
  DescWriter &u128(uint64_t Lo, uint64_t Hi);
  /// An integer of \p Bytes bytes (4 or 8): a C long or pointer.
  DescWriter &word(uint64_t V, unsigned Bytes);
  DescWriter &zeros(size_t N);
  DescWriter &raw(llvm::ArrayRef<uint8_t> Bytes);
  /// Zeros up to \p Size bytes in all (nothing when it is that long).
  DescWriter &padTo(size_t Size);

  // Put at an offset; the buffer grows with zeros to hold the field.
  void put16(size_t Off, uint16_t V) { put(Off, V); }
  void put32(size_t Off, uint32_t V) { put(Off, V); }
  void put64(size_t Off, uint64_t V) { put(Off, V); }
  void putWord(size_t Off, uint64_t V, unsigned Bytes);
  /// \p S in a char[\p Field] that keeps its NUL (cut to Field - 1).
  void putString(size_t Off, llvm::StringRef S, size_t Field);
  void putRaw(size_t Off, llvm::ArrayRef<uint8_t> Bytes);

private:
  template <typename T> DescWriter &append(T V) {
    W.write<T>(V);
    return *this;
  }
  template <typename T> void put(size_t Off, T V) {
    grow(Off + sizeof(T));
    llvm::support::endian::write<T>(Buf.data() + Off, V, Order);
  }
  void grow(size_t Size);

  llvm::endianness Order;
  llvm::SmallVector<char, 0> Buf;
  llvm::raw_svector_ostream OS{Buf};
  llvm::support::endian::Writer W{OS, Order};
};

} // namespace qemudump

#endif // QEMUDUMP_NOTES_DESCWRITER_H
