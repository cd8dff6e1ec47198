//===- DescWriter.cpp - Bytes of a note or header, in one byte order ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Notes/DescWriter.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cassert>

using namespace llvm;

namespace qemudump {

DescWriter::DescWriter(endianness Order, size_t Size) : Order(Order) {
  Buf.resize(Size, 0);
}

DescWriter &DescWriter::u128(uint64_t Lo, uint64_t Hi) {
  return Order == endianness::little ? u64(Lo).u64(Hi) : u64(Hi).u64(Lo);
}

DescWriter &DescWriter::word(uint64_t V, unsigned Bytes) {
  assert((Bytes == 4 || Bytes == 8) && "a word is 4 or 8 bytes");
  return Bytes == 8 ? u64(V) : u32(uint32_t(V));
}

DescWriter &DescWriter::zeros(size_t N) {
  Buf.append(N, 0);
  return *this;
}

DescWriter &DescWriter::raw(ArrayRef<uint8_t> Bytes) {
  OS << toStringRef(Bytes);
  return *this;
}

DescWriter &DescWriter::padTo(size_t Size) {
  assert(Buf.size() <= Size && "the structure overran its size");
  return zeros(Size - std::min(Size, Buf.size()));
}

void DescWriter::putWord(size_t Off, uint64_t V, unsigned Bytes) {
  assert((Bytes == 4 || Bytes == 8) && "a word is 4 or 8 bytes");
  Bytes == 8 ? put64(Off, V) : put32(Off, uint32_t(V));
}

void DescWriter::putString(size_t Off, StringRef S, size_t Field) {
  grow(Off + Field);
  S = S.take_front(Field ? Field - 1 : 0);
  std::copy(S.begin(), S.end(), Buf.begin() + Off);
}

void DescWriter::putRaw(size_t Off, ArrayRef<uint8_t> Bytes) {
  grow(Off + Bytes.size());
  std::copy(Bytes.begin(), Bytes.end(), Buf.begin() + Off);
}

void DescWriter::grow(size_t Size) {
  if (Buf.size() < Size)
    Buf.resize(Size, 0);
}

} // namespace qemudump
