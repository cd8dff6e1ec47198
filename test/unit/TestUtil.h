//===- TestUtil.h - gtest helpers for llvm::Error and llvm::Expected ------===//
//
// Debian ships no LLVMTestingSupport library, so these stand in for its
// Succeeded()/Failed() matchers.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_TEST_UNIT_TESTUTIL_H
#define QEMUDUMP_TEST_UNIT_TESTUTIL_H

#include "llvm/Support/Error.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <optional>
#include <string>

namespace qemudump {

template <class T>
testing::AssertionResult succeeded(llvm::Expected<T> &E) {
  if (E)
    return testing::AssertionSuccess();
  return testing::AssertionFailure() << llvm::toString(E.takeError());
}
template <class T>
testing::AssertionResult succeeded(llvm::Expected<T> &&E) {
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

} // namespace qemudump

#endif
