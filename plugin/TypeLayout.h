//===- TypeLayout.h - Work around LLDB's lazy layout of QEMU's types -*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// QEMU's DWARF makes LLDB report members that "extend beyond the bounds" of
// their type (unions of vector registers, QTAILQ heads in CPUState and
// CPUX86State). Such a struct, completed lazily for SBValue, can come out
// with members dropped and the later ones at wrong offsets (seen:
// CPUX86State's kernelgsbase 8 bytes early in QEMU 7.2). Completing the type
// through the expression parser first lays it out from the DWARF's member
// offsets, and SBValue then uses that layout. (The memory map's structures
// have no such members: the real-QEMU tests check their layout byte for
// byte.)
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_TYPELAYOUT_H
#define QEMUDUMP_PLUGIN_TYPELAYOUT_H

#include "lldb/API/SBTarget.h"

namespace qemudump {

/// Lays out the C type \p Type from its DWARF member offsets (`sizeof`
/// through the expression parser, which needs no running process). A failure
/// changes nothing and is not reported: SBValue then has LLDB's lazy layout.
void completeLayout(lldb::SBTarget Target, const char *Type);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_TYPELAYOUT_H
