#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# dump-shared.sh VMCORE_TOOL CORE_DIR OUT_DIR SCENARIO LLDB...: copies
# SCENARIO's core
# into CORE_DIR, dumps it with LLDB... (lldb -b with the plugin loaded, and
# QEMU) into OUT_DIR/vmcore, and prints the dump's output, how much room the
# dump took on OUT_DIR's file system ("new disk use: under 4 MiB", or the
# KiB), and how the vmcore's memory compares with SCENARIO's QMP dump.
set -eu
tool=$1 cores=$2 out=$3 scenario=$4
shift 4
cp --sparse=always "$scenario/core" "$cores/core"
sync -f "$cores"
sync -f "$out"
before=$(stat -f -c %f "$out")
"$@" -c "$cores/core" -o "qemu dump-guest-memory $out/vmcore X86_64" 2>&1
sync -f "$out"
after=$(stat -f -c %f "$out")
kib=$(( (before - after) * $(stat -f -c %S "$out") / 1024 ))
if [ "$kib" -lt 4096 ]; then
  echo "new disk use: under 4 MiB"
else
  echo "new disk use: $kib KiB"
fi
"$tool" compare "$out/vmcore" "$scenario/reference.vmcore" 2>&1
