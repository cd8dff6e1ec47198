//===- QemuLayout.cpp - QEMU's structures laid out from its DWARF --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/QemuLayout.h"

#include "Lldb/FileSpecPath.h"

#include "lldb/API/SBError.h"
#include "lldb/API/SBFileSpec.h"
#include "lldb/API/SBModule.h"
#include "lldb/API/SBSymbol.h"
#include "lldb/API/SBSymbolContext.h"
#include "lldb/API/SBSymbolContextList.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

/// The file address of the function \p Name, std::nullopt when QEMU has no
/// such symbol.
std::optional<uint64_t> functionAddress(const QemuSession &S,
                                        const char *Name) {
  lldb::SBSymbolContextList L =
      S.exe().FindFunctions(Name, lldb::eFunctionNameTypeFull);
  for (uint32_t I = 0; I < L.GetSize(); ++I) {
    lldb::SBSymbol Sym = L.GetContextAtIndex(I).GetSymbol();
    if (Sym.IsValid())
      return Sym.GetStartAddress().GetFileAddress();
  }
  return std::nullopt;
}

} // namespace

std::string debugInfoFile(lldb::SBModule Exe) {
  if (std::optional<std::string> Debug = fileSpecPath(Exe.GetSymbolFileSpec()))
    return *Debug;
  return fileSpecPath(Exe.GetFileSpec()).value_or("");
}

Expected<TypeLayout> qemuLayout(const QemuSession &S, StringRef TypeName,
                                const char *UnitFunction) {
  auto Fail = [&](const Twine &Why) {
    return createStringError(
        inconvertibleErrorCode(),
        formatv("cannot lay out QEMU's structure {0} from its DWARF: {1}",
                TypeName, Why)
            .str());
  };
  Expected<const DwarfTypes &> Dwarf = S.dwarf();
  if (!Dwarf)
    return Fail(toString(Dwarf.takeError()));
  Expected<TypeLayout> T =
      Dwarf->type(TypeName, functionAddress(S, UnitFunction));
  if (!T)
    return Fail(toString(T.takeError()));
  return T;
}

Field::Field(const TypeLayout &Layout, const Twine &Path)
    : Name((Layout.name() + "." + Path).str()) {
  Expected<FieldLayout> F = Layout.field(Path.str());
  if (!F) {
    consumeError(F.takeError());
    Missing = "not in this QEMU's debug info";
    return;
  }
  if (F->Size == 0 || F->Size > 8) {
    Missing = formatv("{0} bytes, not an integer", F->Size);
    return;
  }
  At = *F;
}

uint64_t FieldReader::u64(const Field &F) {
  if (First)
    return 0;
  auto Fail = [&](const Twine &Why) {
    First = (F.name() + ": " + Why).str();
    return 0;
  };
  if (!F.At)
    return Fail(F.Missing);
  uint8_t Buf[8] = {};
  lldb::SBError E;
  size_t Got = Process.ReadMemory(Addr + F.At->Offset, Buf, F.At->Size, E);
  if (Got != F.At->Size)
    return Fail(formatv("cannot be read at {0:x}: {1}", Addr + F.At->Offset,
                        E.GetCString() ? E.GetCString() : "a short read"));
  // QEMU's (the host's) order: DwarfTypes reads little-endian ELF only. The
  // bytes past the member's are zeros.
  return support::endian::read64le(Buf);
}

} // namespace qemudump
