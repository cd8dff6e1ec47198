//===- OutputFile.h - A vmcore that appears only when complete -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vmcore is written to an unnamed file in its final path's directory
// (O_TMPFILE) and linked into place only when complete: nothing of a dump
// that fails, is interrupted, killed (SIGKILL, OOM) or cut by a power loss
// is ever left behind. Where the file system refuses O_TMPFILE, a named
// temporary file next to the final path (O_EXCL, mode 0600, an unpredictable
// name) is used instead and removed on failure. Either way an existing file
// of the final path is replaced atomically (rename), and only when the dump
// is complete; by default the file and its directory are on disk (fsync)
// before commit() returns.
//
// Writes never raise SIGXFSZ in the writing thread: a file-size limit is the
// error EFBIG, reported as such (LLVM's signal handlers, which LLDB installs,
// would otherwise print a crash report).
//
// Bytes that are already in another file on the same file system can be
// shared instead of written (appendShared: FICLONERANGE, a reflink): the
// vmcore then takes no new room for them and nothing is read or written.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_VMCORE_OUTPUTFILE_H
#define QEMUDUMP_VMCORE_OUTPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace qemudump {

class OutputFile {
public:
  struct Options {
    /// fsync the file, then its directory, before commit() returns.
    bool Sync = true;
    /// Use an unnamed (O_TMPFILE) file where the file system can; false
    /// always takes the named temporary file.
    bool Unnamed = true;
  };

  /// Creates the file that will become \p FinalPath. Fails, naming the cause,
  /// when the directory does not exist, is not writable, or \p FinalPath is
  /// a directory or (or leads to) a device, FIFO or socket.
  static llvm::Expected<OutputFile> create(llvm::StringRef FinalPath,
                                           Options Opts);
  static llvm::Expected<OutputFile> create(llvm::StringRef FinalPath) {
    return create(FinalPath, Options());
  }

  OutputFile(OutputFile &&Other);
  OutputFile &operator=(OutputFile &&) = delete;
  ~OutputFile();

  /// Appends \p Data at the current position.
  llvm::Error write(llvm::ArrayRef<uint8_t> Data);
  /// Appends \p Count zero bytes without writing them: a hole in the file.
  void skip(uint64_t Count) { Offset += Count; }
  /// Appends \p Data, leaving a hole for every all-zero block of \p Block
  /// bytes (the file system's block size at most).
  llvm::Error writeSparse(llvm::ArrayRef<uint8_t> Data, size_t Block = 4096) {
    if (llvm::Error E = writeSparseAt(Offset, Data, Block))
      return E;
    Offset += Data.size();
    return llvm::Error::success();
  }
  /// Writes \p Data at \p Pos as writeSparse() would, leaving the position
  /// alone (a caller skip()s past it): safe on another thread while this
  /// one appends elsewhere (BackgroundWriter).
  llvm::Error writeSparseAt(uint64_t Pos, llvm::ArrayRef<uint8_t> Data,
                            size_t Block = 4096) const;
  uint64_t offset() const { return Offset; }
  /// Appends the first bytes of [SrcOffset, SrcOffset + Length) of the file
  /// \p SrcFD by sharing that file's blocks (FICLONERANGE) where the file
  /// system can: both files on one XFS with reflink, btrfs, or another file
  /// system that clones (NFS 4.2 onto such a server), the offsets on block
  /// boundaries. Shares whole blocks only; returns how many bytes it appended,
  /// 0 where it cannot (the caller writes the bytes then). Once the file
  /// system has refused a whole-block range (another file system, no clone
  /// support, files that cannot share), canShare() is false and no more
  /// attempts are made. Fails only on an I/O error, a full disk or a size
  /// limit, as write() does.
  llvm::Expected<uint64_t> appendShared(int SrcFD, uint64_t SrcOffset,
                                        uint64_t Length);
  /// Whether appendShared() may still share anything.
  bool canShare() const { return !ShareRefused; }
  /// The bytes appendShared() appended.
  uint64_t sharedBytes() const { return Shared; }
  /// Writes \p Data at \p Pos, leaving the current position alone unless the
  /// data ends past it (then the position moves to the end of the data).
  llvm::Error writeAt(uint64_t Pos, llvm::ArrayRef<uint8_t> Data);

  /// Sets the file's size to offset() (the end may be a hole), syncs it,
  /// puts it at the final path (replacing what was there) and syncs the
  /// directory.
  llvm::Error commit();
  /// Closes and removes the file (also done by the destructor).
  void discard();

  llvm::StringRef finalPath() const { return FinalPath; }
  /// The named temporary file, or "" when the file is unnamed.
  llvm::StringRef tempPath() const { return TempPath; }
  bool isUnnamed() const { return TempPath.empty() && FD >= 0; }

private:
  OutputFile(int FD, llvm::StringRef Final, llvm::StringRef Dir,
             llvm::StringRef Temp, bool Sync)
      : FD(FD), FinalPath(Final), Dir(Dir), TempPath(Temp), Sync(Sync) {}
  /// Failing to \p What the file at \p Pos (the current position unless
  /// given) with \p Errno, and what to do about it.
  llvm::Error ioError(const char *What, int Errno) const {
    return ioError(What, Errno, Offset);
  }
  llvm::Error ioError(const char *What, int Errno, uint64_t Pos) const;
  llvm::Error pwriteAll(llvm::ArrayRef<uint8_t> Data, uint64_t Pos) const;
  llvm::Error linkIntoPlace();
  llvm::Error syncDirectory() const;

  int FD = -1;
  uint64_t Offset = 0;
  bool ShareRefused = false; ///< appendShared() will share nothing more.
  uint64_t ShareBlock = 0;   ///< The file's block size (st_blksize).
  uint64_t Shared = 0;
  llvm::SmallString<256> FinalPath;
  llvm::SmallString<256> Dir;
  llvm::SmallString<256> TempPath;
  bool Sync = true;
};

} // namespace qemudump

#endif // QEMUDUMP_VMCORE_OUTPUTFILE_H
