//===- MemoryFaultTest.cpp - Faults, and the context added to them --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Input/MemoryFault.h"
#include "qemudump/Input/MemorySource.h"

#include "BufferMemory.h"
#include "TestUtil.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

TEST(MemoryFaultTest, TheReasonAloneUntilAContextIsAdded) {
  Error E = make_error<MemoryFault>(0x7f0000001000, 16, "core file 'c': gone");
  EXPECT_EQ(toString(std::move(E)), "core file 'c': gone");

  E = MemoryFault::addGuestContext(
      make_error<MemoryFault>(0x7f0000001000, 4096, "gone"),
      {0x100000, 0x101000, 0x7f0000001000, false}, 4096);
  EXPECT_EQ(toString(std::move(E)), "cannot read guest-physical [0x100000, "
                                    "0x101000) at QEMU address 0x7f0000001000: "
                                    "gone");
  E = MemoryFault::addGuestContext(
      make_error<MemoryFault>(0x7f0000001000, 1, "gone"),
      {0, 0xa0000, 0x7f0000000000, true}, 1);
  EXPECT_EQ(toString(std::move(E)), "guest RAM [0x0, 0xa0000) at QEMU address "
                                    "0x7f0000000000 cannot be read: gone");
}

TEST(MemoryFaultTest, TheFirstContextStaysAndOtherErrorsBecomeFaults) {
  Error E =
      MemoryFault::addGuestContext(make_error<MemoryFault>(0x2000, 8, "gone"),
                                   {0x10, 0x18, 0x2000, false}, 8);
  E = MemoryFault::addGuestContext(std::move(E), {0, 0x1000, 0x1ff0, true}, 8);
  handleAllErrors(std::move(E), [](const MemoryFault &F) {
    EXPECT_EQ(F.guestContext()->Start, 0x10u);
    EXPECT_FALSE(F.guestContext()->WholeBlock);
  });
  // A source that fails with something else still gets the context.
  E = MemoryFault::addGuestContext(
      createStringError(inconvertibleErrorCode(), "odd"),
      {0x10, 0x18, 0x2000, false}, 8);
  bool Typed = false;
  handleAllErrors(std::move(E), [&](const MemoryFault &F) {
    Typed = true;
    EXPECT_EQ(F.hostAddress(), 0x2000u);
    EXPECT_EQ(F.length(), 8u);
    EXPECT_EQ(F.reason(), "odd");
  });
  EXPECT_TRUE(Typed);
}

TEST(MemoryFaultTest, CheckBlocksReadableNamesTheBlock) {
  BufferMemory M;
  M.Buffers[0x10000].assign(0x1000, 1);
  GuestMemoryMap Map;
  cantFail(Map.addRange(0, 0x1000, 0x10000));
  EXPECT_TRUE(succeeded(checkBlocksReadable(Map, M)));
  // The block's last byte is not in the source.
  cantFail(Map.addRange(0x100000, 0x2000, 0x10000));
  EXPECT_EQ(errorOf(checkBlocksReadable(Map, M)),
            "guest RAM [0x100000, 0x102000) at QEMU address 0x10000 cannot be "
            "read: past the buffer");
}

/// A source that knows it is damaged.
class Damaged : public BufferMemory {
public:
  std::optional<std::string> knownDamage() const override {
    return std::string("the core file 'c' is truncated: 10 of the 20 bytes");
  }
};

TEST(MemoryFaultTest, KnownDamageIsAddedToErrors) {
  Damaged D;
  EXPECT_EQ(errorOf(withKnownDamage(
                createStringError(inconvertibleErrorCode(), "unreadable"), D)),
            "unreadable (the core file 'c' is truncated: 10 of the 20 bytes)");
  BufferMemory Fine;
  EXPECT_EQ(
      errorOf(withKnownDamage(
          createStringError(inconvertibleErrorCode(), "unreadable"), Fine)),
      "unreadable");
  EXPECT_TRUE(succeeded(withKnownDamage(Error::success(), D)));
}

} // namespace
