//===- ArchRows.h - Every row of the arch table, declared -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares each row of Arches.def (`extern const Arch X86_64Arch;`), so that
// the arch file defining one gives it external linkage and the table in
// Arch.cpp can list it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_ARCH_ARCHROWS_H
#define QEMUDUMP_ARCH_ARCHROWS_H

#include "qemudump/Arch/Arch.h"

namespace qemudump {
#define ARCH(Row) extern const Arch Row;
#include "Arches.def"
} // namespace qemudump

#endif // QEMUDUMP_ARCH_ARCHROWS_H
