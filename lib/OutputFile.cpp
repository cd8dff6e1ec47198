//===- OutputFile.cpp - A vmcore that appears only when complete ----------===//

#include "qemudump/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace llvm;

namespace qemudump {

static Error fileError(const Twine &Message) {
  return createStringError(inconvertibleErrorCode(), Message.str());
}

Expected<OutputFile> OutputFile::create(StringRef FinalPath) {
  if (FinalPath.empty())
    return fileError("no output file name given");
  if (sys::fs::is_directory(FinalPath))
    return fileError(formatv("'{0}' is a directory; give the path of the "
                             "vmcore file to write",
                             FinalPath));
  SmallString<256> Dir(FinalPath);
  sys::path::remove_filename(Dir);
  if (Dir.empty())
    Dir = ".";
  if (!sys::fs::is_directory(Dir))
    return fileError(formatv("cannot write '{0}': directory '{1}' does not "
                             "exist; create it or choose another path",
                             FinalPath, Dir));

  // Same directory, so that the final rename is atomic; O_EXCL and a random
  // name, so that nothing planted there (a symlink) is followed.
  SmallString<256> Model(FinalPath);
  Model += ".qemudump-%%%%%%%%.tmp";
  int FD = -1;
  SmallString<256> Temp;
  if (std::error_code EC =
          sys::fs::createUniqueFile(Model, FD, Temp, sys::fs::OF_None,
                                    sys::fs::owner_read | sys::fs::owner_write))
    return fileError(formatv("cannot create a file in '{0}': {1}; choose a "
                             "directory you can write to",
                             Dir, EC.message()));
  // createUniqueFile honours the umask; make sure of 0600 whatever it is.
  ::fchmod(FD, 0600);
  return OutputFile(FD, FinalPath, Temp);
}

OutputFile::OutputFile(OutputFile &&Other)
    : FD(Other.FD), Offset(Other.Offset), FinalPath(Other.FinalPath),
      TempPath(Other.TempPath) {
  Other.FD = -1;
  Other.TempPath.clear();
}

OutputFile::~OutputFile() { discard(); }

Error OutputFile::ioError(const char *What, int Errno) const {
  std::string Hint;
  if (Errno == ENOSPC || Errno == EDQUOT)
    Hint = "; free some space or write elsewhere";
  else if (Errno == EFBIG)
    Hint = "; the file-size limit (ulimit -f) or the file system's maximum "
           "file size was reached";
  return fileError(formatv("cannot {0} '{1}' at offset {2}: {3}{4}", What,
                           TempPath, Offset, std::strerror(Errno), Hint));
}

Error OutputFile::write(ArrayRef<uint8_t> Data) {
  while (!Data.empty()) {
    ssize_t N = ::pwrite(FD, Data.data(), Data.size(), Offset);
    if (N < 0) {
      if (errno == EINTR)
        continue;
      return ioError("write", errno);
    }
    if (N == 0)
      return ioError("write", EIO);
    Data = Data.drop_front(N);
    Offset += N;
  }
  return Error::success();
}

Error OutputFile::writeAt(uint64_t Pos, ArrayRef<uint8_t> Data) {
  uint64_t End = Pos + Data.size();
  while (!Data.empty()) {
    ssize_t N = ::pwrite(FD, Data.data(), Data.size(), Pos);
    if (N < 0) {
      if (errno == EINTR)
        continue;
      return ioError("write", errno);
    }
    if (N == 0)
      return ioError("write", EIO);
    Data = Data.drop_front(N);
    Pos += N;
  }
  Offset = std::max(Offset, End);
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

Error OutputFile::writeSparse(ArrayRef<uint8_t> Data, size_t Block) {
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
      if (Error E = write(Data.take_front(Run)))
        return E;
      Data = Data.drop_front(Run);
      continue;
    }
    size_t N = std::min(Block, Data.size());
    skip(N);
    Data = Data.drop_front(N);
  }
  return Error::success();
}

Error OutputFile::commit() {
  // The apparent size: a dump that ends in zeros ends in a hole.
  if (::ftruncate(FD, Offset) != 0)
    return ioError("set the size of", errno);
  if (::close(FD) != 0) {
    FD = -1;
    return ioError("close", errno);
  }
  FD = -1;
  if (std::error_code EC = sys::fs::rename(TempPath, FinalPath))
    return fileError(formatv("cannot rename '{0}' to '{1}': {2}", TempPath,
                             FinalPath, EC.message()));
  TempPath.clear();
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
