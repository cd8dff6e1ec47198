//===- FuzzCheck.h - Invariant checks for the fuzz targets ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// FUZZ_CHECK(Cond): a violated invariant is a crash (__builtin_trap), which
// libFuzzer reports with the input, as it does a sanitizer report.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_TEST_FUZZ_FUZZCHECK_H
#define QEMUDUMP_TEST_FUZZ_FUZZCHECK_H

#include <cstdio>

#define FUZZ_CHECK(Cond)                                                       \
  do {                                                                         \
    if (!(Cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__,        \
                   __LINE__, #Cond);                                           \
      __builtin_trap();                                                        \
    }                                                                          \
  } while (0)

#endif // QEMUDUMP_TEST_FUZZ_FUZZCHECK_H
