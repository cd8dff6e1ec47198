# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# -*- Python -*-
# The qemudump lit suite: real `lldb -b` runs of the plugin on real cores.
import os
import shutil
import subprocess

import lit.formats

config.name = "qemudump"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
# real-qemu/versions is the matrix of QEMU versions: a suite per version
# (real-qemu/versions/lit.version.cfg.py), not part of this one.
config.excludes = ["Inputs", "versions"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qemudump_obj_root, "test")

# A QEMUDUMP_SANITIZE build (ASan and UBSan, the shared runtime): %lldb and
# %lldb-qemu run lldb through a wrapper that LD_PRELOADs the runtime, and a
# test that left a sanitizer report fails (test/fuzz/litsanitizer.py).
if getattr(config, "qemudump_sanitize", "").upper() in ("ON", "1", "TRUE", "YES"):
    import sys
    sys.path.insert(0, os.path.join(config.test_source_root, "fuzz"))
    import litsanitizer
    config.test_format = litsanitizer.SanitizedShTest(execute_external=False)
    config.lldb = litsanitizer.write_wrapper(
        config.test_exec_root, config.lldb, config.qemudump_asan_runtime)
    config.available_features.add("sanitized")
    lit_config.note(f"sanitized build: lldb runs as {config.lldb}")

inputs = os.path.join(config.qemudump_obj_root, "test", "Inputs")
src_inputs = os.path.join(config.test_source_root, "Inputs")

# lldb -b with the plugin loaded; the rest of the command line is the test's.
config.substitutions.append(
    ("%lldb-qemu", f"'{config.lldb}' -b -o 'plugin load {config.plugin}'"))
config.substitutions.append(("%lldb", f"'{config.lldb}'"))
config.substitutions.append(("%plugin", config.plugin))
config.substitutions.append(("%readelf", config.llvm_readelf))
config.substitutions.append(
    ("%vmcore-tool-path", os.path.join(config.qemudump_obj_root, "bin", "vmcore-tool")))
config.substitutions.append(
    ("%vmcore-tool", os.path.join(config.qemudump_obj_root, "bin", "vmcore-tool")))
config.substitutions.append(
    ("%utils", os.path.join(os.path.dirname(config.test_source_root), "utils")))
config.substitutions.append(
    ("%make-test-core", os.path.join(src_inputs, "make-test-core")))
config.substitutions.append(
    ("%qemu-shaped-struct128", os.path.join(inputs, "qemu-shaped-struct128")))
config.substitutions.append(
    ("%qemu-shaped-x86", os.path.join(inputs, "qemu-shaped-x86")))
config.substitutions.append(
    ("%qemu-shaped-arm", os.path.join(inputs, "qemu-shaped-arm")))
config.substitutions.append(
    ("%qemu-shaped", os.path.join(inputs, "qemu-shaped-int128")))
config.substitutions.append(("%python", config.python))

# FileCheck, not, count from the LLVM tools directory.
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, os.path.dirname(config.gdb),
     config.environment.get("PATH", os.environ.get("PATH", ""))])
