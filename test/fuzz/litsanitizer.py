# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The lit suite of a QEMUDUMP_SANITIZE build (test/lit.cfg.py uses it).

The plugin is built with ASan and UBSan against the shared sanitizer
runtime, which lldb, not instrumented, must load first: lldb runs through a
wrapper script that LD_PRELOADs the runtime (lldb only: gdb, python and
FileCheck run as they are) with leak detection off (lldb itself leaks) and
every report fatal, written to a per-test log directory. The test format
fails a test whose run left a report there whatever lldb's exit status, which
a test may expect to be non-zero (`not %lldb-qemu ...`).

A module of its own (not lit.cfg.py) so that lit's worker processes can
unpickle the test format.
"""
import glob
import hashlib
import os
import shutil
import tempfile

import lit.formats
import lit.Test

LOG_DIR_VAR = "QEMUDUMP_SANITIZER_LOG_DIR"

WRAPPER = """#!/bin/sh
# Written by test/fuzz/litsanitizer.py: {lldb} with the sanitizer runtime of
# a QEMUDUMP_SANITIZE build of the plugin. Reports go to ${log_var}
# when it is set (by the lit test format), else to stderr.
log=
if [ -n "${{{log_var}:-}}" ]; then
  log=":log_path=${log_var}/report"
fi
LD_PRELOAD="{runtime}${{LD_PRELOAD:+:$LD_PRELOAD}}" \\
ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:print_suppressions=0$log${{ASAN_OPTIONS:+:$ASAN_OPTIONS}}" \\
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1$log${{UBSAN_OPTIONS:+:$UBSAN_OPTIONS}}" \\
  exec '{lldb}' "$@"
"""


def write_wrapper(exec_root, lldb, runtime):
    """Writes the wrapper of \\p lldb under \\p exec_root; returns its path."""
    digest = hashlib.sha1(lldb.encode()).hexdigest()[:8]
    path = os.path.join(exec_root, f"lldb-sanitized-{digest}")
    text = WRAPPER.format(lldb=lldb, runtime=runtime, log_var=LOG_DIR_VAR)
    os.makedirs(exec_root, exist_ok=True)
    tmp = f"{path}.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)
    return path


class SanitizedShTest(lit.formats.ShTest):
    """ShTest, failing any test that left a sanitizer report."""

    def execute(self, test, litConfig):
        # In /tmp and writable by all: %as-unprivileged runs lldb as nobody.
        logs = tempfile.mkdtemp(prefix="qemudump-sanitizer-", dir="/tmp")
        os.chmod(logs, 0o1777)
        test.config.environment[LOG_DIR_VAR] = logs
        try:
            result = super().execute(test, litConfig)
            reports = sorted(glob.glob(os.path.join(logs, "*")))
            if not reports or result.code == lit.Test.UNSUPPORTED:
                return result
            text = []
            for r in reports:
                with open(r, errors="replace") as f:
                    text.append(f"--- sanitizer report {os.path.basename(r)}:\n"
                                + f.read())
            return lit.Test.Result(
                lit.Test.FAIL,
                (result.output or "") + "\n" + "\n".join(text)
                + f"\n(the test was {result.code.name} before the sanitizer "
                "report)\n")
        finally:
            shutil.rmtree(logs, ignore_errors=True)
