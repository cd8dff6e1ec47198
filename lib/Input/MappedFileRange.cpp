//===- MappedFileRange.cpp - A file's bytes looked at in place ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Input/MappedFileRange.h"

#include "llvm/Support/CrashRecoveryContext.h"

#include <csignal>
#include <mutex>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace llvm;

namespace qemudump {

namespace {

/// A read-only mapping of a file range (page-aligned below), unmapped when
/// it goes.
class Mapping {
public:
  Mapping(int FD, uint64_t Offset, uint64_t Length) {
    uint64_t Page = ::sysconf(_SC_PAGESIZE);
    Lead = Offset % Page;
    Size = Lead + Length;
    void *P = ::mmap(nullptr, Size, PROT_READ, MAP_SHARED, FD,
                     static_cast<off_t>(Offset - Lead));
    Base = P == MAP_FAILED ? nullptr : static_cast<uint8_t *>(P);
  }
  ~Mapping() {
    if (Base)
      ::munmap(Base, Size);
  }
  Mapping(const Mapping &) = delete;
  Mapping &operator=(const Mapping &) = delete;

  bool valid() const { return Base != nullptr; }
  ArrayRef<uint8_t> bytes() const { return {Base + Lead, Size - Lead}; }

private:
  uint8_t *Base = nullptr;
  uint64_t Lead = 0, Size = 0;
};

/// Installs the crash-recovery signal handlers (SIGBUS among them) while a
/// look lives, in any thread, and restores the ones it found (LLDB's) when
/// the last goes: outside a look, a fault is LLDB's to report as before.
class RecoveryScope {
public:
  RecoveryScope() {
    std::lock_guard<std::mutex> Lock(M);
    if (Users++ == 0)
      CrashRecoveryContext::Enable();
  }
  ~RecoveryScope() {
    std::lock_guard<std::mutex> Lock(M);
    if (--Users == 0)
      CrashRecoveryContext::Disable();
  }

private:
  static std::mutex M;
  static unsigned Users;
};
std::mutex RecoveryScope::M;
unsigned RecoveryScope::Users = 0;

} // namespace

bool lookAtMapped(int FD, uint64_t Offset, uint64_t Length,
                  function_ref<void(ArrayRef<uint8_t>)> Look) {
  if (FD < 0 || Length == 0)
    return Length == 0;
  Mapping M(FD, Offset, Length);
  if (!M.valid())
    return false;
  RecoveryScope Scope;
  // A SIGBUS blocked in this thread would be fatal whatever the handler.
  sigset_t Faults, Old;
  sigemptyset(&Faults);
  sigaddset(&Faults, SIGBUS);
  sigaddset(&Faults, SIGSEGV);
  pthread_sigmask(SIG_UNBLOCK, &Faults, &Old);
  CrashRecoveryContext Context;
  bool Finished = Context.RunSafely([&] { Look(M.bytes()); });
  pthread_sigmask(SIG_SETMASK, &Old, nullptr);
  return Finished;
}

} // namespace qemudump
