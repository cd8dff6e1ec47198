//===- DumpSummaryTest.cpp - The line a successful dump ends with ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Command/DumpSummary.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

using namespace qemudump;

namespace {

TEST(DumpSummaryTest, HumanBytes) {
  EXPECT_EQ(humanBytes(512), "512 bytes");
  EXPECT_EQ(humanBytes(12 << 10), "12.0 KiB");
  EXPECT_EQ(humanBytes(553779200), "528.1 MiB");
  EXPECT_EQ(humanBytes(1342308352), "1.25 GiB");
}

DumpSummary elf() {
  DumpSummary S;
  S.File = "/tmp/x/vmcore";
  S.ArchName = "386";
  S.Blocks = 4;
  S.MemoryBytes = 1342308352;
  S.Notes = "1 vCPU (CORE, QEMU)";
  S.FileSize = 1342312448;
  S.Seconds = 0.0816;
  return S;
}

TEST(DumpSummaryTest, ElfLine) {
  DumpSummary S = elf();
  EXPECT_EQ(S.format(), "wrote /tmp/x/vmcore (386): 4 blocks, 1.25 GiB of "
                        "guest memory, notes: 1 vCPU (CORE, QEMU); 1342312448 "
                        "bytes in 0.082 s");
  S.ArchNotes = {"inferred: vCPU 0 is not in long mode",
                 "ELF64: guest RAM above 4 GiB"};
  S.Blocks = 1;
  EXPECT_EQ(S.format(), "wrote /tmp/x/vmcore (386, inferred: vCPU 0 is not in "
                        "long mode; ELF64: guest RAM above 4 GiB): 1 block, "
                        "1.25 GiB of guest memory, notes: 1 vCPU (CORE, "
                        "QEMU); 1342312448 bytes in 0.082 s");
}

TEST(DumpSummaryTest, SaysHowQemusMemoryWasRead) {
  DumpSummary S = elf();
  S.Reader = "through LLDB from the minidump core";
  S.LeftOut = {"pmem (nonvolatile)"};
  EXPECT_EQ(S.format(), "wrote /tmp/x/vmcore (386): 4 blocks, 1.25 GiB of "
                        "guest memory, notes: 1 vCPU (CORE, QEMU); 1342312448 "
                        "bytes in 0.082 s; QEMU's memory read through LLDB "
                        "from the minidump core; left out as in QEMU's own "
                        "dump: pmem (nonvolatile)");
}

TEST(DumpSummaryTest, KdumpLine) {
  DumpSummary S = elf();
  S.ArchName = "X86_64";
  S.ArchNotes = {"inferred: vCPU 0 is in long mode"};
  DumpSummary::Kdump K;
  K.FormatName = "KDUMP-RAW-ZSTD";
  K.Stats.Pages = 135200;
  K.Stats.ZeroPages = 100;
  K.Stats.CompressedPages = 135000;
  K.Stats.PlainPages = 100;
  K.Stats.Threads = 2;
  K.UtsSource = "init_uts_ns";
  K.Release = "6.1.0-56-amd64";
  S.KdumpFile = K;
  EXPECT_EQ(S.format(),
            "wrote /tmp/x/vmcore (kdump-raw-zstd, raw; X86_64, inferred: vCPU "
            "0 is in long mode): 4 blocks, 1.25 GiB of guest memory in 135200 "
            "pages (100 zero, 135000 compressed, 100 stored as is), notes: 1 "
            "vCPU (CORE, QEMU), utsname from init_uts_ns (release "
            "6.1.0-56-amd64); 1342312448 bytes in 0.082 s, 2 compression "
            "threads");
  S.KdumpFile->Form = KdumpForm::Flattened;
  S.KdumpFile->Stats.Threads = 1;
  S.ArchNotes.clear();
  EXPECT_THAT(S.format(),
              testing::StartsWith("wrote /tmp/x/vmcore (kdump-raw-zstd, "
                                  "flattened; X86_64): 4 blocks"));
  EXPECT_EQ(S.format().substr(S.format().size() - 22),
            ", 1 compression thread");
}

TEST(DumpSummaryTest, StepsInOrderWithTheTotal) {
  DumpSummary S;
  S.Seconds = 0.5;
  S.Phases = {{"QEMU's session", 0.0123}, {"writing (ELF)", 0.25}};
  EXPECT_EQ(
      S.formatPhases(),
      "steps: QEMU's session 0.012 s, writing (ELF) 0.250 s (of 0.500 s)");
}

TEST(DumpSummaryTest, SharedBytesAreSaid) {
  DumpSummary S;
  S.File = "v";
  S.ArchName = "X86_64";
  S.Blocks = 1;
  S.MemoryBytes = 1 << 20;
  S.Notes = "none";
  S.FileSize = 4096 + (1 << 20);
  S.Reader = "directly from the ELF core";
  S.SharedBytes = 1 << 20;
  EXPECT_THAT(S.format(),
              testing::EndsWith("; QEMU's memory read directly from the ELF "
                                "core; 1.0 MiB of it shared with the core "
                                "file, not copied (reflink)"));
}

} // namespace
