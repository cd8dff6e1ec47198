//===- ValueReader.cpp - QEMU's structures read through SBValue -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Qemu/ValueReader.h"

#include "qemudump/Input/MemoryFault.h"

#include "lldb/API/SBAddress.h"
#include "lldb/API/SBData.h"
#include "lldb/API/SBError.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

Error structureCorruptError(StringRef Structure, const Twine &What) {
  return createStringError(
      inconvertibleErrorCode(),
      ("QEMU's " + Structure + " is unreadable or corrupt: " + What +
       "; the core may be damaged, or it does not match this QEMU binary")
          .str());
}

Error structuresError(const ValueReader::Failure &F) {
  switch (F.K) {
  case ValueReader::Failure::Missing: {
    auto [Type, Name] = StringRef(F.Path).rsplit('.');
    return createStringError(
        inconvertibleErrorCode(),
        formatv("{0} has no member '{1}' in QEMU's debug info; this QEMU "
                "version's memory structures are not supported",
                Type, Name)
            .str());
  }
  case ValueReader::Failure::Unreadable:
    // The same words, typed: a truncated core's error names its cut.
    return make_error<StructuresUnreadable>(
        toString(corruptError("cannot read " + F.Path + ": " + F.Reason)));
  case ValueReader::Failure::Corrupt:
    return corruptError(F.Path.empty() ? F.Reason : F.Path + " is " + F.Reason);
  }
  llvm_unreachable("unknown failure kind");
}

Error ValueReader::takeError() {
  if (!First)
    return Error::success();
  Error E = structuresError(*First);
  First.reset();
  return E;
}

void ValueReader::fail(Failure::Kind K, const Twine &Path,
                       const Twine &Reason) {
  if (!First)
    First = Failure{K, Path.str(), Reason.str()};
}

/// LLDB's reason in our words: without its "error: " and final period, and
/// "not in the core" for what says no more than that the value is invalid.
static std::string lldbReason(lldb::SBValue V) {
  lldb::SBError E = V.GetError();
  StringRef Why = E.Fail() && E.GetCString() ? E.GetCString() : "";
  Why = Why.trim();
  Why.consume_front("error: ");
  Why = Why.rtrim(". ;");
  if (Why.empty() || Why == "invalid value object" ||
      Why == "parent address is invalid" || Why == "invalid")
    return "the address is not in the core (unmapped or garbage)";
  return Why.str();
}

bool ValueReader::record(lldb::SBValue V, Failure::Kind K, const Twine &Path) {
  fail(K, Path, lldbReason(V));
  return false;
}

lldb::SBValue ValueReader::member(lldb::SBValue V, const char *Name,
                                  StringRef Type) {
  if (!ok())
    return {};
  lldb::SBValue M = V.GetChildMemberWithName(Name);
  if (!M.IsValid()) {
    fail(Failure::Missing, Twine(Type) + "." + Name, "");
    return {};
  }
  if (M.GetError().Fail()) {
    record(M, Failure::Unreadable, Twine(Type) + "." + Name);
    return {};
  }
  return M;
}

lldb::SBValue ValueReader::optionalMember(lldb::SBValue V, const char *Name) {
  if (!ok())
    return {};
  return V.GetChildMemberWithName(Name);
}

uint64_t ValueReader::u64(lldb::SBValue V, const Twine &Path) {
  if (!ok())
    return 0;
  lldb::SBError E;
  uint64_t U = V.GetValueAsUnsigned(E, 0);
  if (!V.IsValid() || E.Fail()) {
    record(V, Failure::Unreadable, Path);
    return 0;
  }
  return U;
}

bool ValueReader::optionalFlag(lldb::SBValue V, const char *Name,
                               StringRef Type) {
  lldb::SBValue M = optionalMember(V, Name);
  if (!M.IsValid())
    return false;
  return u64(M, Twine(Type) + "." + Name) != 0;
}

U128 ValueReader::int128(lldb::SBValue V, const Twine &Path) {
  if (!ok())
    return {};
  lldb::SBValue Lo = V.GetChildMemberWithName("lo");
  lldb::SBValue Hi = V.GetChildMemberWithName("hi");
  if (Lo.IsValid() && Hi.IsValid()) {
    U128 R;
    R.Lo = u64(Lo, Path + ".lo");
    R.Hi = u64(Hi, Path + ".hi");
    return R;
  }
  lldb::SBData D = V.GetData();
  if (!D.IsValid() || D.GetByteSize() != 16) {
    record(V, Failure::Unreadable, Path);
    return {};
  }
  lldb::SBError E1, E2;
  uint64_t A = D.GetUnsignedInt64(E1, 0);
  uint64_t B = D.GetUnsignedInt64(E2, 8);
  if (E1.Fail() || E2.Fail()) {
    record(V, Failure::Unreadable, Path);
    return {};
  }
  return LittleEndian ? U128{A, B} : U128{B, A};
}

uint64_t ValueReader::int128As64(lldb::SBValue V, const Twine &Path) {
  U128 I = int128(V, Path);
  if (ok() && I.Hi != 0)
    fail(Failure::Corrupt, Path,
         formatv("{0:x}{1:x-16}, beyond 64 bits", I.Hi, I.Lo));
  return I.Lo;
}

std::optional<uint64_t> ValueReader::int128Size(lldb::SBValue V,
                                                const Twine &Path) {
  U128 I = int128(V, Path);
  if (ok() && I.Hi == 1 && I.Lo == 0)
    return std::nullopt;
  if (ok() && I.Hi != 0)
    fail(Failure::Corrupt, Path,
         formatv("{0:x}{1:x-16}, beyond 64 bits", I.Hi, I.Lo));
  return I.Lo;
}

lldb::SBValue ValueReader::deref(lldb::SBValue Pointer, const Twine &Path) {
  if (!ok())
    return {};
  lldb::SBValue V = Pointer.Dereference();
  if (!V.IsValid() || V.GetError().Fail()) {
    record(V, Failure::Unreadable, Path);
    return {};
  }
  return V;
}

lldb::SBValue ValueReader::at(uint64_t Addr, lldb::SBType T,
                              const Twine &Path) {
  if (!ok())
    return {};
  lldb::SBValue V =
      Target.CreateValueFromAddress("value", lldb::SBAddress(Addr, Target), T);
  if (!V.IsValid() || V.GetError().Fail()) {
    record(V, Failure::Unreadable, Path);
    return {};
  }
  return V;
}

lldb::SBValue ValueReader::element(lldb::SBValue Array, uint32_t I) {
  if (!ok())
    return {};
  return Array.GetChildAtIndex(I);
}

} // namespace qemudump
