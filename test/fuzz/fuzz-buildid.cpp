//===- fuzz-buildid.cpp - Fuzz the build-id reader ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Input: an ELF image as it is mapped in a process, from its ELF header:
// readBuildId reads it through a memory reader that maps the input bytes at
// a fixed address and fails for anything outside them.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "qemudump/Input/BuildId.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

using namespace llvm;
using namespace qemudump;

static constexpr uint64_t Base = 0x555555554000;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  unsigned Reads = 0;
  auto Read = [&](uint64_t Addr, MutableArrayRef<uint8_t> Buf) -> Error {
    ++Reads;
    if (Addr < Base || Addr - Base > Size || Size - (Addr - Base) < Buf.size())
      return createStringError(inconvertibleErrorCode(), "not mapped");
    if (!Buf.empty())
      std::memcpy(Buf.data(), Data + (Addr - Base), Buf.size());
    return Error::success();
  };
  Expected<std::optional<std::vector<uint8_t>>> Id = readBuildId(Read, Base);
  // The ident, the header, the program headers, at most 512 notes.
  FUZZ_CHECK(Reads <= 3 + 512);
  if (!Id) {
    consumeError(Id.takeError());
    return 0;
  }
  if (*Id) {
    const std::vector<uint8_t> &B = **Id;
    FUZZ_CHECK(B.size() <= 4096);
    FUZZ_CHECK(B.empty() || std::search(Data, Data + Size, B.begin(),
                                        B.end()) != Data + Size);
  }
  return 0;
}
