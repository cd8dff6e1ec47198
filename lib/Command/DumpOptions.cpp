//===- DumpOptions.cpp - The arguments of `qemu dump-guest-memory` --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Command/DumpOptions.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

namespace {

Error usageError(const Twine &Message) {
  return createStringError(inconvertibleErrorCode(), Message.str());
}

/// Sets O.FormatName, O.Kdump and O.Form from \p Name.
Error parseFormat(StringRef Name, DumpOptions &O) {
  // The last -f counts: nothing of an earlier one stays.
  O.FormatName = Name.str();
  O.Kdump.reset();
  O.Form = KdumpForm::Raw;
  std::string Lower = Name.lower();
  StringRef Rest = Lower;
  if (Rest == "elf")
    return Error::success();
  if (Rest.consume_front("kdump-")) {
    if (Rest.consume_front("flat-"))
      O.Form = KdumpForm::Flattened;
    else if (Rest.consume_front("raw-"))
      O.Form = KdumpForm::Raw;
    if (std::optional<KdumpCompression> C = compressionNamed(Rest)) {
      if (!compressionAvailable(*C))
        return usageError(formatv("format '{0}': this qemudump was built "
                                  "without {1} compression; install {2} and "
                                  "rebuild it",
                                  Name, compressionName(*C),
                                  compressionPackage(*C)));
      O.Kdump = C;
      return Error::success();
    }
  }
  return usageError(formatv("unknown format '{0}'; the formats are: {1}", Name,
                            formatList()));
}

Expected<uint64_t> parseNumber(StringRef Option, StringRef S) {
  uint64_t N;
  StringRef Digits = S;
  unsigned Radix = 10;
  if (Digits.consume_front_insensitive("0x"))
    Radix = 16;
  if (Digits.empty() || Digits.getAsInteger(Radix, N))
    return usageError(formatv("{0}: '{1}' is not a number that fits in 64 "
                              "bits (write it in decimal or 0x-hex)",
                              Option, S));
  return N;
}

/// Sets the number option \p Field of \p O from \p V.
template <std::optional<uint64_t> DumpOptions::*Field>
Error setNumber(DumpOptions &O, StringRef Spelled, StringRef V) {
  Expected<uint64_t> N = parseNumber(Spelled, V);
  if (!N)
    return N.takeError();
  O.*Field = *N;
  return Error::success();
}

/// Sets the flag \p Field of \p O to \p Value (an option without a value).
template <bool DumpOptions::*Field, bool Value>
Error setFlag(DumpOptions &O, StringRef, StringRef) {
  O.*Field = Value;
  return Error::success();
}

/// One option: how it is spelled, the value it takes ("" for a flag), its
/// help, and what it does with the value.
struct OptionSpec {
  StringLiteral Short; ///< "-b", or "" when there is none.
  StringLiteral Long;  ///< "--begin".
  StringLiteral Value; ///< "ADDR"; "" for a flag.
  /// Listed with the next option: one syntax group, one help entry.
  bool PairedWithNext;
  std::string (*Help)();
  Error (*Apply)(DumpOptions &O, StringRef Spelled, StringRef Value);

