# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# -*- Python -*-
# The real-QEMU matrix: each test here runs once per QEMU version, in a suite
# of its own (qemudump-qemu-VERSION), as compiler-rt configures a suite per
# arch. Loaded after the main lit.cfg.py by the suite's site configuration,
# which sets config.qemu_version. A new QEMU version is one more line of
# utils/build-qemu's table (its Debian source package): test/CMakeLists.txt
# makes a suite of every version it lists, utils/make-real-cores their
# cores.
#
# A test says which scenarios it needs (REQUIRES: qemu-linux), and finds
# this version's QEMU and cores as %qemu and %cores; %qemu-version is the
# version. Features: qemu-SCENARIO for each scenario whose core this
# version has, qemu-VERSION, and ram-discard from QEMU 6.2 on (sparse RAM
# dumped by its RamDiscardManager).
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from real_cores import real_core, X86_SCENARIOS

version = config.qemu_version
config.name = f"qemudump-qemu-{version}"
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qemudump_obj_root, "test",
                                     f"qemu-{version}")
config.excludes = ["Inputs"]

cores = os.path.join(config.real_qemu_cache, "cores", version)
qemu = ""
for scenario in X86_SCENARIOS:
    made = real_core(cores, scenario)
    if made:
        qemu = made
        config.available_features.add(f"qemu-{scenario}")
config.available_features.add(f"qemu-{version}")
major, minor = (int(x) for x in version.split(".")[:2])
if (major, minor) >= (6, 2):
    config.available_features.add("ram-discard")
# After the main suite's substitutions, whose %qemu-shaped, %qemu-V and
# %cores-V are replaced first.
config.substitutions.append(("%qemu-version", version))
config.substitutions.append(("%qemu", qemu or "qemu-not-built"))
config.substitutions.append(("%cores", cores))
