//===- MemoryFault.cpp - A read of QEMU's memory that failed --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Input/MemoryFault.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace qemudump {

char MemoryFault::ID;
char StructuresUnreadable::ID;

void MemoryFault::log(raw_ostream &OS) const {
  if (!Guest) {
    OS << Reason;
    return;
  }
  if (Guest->WholeBlock)
    OS << formatv("guest RAM [{0:x}, {1:x}) at QEMU address {2:x} cannot be "
                  "read: {3}",
                  Guest->Start, Guest->End, Guest->HostAddr, Reason);
  else
    OS << formatv("cannot read guest-physical [{0:x}, {1:x}) at QEMU address "
                  "{2:x}: {3}",
                  Guest->Start, Guest->End, Guest->HostAddr, Reason);
}

std::error_code MemoryFault::convertToErrorCode() const {
  return std::make_error_code(std::errc::io_error);
}

Error MemoryFault::addGuestContext(Error E, const GuestContext &C,
                                   uint64_t Length) {
  return handleErrors(
      std::move(E),
      [&](std::unique_ptr<MemoryFault> F) -> Error {
        if (!F->Guest)
          F->Guest = C;
        return Error(std::move(F));
      },
      [&](std::unique_ptr<ErrorInfoBase> Other) -> Error {
        auto F =
            std::make_unique<MemoryFault>(C.HostAddr, Length, Other->message());
        F->Guest = C;
        return Error(std::move(F));
      });
}

} // namespace qemudump