for var in ["HOME", "TMPDIR", "XDG_CACHE_HOME", "QEMUDUMP_CACHE"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
# LLDB must not read the user's ~/.lldbinit or colour its output.
config.environment["LLDB_NO_DEBUGINFOD"] = "1"
config.environment["TERM"] = "dumb"

# Permission tests need an unprivileged user (root writes anywhere), and files
# that user can reach: %unpriv is a scratch directory in /tmp, outside build
# trees that may sit in private (0700) directories.
config.substitutions.append(
    ("%unpriv", os.path.join("/tmp", f"qemudump-lit-unpriv-{os.getuid()}")))
if os.geteuid() == 0 and shutil.which("setpriv"):
    config.substitutions.append(
        ("%as-unprivileged",
         "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp"))
else:
    config.substitutions.append(("%as-unprivileged", ""))

# Real QEMU cores made by utils/make-real-cores: one feature per version and
# scenario (e.g. qemu-7.2-blobs), and %qemu-V / %cores-V substitutions.
cache = os.environ.get("QEMUDUMP_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
    "qemudump")
# The versions of the matrix (test/CMakeLists.txt: utils/build-qemu's; the
# sanitized build runs 7.2 and 10.0 only: more QEMU versions add no paths
# through the plugin that the sanitizers have not seen, and each costs
# minutes of CI's cold run).
versions = config.qemu_versions


import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(config.test_source_root, "real-qemu"))
from real_cores import real_core, X86_SCENARIOS
# The matrix suites (real-qemu/versions/lit.version.cfg.py) find the cores
# here too.
config.real_qemu_cache = cache
for version in versions:
    cores = os.path.join(cache, "cores", version)
    config.substitutions.append((f"%cores-{version}", cores))
    qemu = ""
    for scenario in X86_SCENARIOS:
        made = real_core(cores, scenario)
        qemu = made or qemu
        if made:
            config.available_features.add(f"qemu-{version}-{scenario}")
    config.substitutions.append((f"%qemu-{version}", qemu or "qemu-not-built"))
    # The other guest arches (utils/build-qemu --other-arches, 10.0 only):
    # a scenario per target, e.g. qemu-10.0-aarch64 and %qemu-aarch64-10.0.
    for scenario in ["aarch64", "aarch64-arm32", "linux-aarch64",
                     "linux-aarch64-nodevice",
                     "riscv64", "s390x", "linux-s390x-nodevice", "ppc64",
                     "ppc64-le", "linux-ppc64-le-nodevice"]:
        other = real_core(cores, scenario)
        if other:
            config.available_features.add(f"qemu-{version}-{scenario}")
            config.substitutions.append((f"%qemu-{scenario}-{version}", other))
# LLDB 22 (utils/get-lldb 22), which writes the minidumps of the minidump
# tests: LLDB 19 cannot read back the minidumps it writes itself.
lldb22 = os.path.join(cache, "lldb-22", "bin", "lldb")
if os.access(lldb22, os.X_OK):
    config.available_features.add("lldb-22-writer")
config.substitutions.append(("%writer-lldb22", lldb22))
# Debian's own (stripped) QEMU, for the no-debug-info test.
if os.access("/usr/bin/qemu-system-x86_64", os.X_OK) and shutil.which("gdb"):
    config.available_features.add("debian-qemu")
# Mounts of a test's own (tmpfs, bind mounts) in a mount namespace that
# vanishes with the test: root, and unshare allowed (test/Inputs/
# in-mount-ns.sh).
if os.geteuid() == 0 and shutil.which("unshare"):
    try:
        if subprocess.run(["unshare", "--mount", "--propagation", "private",
                           "true"], capture_output=True,
                          timeout=60).returncode == 0:
            config.available_features.add("mount-namespace")
    except (OSError, subprocess.SubprocessError):
        pass
# File systems of a test's own on a loop device (test/Inputs/on-loop-fs.sh):
# XFS with reflink (xfsprogs), btrfs (btrfs-progs), ext4; each only where
# this machine can make and mount one (a kernel with the file system, loop
# devices, root).
if "mount-namespace" in config.available_features:
    import tempfile
    probe_dir = tempfile.mkdtemp(prefix="qemudump-lit-fs-")
    for fs, mkfs, feature in [("xfs", "mkfs.xfs", "loop-xfs-reflink"),
                              ("btrfs", "mkfs.btrfs", "loop-btrfs"),
                              ("ext4", "mkfs.ext4", "loop-ext4")]:
        if not shutil.which(mkfs):
            continue
        try:
            if subprocess.run([os.path.join(src_inputs, "on-loop-fs.sh"), fs,
                               os.path.join(probe_dir, fs), "true"],
                              capture_output=True, timeout=120).returncode == 0:
                config.available_features.add(feature)
        except (OSError, subprocess.SubprocessError):
            pass
    shutil.rmtree(probe_dir, ignore_errors=True)
if shutil.which("makedumpfile"):
    config.available_features.add("makedumpfile")
# kdump output: a makedumpfile that reads zstd (Debian 12's does not;
# utils/get-makedumpfile unpacks Debian 13's into the cache), drgn and
# libkdumpfile (Debian's python3-drgn and python3-libkdumpfile, for Debian's
# python3 whatever python3 comes first on PATH), and the checker of
# test/real-qemu/Inputs.
import subprocess
mdf_zstd = os.path.join(cache, "makedumpfile-trixie", "bin", "makedumpfile")
if os.path.exists(os.path.join(cache, "makedumpfile-trixie", "complete")):
    config.available_features.add("makedumpfile-zstd")