  bool matches(StringRef Name) const {
    return Name == Long || (!Short.empty() && Name == Short);
  }
  /// "-b/--begin ADDR", "--no-cpu-notes".
  std::string listed() const {
    std::string S = Short.empty() ? "" : (Short + "/").str();
    S += Long;
    if (!Value.empty())
      S += (" " + Value).str();
    return S;
  }
  /// "-b, --begin ADDR".
  std::string helpName() const {
    std::string S = Short.empty() ? "" : (Short + ", ").str();
    S += Long;
    if (!Value.empty())
      S += (" " + Value).str();
    return S;
  }
  /// "-b ADDR", "--threads N".
  std::string syntaxName() const {
    std::string S = (Short.empty() ? Long : Short).str();
    if (!Value.empty())
      S += (" " + Value).str();
    return S;
  }
};

const OptionSpec Options[] = {
    {"-b", "--begin", "ADDR", true,
     [] {
       return std::string("dump only guest-physical [ADDR, ADDR+LEN), as "
                          "QMP's dump-guest-memory begin/length do.");
     },
     setNumber<&DumpOptions::Begin>},
    {"-l", "--length", "LEN", false, nullptr, setNumber<&DumpOptions::Length>},
    {"-f", "--format", "FORMAT", false,
     [] {
       return formatList() +
              ". elf is the default. The kdump formats store every page of "
              "guest RAM, all-zero pages as one shared page, each other page "
              "compressed when that makes it smaller; their header has the "
              "guest's utsname (from its init_uts_ns, located through "
              "VMCOREINFO) and phys_base.";
     },
     [](DumpOptions &O, StringRef, StringRef V) -> Error {
       return parseFormat(V, O);
     }},
    {"", "--threads", "N", false,
     [] {
       return "kdump formats: compress on N threads (default: " +
              std::to_string(defaultKdumpThreads()) +
              " here, the smaller of 2 and the number of CPUs).";
     },
     [](DumpOptions &O, StringRef, StringRef V) -> Error {
       unsigned N;
       if (V.getAsInteger(10, N) || N < 1 || N > 64)
         return usageError(formatv(
             "--threads: '{0}' is not a number of threads from 1 to 64", V));
       O.Threads = N;
       return Error::success();
     }},
    {"", "--partial", "", false,
     [] {
       return std::string(
           "from a core that lacks part of guest RAM (cut short by "
           "systemd-coredump's size limit, a full disk or a copy that "
           "stopped; or without a shared or dump=off mapping), write the RAM "
           "it holds and leave each missing range out of the vmcore (no "
           "PT_LOAD; excluded pages in a kdump file), never as zeros. The "
           "summary lists what is missing and why. Without it, such a core "
           "is refused, saying how much of guest RAM it holds.");
     },
     setFlag<&DumpOptions::Partial, true>},
    {"", "--no-cpu-notes", "", false,
     [] { return std::string("leave the vCPU register notes out."); },
     setFlag<&DumpOptions::CpuNotes, false>},
    {"", "--no-sync", "", false,
     [] {
       return std::string("do not wait for the vmcore to reach the disk "
                          "(fsync of the file and its directory) before "
                          "saying it is written.");
     },
     setFlag<&DumpOptions::Sync, false>},
    {"-v", "--verbose", "", false,
     [] {
       return std::string("after the summary, say how long each step took "
                          "(reading QEMU's structures, the vCPUs, the probe, "
                          "the notes, writing, syncing).");
     },
     setFlag<&DumpOptions::Verbose, true>},
    {"", "--vmcoreinfo", "SOURCE", false,
     [] {
       return std::string(
           "where the VMCOREINFO note comes from: auto (the default: QEMU's "
           "vmcoreinfo device, or else found in guest RAM, where the guest's "
           "kernel keeps it), device, scan (guest RAM only), none, or a FILE "
           "holding the note or its text (KEY=VALUE lines).");
     },
     [](DumpOptions &O, StringRef, StringRef V) -> Error {
       std::string L = V.lower();
       O.VmcoreInfo = L == "auto"     ? VmcoreInfoSource::Auto
                      : L == "device" ? VmcoreInfoSource::Device
                      : L == "scan"   ? VmcoreInfoSource::Scan
                      : L == "none"   ? VmcoreInfoSource::None
                                      : VmcoreInfoSource::File;
       if (O.VmcoreInfo == VmcoreInfoSource::File)
         O.VmcoreInfoFile = V.str();
       return Error::success();
     }},
};

std::string optionList() {
  SmallVector<std::string, 8> Names;
  for (const OptionSpec &S : Options)
    Names.push_back(S.listed());
  return join(Names, ", ");
}

/// Applies the option at Argv[I] (moving I past its value).
Error applyOption(ArrayRef<StringRef> Argv, size_t &I, DumpOptions &O) {
  StringRef A = Argv[I];
  auto [Name, Inline] = A.split('=');
  bool HasInline = Name.size() != A.size();
  for (const OptionSpec &S : Options) {
    if (!S.matches(Name) || (S.Value.empty() && HasInline))
      continue;
    if (S.Value.empty() || HasInline)
      return S.Apply(O, Name, Inline);
    if (I + 1 == Argv.size())
      return usageError(Name + " needs a value");
    return S.Apply(O, Name, Argv[++I]);
  }
  return usageError(
      formatv("unknown option '{0}'; the options are {1}", A, optionList()));
}

/// What only the options together can tell.
Error checkCombination(const DumpOptions &O) {
  if (O.Begin.has_value() != O.Length.has_value())
    return usageError("--begin and --length go together (as in QMP's "
                      "dump-guest-memory): give both or neither");
  if (O.Begin && *O.Begin + *O.Length < *O.Begin)
    return usageError(formatv("--begin {0:x} plus --length {1:x} overflows "
                              "64 bits",
                              *O.Begin, *O.Length));
  if (O.Threads && !O.Kdump)
    return usageError("--threads is for the kdump formats (the ELF vmcore is "
                      "not compressed)");
  return Error::success();
}

} // namespace

