//===- OutputFile.h - A vmcore that appears only when complete -*- C++ -*-===//
//
// The vmcore is written to a temporary file next to its final path, created
// with O_EXCL, mode 0600 and an unpredictable name, and renamed over the final
// path only when complete. An OutputFile that is destroyed without commit()
// removes its temporary file, so a failed dump leaves nothing behind and an
// existing file of the same name untouched.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_OUTPUTFILE_H
#define QEMUDUMP_OUTPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace qemudump {

class OutputFile {
public:
  /// Creates the temporary file for \p FinalPath. Fails, naming the cause,
  /// when the directory does not exist, is not writable, or \p FinalPath is a
  /// directory.
  static llvm::Expected<OutputFile> create(llvm::StringRef FinalPath);

  OutputFile(OutputFile &&Other);
  OutputFile &operator=(OutputFile &&) = delete;
  ~OutputFile();

  /// Appends \p Data at the current position.
  llvm::Error write(llvm::ArrayRef<uint8_t> Data);
  /// Appends \p Count zero bytes without writing them: a hole in the file.
  void skip(uint64_t Count) { Offset += Count; }
  /// Appends \p Data, leaving a hole for every all-zero block of \p Block
  /// bytes (the file system's block size at most).
  llvm::Error writeSparse(llvm::ArrayRef<uint8_t> Data, size_t Block = 4096);
  uint64_t offset() const { return Offset; }
  /// Writes \p Data at \p Pos, leaving the current position alone unless the
  /// data ends past it (then the position moves to the end of the data).
  llvm::Error writeAt(uint64_t Pos, llvm::ArrayRef<uint8_t> Data);

  /// Sets the file's size to offset() (the end may be a hole), closes it and
  /// renames it to the final path.
  llvm::Error commit();
  /// Closes and removes the temporary file (also done by the destructor).
  void discard();

  llvm::StringRef finalPath() const { return FinalPath; }
  llvm::StringRef tempPath() const { return TempPath; }

private:
  OutputFile(int FD, llvm::StringRef Final, llvm::StringRef Temp)
      : FD(FD), FinalPath(Final), TempPath(Temp) {}
  llvm::Error ioError(const char *What, int Errno) const;

  int FD = -1;
  uint64_t Offset = 0;
  llvm::SmallString<256> FinalPath;
  llvm::SmallString<256> TempPath;
};

} // namespace qemudump

#endif // QEMUDUMP_OUTPUTFILE_H
