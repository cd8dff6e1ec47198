//===- QemuObject.cpp - A QOM object's type name --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuObject.h"

#include "Qemu/QemuLayout.h"

#include "lldb/API/SBError.h"

#include "llvm/Support/FormatVariadic.h"

#include <utility>

using namespace llvm;

namespace qemudump {

Expected<std::string> qomTypeName(const QemuSession &S, uint64_t Obj) {
  auto Fail = [](const Twine &Why) {
    return createStringError(inconvertibleErrorCode(), Why.str());
  };
  uint64_t Addr = Obj;
  for (auto [Type, Field] :
       {std::pair{"Object", "class"}, std::pair{"ObjectClass", "type"},
        std::pair{"TypeImpl", "name"}}) {
    Expected<TypeLayout> L = qemuLayout(S, Type, "object_get_typename");
    if (!L)
      return L.takeError();
    FieldReader F(S.process(), *L, Addr);
    Addr = F.u64(Field);
    if (!F.ok())
      return Fail(*F.failure());
    if (Addr == 0)
      return Fail(formatv("{0}.{1} is NULL", Type, Field));
  }
  char Name[128] = {};
  lldb::SBError E;
  lldb::SBProcess P = S.process();
  size_t N = P.ReadCStringFromMemory(Addr, Name, sizeof(Name), E);
  if (E.Fail() || N == 0)
    return Fail(formatv("TypeImpl.name at {0:x} cannot be read", Addr));
  return std::string(Name, N);
}

} // namespace qemudump