std::string formatList() {
  return "elf; kdump-zlib, kdump-lzo, kdump-snappy, kdump-zstd (makedumpfile's "
         "compressed format, the plain seekable file; also spelled "
         "kdump-raw-zlib etc., as QEMU names it); kdump-flat-zlib, "
         "kdump-flat-lzo, kdump-flat-snappy, kdump-flat-zstd (the same, "
         "flattened: what QEMU's kdump-zlib etc. write, for `makedumpfile -R`)";
}

Expected<DumpOptions> parseDumpOptions(ArrayRef<StringRef> Argv) {
  DumpOptions O;
  SmallVector<StringRef, 2> Positional;
  for (size_t I = 0; I < Argv.size(); ++I) {
    StringRef A = Argv[I];
    if (A == "--") {
      Positional.append(Argv.begin() + I + 1, Argv.end());
      break;
    }
    if (!A.starts_with("-") || A == "-") {
      Positional.push_back(A);
      continue;
    }
    if (Error E = applyOption(Argv, I, O))
      return std::move(E);
  }
  if (Positional.empty() || Positional.size() > 2)
    return usageError(formatv("expected FILE and an optional ARCH, got {0} "
                              "argument(s); usage: {1}",
                              Positional.size(), dumpSyntax()));
  O.File = Positional[0].str();
  if (Error E = checkCombination(O))
    return std::move(E);
  if (Positional.size() == 2) {
    Expected<const Arch &> A = parseArch(Positional[1]);
    if (!A)
      return A.takeError();
    O.RequestedArch = &*A;
  }
  return O;
}

const std::string &dumpSyntax() {
  static const std::string Syntax = [] {
    std::string S = "qemu dump-guest-memory";
    bool InGroup = false;
    for (const OptionSpec &O : Options) {
      S += InGroup ? " " : " [";
      S += O.syntaxName();
      InGroup = O.PairedWithNext;
      if (!InGroup)
        S += "]";
    }
    return S + " FILE [ARCH]";
  }();
  return Syntax;
}

const std::string &dumpHelp() {
  static const std::string Help = [] {
    std::string H =
        "Write the guest's physical memory, from a QEMU core (or a stopped or "
        "attached QEMU process), as an ELF vmcore that crash, drgn and "
        "makedumpfile read. FILE is the vmcore to write (replaced only when "
        "the dump succeeds; created with mode 0600). ARCH is the guest "
        "architecture, one of (any case): " +
        archNameList() +
        "; without it, it is inferred from QEMU's target and vCPU state. The "
        "vmcore holds the vCPUs' registers (x86: CORE/NT_PRSTATUS and QEMU "
        "notes, as QEMU's own dump writes them) and the guest's VMCOREINFO "
        "note when the guest has one (from QEMU's vmcoreinfo device, or "
        "found in guest RAM: see --vmcoreinfo).\n"
        "\n\nOptions (numbers in decimal or 0x-hex):";
    // One entry per group of options, with the help of its first.
    for (size_t I = 0; I < std::size(Options); ++I) {
      const OptionSpec &First = Options[I];
      std::string Names = First.helpName();
      while (Options[I].PairedWithNext && I + 1 < std::size(Options))
        Names += " and " + Options[++I].helpName();
      H += "\n" + Names + ": " + First.Help();
    }
    return H;
  }();
  return Help;
}

} // namespace qemudump