config.substitutions.append(("%makedumpfile-zstd", mdf_zstd))
for module, feature in [("drgn", "drgn"), ("kdumpfile", "libkdumpfile")]:
    try:
        if subprocess.run(["/usr/bin/python3", "-c", "import " + module],
                          capture_output=True, timeout=120).returncode == 0:
            config.available_features.add(feature)
    except (OSError, subprocess.SubprocessError):
        pass
config.substitutions.append(("%drgn-python", "/usr/bin/python3"))
config.substitutions.append(
    ("%kdump-check", os.path.join(config.test_source_root, "real-qemu",
                                  "Inputs", "kdump-check.py")))

# Which LLDB runs the suite (the lit parameter `lldb` picks another; the
# ctest tests lit-lldb-N do): features lldb-N, and lldb-core-file when the
# plugin can ask it for the core file's path (SBProcess::GetCoreFile, LLDB 17
# and later) and so reads guest memory from the core itself. Older LLDB goes
# through SBProcess::ReadMemory, whose errors read differently.
import json
import re
import subprocess

lldb_major = None
try:
    out = subprocess.run([config.lldb, "--version"], capture_output=True,
                         text=True, timeout=120).stdout
    m = re.search(r"lldb version (\d+)\.", out)
    if m:
        lldb_major = int(m.group(1))
except (OSError, subprocess.SubprocessError):
    pass
if lldb_major is None:
    lit_config.warning(f"cannot tell the version of {config.lldb}")
else:
    lit_config.note(f"lldb {lldb_major}: {config.lldb}")
    config.available_features.add(f"lldb-{lldb_major}")
    if lldb_major >= 17:
        config.available_features.add("lldb-core-file")
    # DW_FORM_data16 (GCC's 128-bit constants, as in qemu-system-ppc64's
    # DWARF) stops LLDB's DWARF parser before LLDB 20.
    if lldb_major >= 20:
        config.available_features.add("lldb-data16")
# An LLDB that fetches debug info from debuginfod servers (its symbol
# locator plugin, LLDB 18 and later, built with libcurl).
try:
    out = subprocess.run([config.lldb, "-b", "-o", "settings show "
                          "plugin.symbol-locator.debuginfod.server-urls"],
                         capture_output=True, text=True, timeout=120).stdout
    if "server-urls (array of strings)" in out:
        config.available_features.add("lldb-debuginfod")
except (OSError, subprocess.SubprocessError):
    pass

# An lldb the unprivileged user cannot reach (utils/get-lldb unpacks lldb-16
# and lldb-22 under $HOME/.cache, and root's home is private): that user keeps
# CAP_DAC_READ_SEARCH to start it. The capability bypasses read and directory
# search checks only, never write checks, which are what permission tests
# test.
if os.geteuid() == 0 and shutil.which("setpriv"):
    def unprivileged_lldb_runs(extra):
        try:
            return subprocess.run(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
                + extra + [config.lldb, "--version"],
                capture_output=True, timeout=120).returncode == 0
        except (OSError, subprocess.SubprocessError):
            return False
    read_search = ["--inh-caps=+dac_read_search",
                   "--ambient-caps=+dac_read_search"]
    if not unprivileged_lldb_runs([]) and unprivileged_lldb_runs(read_search):
        lit_config.note(f"{config.lldb} is out of the unprivileged user's "
                        "reach: %as-unprivileged keeps CAP_DAC_READ_SEARCH")
        config.substitutions = [
            (k, v.replace("--clear-groups", "--clear-groups " + " ".join(read_search))
             if k == "%as-unprivileged" else v)
            for k, v in config.substitutions]

# Written by test/CMakeLists.txt: the project's version (%qemudump-version)
# and the cmake package.test installs with.
extra = {}
try:
    with open(os.path.join(config.qemudump_obj_root, "test",
                           "qemudump-lit.json")) as f:
        extra = json.load(f)
except (OSError, ValueError):
    pass
if extra.get("version"):
    config.substitutions.append(("%qemudump-version", extra["version"]))
config.substitutions.append(("%build-dir", config.qemudump_obj_root))
config.substitutions.append(("%cmake", extra.get("cmake") or "cmake"))
# LLDB's system plugin directory: whatever is there, every lldb loads.
system_plugins = "/usr/lib/lldb/plugins"
if os.path.isdir(system_plugins) and os.listdir(system_plugins):
    config.available_features.add("system-lldb-plugins")
