//===- TestUtil.h - gtest helpers for llvm::Error and llvm::Expected ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Debian ships no LLVMTestingSupport library, so these stand in for its
// Succeeded()/Failed() matchers.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_TEST_UNIT_TESTUTIL_H
#define QEMUDUMP_TEST_UNIT_TESTUTIL_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <optional>
#include <string>

namespace qemudump {

template <class T> testing::AssertionResult succeeded(llvm::Expected<T> &E) {
  if (E)
    return testing::AssertionSuccess();
  return testing::AssertionFailure() << llvm::toString(E.takeError());
}
template <class T> testing::AssertionResult succeeded(llvm::Expected<T> &&E) {
  return succeeded(E);
}
inline testing::AssertionResult succeeded(llvm::Error E) {
  if (!E)
    return testing::AssertionSuccess();
  return testing::AssertionFailure() << llvm::toString(std::move(E));
}

/// The error's message, or "" on success.
template <class T> std::string errorOf(llvm::Expected<T> &&E) {
  if (E)
    return "";
  return llvm::toString(E.takeError());
}
inline std::string errorOf(llvm::Error E) {
  return E ? llvm::toString(std::move(E)) : "";
}

/// The value, or nullopt (and a test failure naming the error).
template <class T> std::optional<T> valueOf(llvm::Expected<T> &&E) {
  if (E)
    return std::move(*E);
  ADD_FAILURE() << llvm::toString(E.takeError());
  return std::nullopt;
}

/// A fixture with a fresh directory, removed afterwards: Dir, and Path, a
/// file named \p FileName in it (not created).
class TempDirTest : public testing::Test {
protected:
  explicit TempDirTest(const char *FileName) : FileName(FileName) {}
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qemudump-unit", Dir));
    Path = Dir;
    Path += "/";
    Path += FileName;
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }
  /// The number of entries in Dir.
  unsigned entries() const {
    unsigned N = 0;
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
         It.increment(EC))
      ++N;
    return N;
  }

  llvm::SmallString<128> Dir, Path;

private:
  const char *FileName;
};

} // namespace qemudump

#endif
