//===- OutputFile.cpp - A vmcore that appears only when complete ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Vmcore/OutputFile.h"

#include "llvm/Support/Errno.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

using namespace llvm;

namespace qemudump {

static Error fileError(const Twine &Message) {
  return createStringError(inconvertibleErrorCode(), Message.str());
}

namespace {

/// Runs a file operation with SIGXFSZ blocked in this thread, then takes the
/// SIGXFSZ it raised, if any: a file-size limit is then just EFBIG.
template <class Fn> auto withoutSigxfsz(Fn F) -> decltype(F()) {
  sigset_t Xfsz, Old;
  sigemptyset(&Xfsz);
  sigaddset(&Xfsz, SIGXFSZ);
  pthread_sigmask(SIG_BLOCK, &Xfsz, &Old);
  auto R = F();
  int Errno = errno;
  if (!sigismember(&Old, SIGXFSZ)) {
    struct timespec Now = {0, 0};
    while (sigtimedwait(&Xfsz, nullptr, &Now) == SIGXFSZ) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &Old, nullptr);
  errno = Errno;
  return R;
}

/// An unnamed file in \p Dir, or -1 with errno set.
int openUnnamed(StringRef Dir) {
#ifdef O_TMPFILE
  return sys::RetryAfterSignal(-1, ::open, Dir.str().c_str(),
                               O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#else
  errno = EOPNOTSUPP;
  return -1;
#endif
}

/// The pattern of a temporary name next to \p FinalPath, for
/// createUniqueFile/createUniquePath.
SmallString<256> tempModel(StringRef FinalPath) {
  SmallString<256> Model(FinalPath);
  Model += ".qemudump-%%%%%%%%.tmp";
  return Model;
}

/// Whether open(O_TMPFILE) failing with \p Errno means the file system (or
/// kernel) does not support it, rather than that the directory is unusable.
bool unsupported(int Errno) {
  return Errno == EOPNOTSUPP || Errno == EISDIR || Errno == EINVAL;
}

} // namespace

Expected<OutputFile> OutputFile::create(StringRef FinalPath, Options Opts) {
  if (FinalPath.empty())
    return fileError("no output file name given");
  if (sys::fs::is_directory(FinalPath))
    return fileError(formatv("'{0}' is a directory; give the path of the "
                             "vmcore file to write",
                             FinalPath));
  // The vmcore takes FILE's place: a device, FIFO or socket there (say
  // /dev/null or /dev/stdout, as root) would be replaced, not written to.
  sys::fs::file_status St;
  if (!sys::fs::status(FinalPath, St) &&
      St.type() != sys::fs::file_type::regular_file &&
      St.type() != sys::fs::file_type::file_not_found)
    return fileError(formatv("'{0}' is not a regular file; the vmcore "
                             "would replace it, not be written into it: give "
                             "the path of a vmcore file to write",
                             FinalPath));
  SmallString<256> Dir(FinalPath);
  sys::path::remove_filename(Dir);
  if (Dir.empty())
    Dir = ".";
  if (!sys::fs::is_directory(Dir))
    return fileError(formatv("cannot write '{0}': directory '{1}' does not "
                             "exist; create it or choose another path",
                             FinalPath, Dir));
  auto CannotCreate = [&](const Twine &Why) {
    return fileError(formatv("cannot create a file in '{0}': {1}; choose a "
                             "directory you can write to",
                             Dir, Why));
  };

  // Unnamed, in the final directory: it is linked into place when complete.
  if (Opts.Unnamed) {
    int FD = openUnnamed(Dir);
    if (FD >= 0) {
      ::fchmod(FD, 0600); // O_TMPFILE's mode is subject to the umask
      return OutputFile(FD, FinalPath, Dir, "", Opts.Sync);
    }
    if (!unsupported(errno))
      return CannotCreate(std::strerror(errno));
  }
  // Else named, in the same directory, so that the final rename is atomic;
  // O_EXCL and a random name, so that nothing planted there is followed.
  SmallString<256> Model = tempModel(FinalPath);
  int FD = -1;
  SmallString<256> Temp;
  if (std::error_code EC =
          sys::fs::createUniqueFile(Model, FD, Temp, sys::fs::OF_None,
                                    sys::fs::owner_read | sys::fs::owner_write))
    return CannotCreate(EC.message());
  // createUniqueFile honours the umask; make sure of 0600 whatever it is.
  ::fchmod(FD, 0600);
  return OutputFile(FD, FinalPath, Dir, Temp, Opts.Sync);
}

OutputFile::OutputFile(OutputFile &&Other)
    : FD(Other.FD), Offset(Other.Offset), ShareRefused(Other.ShareRefused),
      ShareBlock(Other.ShareBlock), Shared(Other.Shared),
      FinalPath(Other.FinalPath), Dir(Other.Dir), TempPath(Other.TempPath),
      Sync(Other.Sync) {
  Other.FD = -1;
  Other.TempPath.clear();
}

OutputFile::~OutputFile() { discard(); }

Error OutputFile::ioError(const char *What, int Errno, uint64_t Pos) const {
  std::string Hint;
  if (Errno == ENOSPC || Errno == EDQUOT)
    Hint = "; free some space or write elsewhere";
  else if (Errno == EFBIG)
    Hint = "; the file-size limit (ulimit -f) or the file system's maximum "
           "file size was reached";
  else if (Errno == EROFS)
    Hint = "; the file system is read-only: write elsewhere";
  StringRef Name =
      TempPath.empty() ? StringRef(FinalPath) : StringRef(TempPath);
  return fileError(formatv("cannot {0} '{1}' at offset {2}: {3}{4}", What, Name,
                           Pos, std::strerror(Errno), Hint));
}

Error OutputFile::pwriteAll(ArrayRef<uint8_t> Data, uint64_t Pos) const {
  while (!Data.empty()) {
    ssize_t N = withoutSigxfsz([&] {
      return sys::RetryAfterSignal(-1, ::pwrite, FD, Data.data(), Data.size(),
                                   Pos);
    });
    if (N < 0)
      return ioError("write", errno, Pos);
    if (N == 0)
      return ioError("write", EIO, Pos);
    Data = Data.drop_front(N);
    Pos += N;
  }
  return Error::success();
}

Error OutputFile::write(ArrayRef<uint8_t> Data) {
  if (Error E = pwriteAll(Data, Offset))
    return E;
  Offset += Data.size();
  return Error::success();
}

Error OutputFile::writeAt(uint64_t Pos, ArrayRef<uint8_t> Data) {
  if (Error E = pwriteAll(Data, Pos))
    return E;
  Offset = std::max<uint64_t>(Offset, Pos + Data.size());
  return Error::success();
}

static bool isZero(const uint8_t *P, size_t N) {
  // The first 16 bytes by hand, then the rest against itself shifted by 16:
  // all zero exactly when the first 16 are and every byte equals the one 16
  // before it.
  size_t Head = std::min<size_t>(N, 16);
  for (size_t I = 0; I < Head; ++I)
    if (P[I])
      return false;
  return N <= 16 || std::memcmp(P, P + 16, N - 16) == 0;
}

Error OutputFile::writeSparseAt(uint64_t Pos, ArrayRef<uint8_t> Data,
                                size_t Block) const {
  while (!Data.empty()) {
    // A run of non-zero blocks is written in one go; a zero block is skipped.
    size_t Run = 0;
    while (Run < Data.size()) {
      size_t N = std::min(Block, Data.size() - Run);
      if (isZero(Data.data() + Run, N))
        break;
      Run += N;
    }
    if (Run) {
      if (Error E = pwriteAll(Data.take_front(Run), Pos))
        return E;
    } else {
      Run = std::min(Block, Data.size());
    }
    Data = Data.drop_front(Run);
    Pos += Run;
  }
  return Error::success();
}

/// Whether FICLONERANGE failing with \p Errno is what a write would fail
/// on too (no room, an I/O error), rather than that the files do not clone
/// (EXDEV, EOPNOTSUPP, EINVAL where one file cannot, ...).
static bool failsWrites(int Errno) {
  return Errno == ENOSPC || Errno == EDQUOT || Errno == EFBIG || Errno == EIO ||
         Errno == EROFS;
}

Expected<uint64_t> OutputFile::appendShared(int SrcFD, uint64_t SrcOffset,
                                            uint64_t Length) {
#ifdef FICLONERANGE
  if (ShareRefused)
    return 0;
  if (ShareBlock == 0) {
    struct stat St;
    if (::fstat(FD, &St) != 0 || St.st_blksize <= 0) {
      ShareRefused = true;
      return 0;
    }
    ShareBlock = St.st_blksize;
  }
  // Whole blocks at block boundaries of both files, or nothing.
  uint64_t N = alignDown(Length, ShareBlock);
  if (N == 0 || SrcOffset % ShareBlock || Offset % ShareBlock)
    return 0;
  struct file_clone_range Range;
  Range.src_fd = SrcFD;
  Range.src_offset = SrcOffset;
  Range.src_length = N;
  Range.dest_offset = Offset;
  int R = withoutSigxfsz([&] {
    return sys::RetryAfterSignal(-1, ::ioctl, FD, FICLONERANGE, &Range);
  });
  if (R != 0) {
    // What a write would fail on too fails the dump; anything else means
    // this pair of files does not clone (a whole-block range inside the
    // source: not its alignment), and the bytes are copied from now on.
    int Errno = errno;
    if (failsWrites(Errno))
      return ioError("share the core's blocks into", Errno);
    ShareRefused = true;
    return 0;
  }
  Offset += N;
  Shared += N;
  return N;
#else
  (void)SrcFD;
  (void)SrcOffset;
  (void)Length;
  ShareRefused = true;
  return 0;
#endif
}

/// Links the unnamed file at the final path: directly when nothing is there,
/// else under a fresh name that is then renamed over it (atomically).
Error OutputFile::linkIntoPlace() {
  std::string Proc = "/proc/self/fd/" + std::to_string(FD);
  auto Link = [&](StringRef To) {
    if (::linkat(AT_FDCWD, Proc.c_str(), AT_FDCWD, To.str().c_str(),
                 AT_SYMLINK_FOLLOW) == 0)
      return 0;
    if (errno != ENOENT)
      return errno;
#ifdef AT_EMPTY_PATH
    // No /proc: the same through the descriptor (needs CAP_DAC_READ_SEARCH).
    return ::linkat(FD, "", AT_FDCWD, To.str().c_str(), AT_EMPTY_PATH) == 0
               ? 0
               : errno;
#else
    return ENOENT; // (only O_TMPFILE files are linked, and only Linux has it)
#endif
  };
  int Err = Link(FinalPath);
  if (Err == 0)
    return Error::success();
  if (Err != EEXIST)
    return fileError(formatv("cannot put the vmcore at '{0}': {1}", FinalPath,
                             std::strerror(Err)));
  for (unsigned Try = 0; Try < 100; ++Try) {
    SmallString<256> Temp;
    sys::fs::createUniquePath(tempModel(FinalPath), Temp,
                              /*MakeAbsolute=*/false);
    Err = Link(Temp);
    if (Err == EEXIST)
      continue;
    if (Err != 0)
      return fileError(formatv("cannot put the vmcore at '{0}': {1}", FinalPath,
                               std::strerror(Err)));
    if (std::error_code EC = sys::fs::rename(Temp, FinalPath)) {
      sys::fs::remove(Temp);
      return fileError(
          formatv("cannot replace '{0}': {1}", FinalPath, EC.message()));
    }
    return Error::success();
  }
  return fileError(formatv("cannot put the vmcore at '{0}': no free "
                           "temporary name next to it",
                           FinalPath));
}

Error OutputFile::syncDirectory() const {
  std::string DirPath(Dir);
  int D = sys::RetryAfterSignal(-1, ::open, DirPath.c_str(),
                                O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (D < 0)
    return fileError(formatv("cannot open '{0}' to sync it: {1}", Dir,
                             std::strerror(errno)));
  int R = ::fsync(D);
  int Err = errno;
  ::close(D);
  // Some file systems cannot sync a directory (EINVAL): nothing to wait for.
  if (R != 0 && Err != EINVAL)
    return fileError(
        formatv("cannot sync '{0}': {1}", Dir, std::strerror(Err)));
  return Error::success();
}

Error OutputFile::commit() {
  // The apparent size: a dump that ends in zeros ends in a hole.
  if (withoutSigxfsz([&] { return ::ftruncate(FD, Offset); }) != 0)
    return ioError("set the size of", errno);
  if (Sync && ::fsync(FD) != 0)
    return ioError("sync", errno);
  if (TempPath.empty()) {
    if (Error E = linkIntoPlace())
      return E;
  } else if (std::error_code EC = sys::fs::rename(TempPath, FinalPath)) {
    return fileError(formatv("cannot rename '{0}' to '{1}': {2}", TempPath,
                             FinalPath, EC.message()));
  }
  TempPath.clear();
  int Closed = ::close(FD);
  FD = -1;
  if (Closed != 0)
    return fileError(
        formatv("cannot close '{0}': {1}", FinalPath, std::strerror(errno)));
  if (Sync)
    return syncDirectory();
  return Error::success();
}

void OutputFile::discard() {
  if (FD >= 0)
    ::close(FD);
  FD = -1;
  if (!TempPath.empty())
    sys::fs::remove(TempPath);
  TempPath.clear();
}

} // namespace qemudump
