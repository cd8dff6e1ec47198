//===- DumpOptionsTest.cpp - The arguments of qemu dump-guest-memory ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Command/DumpOptions.h"

#include "TestUtil.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace qemudump;

namespace {

/// The arguments of \p Line, split at spaces (as LLDB does for these).
Expected<DumpOptions> parse(StringRef Line) {
  SmallVector<StringRef, 8> Argv;
  Line.split(Argv, ' ', -1, /*KeepEmpty=*/false);
  return parseDumpOptions(Argv);
}

TEST(DumpOptionsTest, FileAndArch) {
  Expected<DumpOptions> O = parse("out.vmcore");
  ASSERT_TRUE(succeeded(O));
  EXPECT_EQ(O->File, "out.vmcore");
  EXPECT_EQ(O->RequestedArch, nullptr);
  EXPECT_EQ(O->FormatName, "elf");
  EXPECT_FALSE(O->Kdump.has_value());
  EXPECT_TRUE(O->CpuNotes);
  EXPECT_FALSE(O->Partial);
  O = parse("out x86_64"); // any case
  ASSERT_TRUE(succeeded(O));
  ASSERT_NE(O->RequestedArch, nullptr);
  EXPECT_EQ(O->RequestedArch->Name, "X86_64");
  // `--` ends the options: a file may start with a dash.
  O = parse("-- -odd-name 386");
  ASSERT_TRUE(succeeded(O));
  EXPECT_EQ(O->File, "-odd-name");
  EXPECT_EQ(O->RequestedArch->Name, "386");
}

TEST(DumpOptionsTest, PositionalErrors) {
  EXPECT_EQ(errorOf(parse("")),
            "expected FILE and an optional ARCH, got 0 argument(s); usage: "
            "qemu dump-guest-memory [-b ADDR -l LEN] [-f FORMAT] [--threads "
            "N] [--partial] [--no-cpu-notes] [--no-sync] [-v] [--vmcoreinfo "
            "SOURCE] FILE "
            "[ARCH]");
  EXPECT_THAT(errorOf(parse("out X86_64 extra")),
              testing::StartsWith("expected FILE and an optional ARCH, got 3 "
                                  "argument(s)"));
  EXPECT_EQ(errorOf(parse("out mips")),
            "unknown guest architecture 'mips'; valid names (any case): " +
                archNameList());
}

TEST(DumpOptionsTest, BeginAndLength) {
  Expected<DumpOptions> O = parse("-b 0x1ff000 --length=0xfff01000 out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_EQ(*O->Begin, 0x1ff000u);
  EXPECT_EQ(*O->Length, 0xfff01000u);
  O = parse("--begin=4096 -l 8192 out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_EQ(*O->Begin, 4096u);
  EXPECT_EQ(*O->Length, 8192u);
  EXPECT_EQ(errorOf(parse("-b 0x1000 out x86_64")),
            "--begin and --length go together (as in QMP's "
            "dump-guest-memory): give both or neither");
  EXPECT_EQ(errorOf(parse("-b 0xffffffffffff0000 -l 0x10000 out")),
            "--begin 0xffffffffffff0000 plus --length 0x10000 overflows 64 "
            "bits");
  EXPECT_EQ(errorOf(parse("-b 0x10000000000000000 -l 1 out")),
            "-b: '0x10000000000000000' is not a number that fits in 64 bits "
            "(write it in decimal or 0x-hex)");
  EXPECT_EQ(errorOf(parse("--length=12k -b 0 out")),
            "--length: '12k' is not a number that fits in 64 bits (write it "
            "in decimal or 0x-hex)");
  EXPECT_EQ(errorOf(parse("-l")), "-l needs a value");
  EXPECT_EQ(errorOf(parse("-b 0x out")).substr(0, 7), "-b: '0x");
}

TEST(DumpOptionsTest, Formats) {
  struct {
    const char *Name;
    KdumpCompression C;
    KdumpForm Form;
  } Cases[] = {
      {"kdump-zlib", KdumpCompression::Zlib, KdumpForm::Raw},
      {"kdump-raw-lzo", KdumpCompression::Lzo, KdumpForm::Raw},
      {"KDUMP-RAW-ZSTD", KdumpCompression::Zstd, KdumpForm::Raw},
      {"kdump-flat-snappy", KdumpCompression::Snappy, KdumpForm::Flattened},
  };
  for (const auto &Case : Cases) {
    SCOPED_TRACE(Case.Name);
    Expected<DumpOptions> O = parse((Twine("-f ") + Case.Name + " out").str());
    if (!compressionAvailable(Case.C)) {
      EXPECT_THAT(errorOf(std::move(O)),
                  testing::HasSubstr("this qemudump was built without"));
      continue;
    }
    ASSERT_TRUE(succeeded(O));
    EXPECT_EQ(O->FormatName, Case.Name);
    EXPECT_EQ(*O->Kdump, Case.C);
    EXPECT_EQ(O->Form, Case.Form);
  }
  Expected<DumpOptions> O = parse("--format=ELF out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_FALSE(O->Kdump.has_value());
  // The last -f counts, whole.
  O = parse("-f kdump-flat-lzo -f elf out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_EQ(O->FormatName, "elf");
  EXPECT_FALSE(O->Kdump.has_value());
  O = parse("-f kdump-flat-zlib -f kdump-zlib out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_EQ(O->Form, KdumpForm::Raw);
  EXPECT_EQ(errorOf(parse("-f kdump-gzip out")),
            "unknown format 'kdump-gzip'; the formats are: " + formatList());
  EXPECT_THAT(errorOf(parse("-f kdump-flat- out")),
              testing::StartsWith("unknown format 'kdump-flat-'"));
}

TEST(DumpOptionsTest, ThreadsAndNotes) {
  Expected<DumpOptions> O = parse("-f kdump-zlib --threads 4 out");
  if (compressionAvailable(KdumpCompression::Zlib)) {
    ASSERT_TRUE(succeeded(O));
    EXPECT_EQ(*O->Threads, 4u);
    EXPECT_EQ(errorOf(parse("-f kdump-zlib --threads 0 out")),
              "--threads: '0' is not a number of threads from 1 to 64");
    EXPECT_EQ(errorOf(parse("-f kdump-zlib --threads=65 out")),
              "--threads: '65' is not a number of threads from 1 to 64");
  }
  EXPECT_EQ(errorOf(parse("--threads 2 out")),
            "--threads is for the kdump formats (the ELF vmcore is not "
            "compressed)");
  O = parse("--no-cpu-notes out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_FALSE(O->CpuNotes);
  EXPECT_TRUE(O->Sync);
  O = parse("--no-sync out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_FALSE(O->Sync);
  O = parse("--partial -f kdump-zlib out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_TRUE(O->Partial);
  EXPECT_EQ(errorOf(parse("--partial=yes out")).substr(0, 32),
            "unknown option '--partial=yes'; ");
  EXPECT_FALSE(O->Verbose);
  for (const char *V : {"-v out", "--verbose out"}) {
    O = parse(V);
    ASSERT_TRUE(succeeded(O));
    EXPECT_TRUE(O->Verbose);
  }
}

TEST(DumpOptionsTest, VmcoreInfoSources) {
  Expected<DumpOptions> O = parse("out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_EQ(O->VmcoreInfo, VmcoreInfoSource::Auto);
  struct {
    const char *Arg;
    VmcoreInfoSource Source;
  } Cases[] = {{"auto", VmcoreInfoSource::Auto},
               {"DEVICE", VmcoreInfoSource::Device},
               {"scan", VmcoreInfoSource::Scan},
               {"none", VmcoreInfoSource::None}};
  for (const auto &Case : Cases) {
    O = parse((Twine("--vmcoreinfo ") + Case.Arg + " out").str());
    ASSERT_TRUE(succeeded(O));
    EXPECT_EQ(O->VmcoreInfo, Case.Source) << Case.Arg;
    EXPECT_EQ(O->VmcoreInfoFile, "");
  }
  // Anything else is a file (read when the dump runs).
  O = parse("--vmcoreinfo=/tmp/saved.vmcoreinfo out");
  ASSERT_TRUE(succeeded(O));
  EXPECT_EQ(O->VmcoreInfo, VmcoreInfoSource::File);
  EXPECT_EQ(O->VmcoreInfoFile, "/tmp/saved.vmcoreinfo");
  EXPECT_EQ(errorOf(parse("out --vmcoreinfo")), "--vmcoreinfo needs a value");
}

TEST(DumpOptionsTest, UnknownOptionsListTheTable) {
  const char *Known =
      "; the options are -b/--begin ADDR, -l/--length LEN, "
      "-f/--format FORMAT, --threads N, --partial, --no-cpu-notes, "
      "--no-sync, -v/--verbose, --vmcoreinfo SOURCE";
  EXPECT_EQ(errorOf(parse("--bogus out")),
            std::string("unknown option '--bogus'") + Known);
  // A flag takes no value; a short option is not a long one.
  EXPECT_EQ(errorOf(parse("--no-cpu-notes=yes out")),
            std::string("unknown option '--no-cpu-notes=yes'") + Known);
  EXPECT_EQ(errorOf(parse("-threads 2 out")),
            std::string("unknown option '-threads'") + Known);
}

TEST(DumpOptionsTest, SyntaxAndHelpComeFromTheTable) {
  EXPECT_EQ(dumpSyntax(),
            "qemu dump-guest-memory [-b ADDR -l LEN] [-f FORMAT] "
            "[--threads N] [--partial] [--no-cpu-notes] [--no-sync] [-v] "
            "[--vmcoreinfo SOURCE] FILE [ARCH]");
  const std::string &H = dumpHelp();
  EXPECT_THAT(H, testing::HasSubstr("one of (any case): " + archNameList()));
  EXPECT_THAT(H, testing::HasSubstr(
                     "\nOptions (numbers in decimal or 0x-hex):\n-b, --begin "
                     "ADDR and -l, --length LEN: dump only guest-physical"));
  EXPECT_THAT(H, testing::HasSubstr("\n-f, --format FORMAT: " + formatList()));
  EXPECT_THAT(H, testing::HasSubstr("\n--threads N: kdump formats: compress "
                                    "on N threads (default: "));
  EXPECT_THAT(H, testing::HasSubstr(
                     "\n--no-cpu-notes: leave the vCPU register notes out.\n"));
  EXPECT_THAT(H, testing::HasSubstr("\n--vmcoreinfo SOURCE: where the "
                                    "VMCOREINFO note comes from: auto"));
}

} // namespace
