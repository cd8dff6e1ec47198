//===- KdumpTestUtil.h - Reading kdump bytes back in the unit tests -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#ifndef QEMUDUMP_TEST_UNIT_KDUMPTESTUTIL_H
#define QEMUDUMP_TEST_UNIT_KDUMPTESTUTIL_H

#include "qemudump/Arch/Arch.h"
#include "qemudump/Guest/GuestKernelInfo.h"
#include "qemudump/Notes/NoteSegment.h"
#include "qemudump/Notes/Notes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Endian.h"

#include <string>

namespace qemudump {
namespace kdumptest {

constexpr uint32_t PS = 4096;

inline const Arch &x86_64() { return llvm::cantFail(parseArch("X86_64")); }

inline uint64_t le64(llvm::ArrayRef<uint8_t> B, size_t Off) {
  return llvm::support::endian::read64le(B.data() + Off);
}
inline uint32_t le32(llvm::ArrayRef<uint8_t> B, size_t Off) {
  return llvm::support::endian::read32le(B.data() + Off);
}
inline uint64_t be64(llvm::ArrayRef<uint8_t> B, size_t Off) {
  return llvm::support::endian::read64be(B.data() + Off);
}
inline uint32_t be32(llvm::ArrayRef<uint8_t> B, size_t Off) {
  return llvm::support::endian::read32be(B.data() + Off);
}
/// The NUL-terminated string in [Off, Off + Max).
inline std::string str(llvm::ArrayRef<uint8_t> B, size_t Off, size_t Max) {
  llvm::StringRef S(reinterpret_cast<const char *>(B.data()) + Off, Max);
  return S.take_until([](char C) { return C == 0; }).str();
}

inline Utsname someUts() {
  return {"Linux", "node", "6.1.0-test", "#1 SMP", "x86_64", "(none)"};
}

/// A finalized note segment of one VMCOREINFO note with \p Text.
inline NoteSegment vmcoreInfoNotes(llvm::StringRef Text) {
  NoteSegment N(true);
  std::vector<uint8_t> Raw;
  appendNote(Raw, true, "VMCOREINFO", 0, llvm::arrayRefFromStringRef(Text));
  llvm::cantFail(N.addGuestNote(Raw));
  N.finalize();
  return N;
}

} // namespace kdumptest
} // namespace qemudump

#endif
