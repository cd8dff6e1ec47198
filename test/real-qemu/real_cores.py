# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The real QEMU cores utils/make-real-cores makes, as the lit configurations
(test/lit.cfg.py, real-qemu/versions/lit.version.cfg.py) find them."""
import os

# The x86 scenarios every QEMU version of the matrix has cores of.
X86_SCENARIOS = ["blobs", "highmem", "linux", "linux-nodevice", "nodump",
                 "nodump-backend", "virtio-mem", "linux-virtio-mem",
                 "shared-file", "shared-file-kept", "shared-hugetlb",
                 "shared-hugetlb-kept"]


def real_core(cores, scenario):
    """The QEMU binary of a complete core of SCENARIO in CORES, or None."""
    d = os.path.join(cores, scenario)
    try:
        with open(os.path.join(d, "scenario.json")) as f:
            complete = '"complete": true' in f.read()
        with open(os.path.join(d, "qemu")) as f:
            qemu = f.read().strip()
    except OSError:
        return None
    if complete and os.path.exists(os.path.join(d, "core")) and os.access(qemu, os.X_OK):
        return qemu
    return None
