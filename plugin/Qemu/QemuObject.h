//===- QemuObject.h - A QOM object's type name ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every QEMU object (QOM) starts with an Object whose class names its type:
// Object.class->type->name, as qom/object.c's object_get_typename() reads
// it. The plugin checks the type of what a pointer leads to before it trusts
// the object (the vmcoreinfo device) or to know which structure it is (a
// RamDiscardManager). The three structures are read at offsets from QEMU's
// DWARF (QemuLayout), in the unit of qom/object.c, the one that defines
// TypeImpl.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMUOBJECT_H
#define QEMUDUMP_PLUGIN_QEMU_QEMUOBJECT_H

#include "Qemu/QemuSession.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace qemudump {

/// The QOM type name of the object at QEMU address \p Obj. Fails, saying
/// which member, when QEMU's DWARF does not lay the structures out, or a
/// pointer on the way is NULL or unreadable.
llvm::Expected<std::string> qomTypeName(const QemuSession &S, uint64_t Obj);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMUOBJECT_H
