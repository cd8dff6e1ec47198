# -*- Python -*-
# The qemudump lit suite: real `lldb -b` runs of the plugin on real cores.
import os
import shutil

import lit.formats

config.name = "qemudump"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qemudump_obj_root, "test")

inputs = os.path.join(config.qemudump_obj_root, "test", "Inputs")
src_inputs = os.path.join(config.test_source_root, "Inputs")

# lldb -b with the plugin loaded; the rest of the command line is the test's.
config.substitutions.append(
    ("%lldb-qemu", f"'{config.lldb}' -b -o 'plugin load {config.plugin}'"))
config.substitutions.append(("%lldb", f"'{config.lldb}'"))
config.substitutions.append(("%plugin", config.plugin))
config.substitutions.append(("%readelf", config.llvm_readelf))
config.substitutions.append(
    ("%vmcore-tool", os.path.join(config.qemudump_obj_root, "bin", "vmcore-tool")))
config.substitutions.append(
    ("%make-test-core", os.path.join(src_inputs, "make-test-core")))
config.substitutions.append(
    ("%qemu-shaped-struct128", os.path.join(inputs, "qemu-shaped-struct128")))
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
for version in ["7.2", "10.0"]:
    cores = os.path.join(cache, "cores", version)
    config.substitutions.append((f"%cores-{version}", cores))
    qemu = ""
    for scenario in ["blobs", "highmem", "linux", "nodump"]:
        d = os.path.join(cores, scenario)
        try:
            with open(os.path.join(d, "scenario.json")) as f:
                complete = '"complete": true' in f.read()
            with open(os.path.join(d, "qemu")) as f:
                qemu = f.read().strip()
        except OSError:
            continue
        if complete and os.path.exists(os.path.join(d, "core")) and os.access(qemu, os.X_OK):
            config.available_features.add(f"qemu-{version}-{scenario}")
    config.substitutions.append((f"%qemu-{version}", qemu or "qemu-not-built"))
if shutil.which("makedumpfile"):
    config.available_features.add("makedumpfile")
