#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Checks of a VMCOREINFO note found in guest RAM, for the lit tests.

    vmcoreinfo-check.py guest-note LOG SCENARIO VMCORE
        LOG (the plugin's output) says the note was found in guest RAM at the
        address the guest itself gave for it (SCENARIO/scenario.json's
        guest_report, from the guest's /sys/kernel/vmcoreinfo), and VMCORE's
        VMCOREINFO note says the release the guest's `uname -r` said
    vmcoreinfo-check.py prefix A B
        file B starts with the bytes of file A (QEMU's notes, then ours)
"""
import importlib.util
import json
import os
import re
import sys


def fail(msg):
    print("vmcoreinfo-check: " + msg, file=sys.stderr)
    sys.exit(1)


def vmcoreinfo_text(path):
    """The VMCOREINFO text of an ELF64 little-endian vmcore (kdump-check's
    reader)."""
    spec = importlib.util.spec_from_file_location(
        "kdump_check", os.path.join(os.path.dirname(__file__), "kdump-check.py"))
    kdump_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kdump_check)
    return kdump_check.elf_loads_and_vmcoreinfo(path)[1]


def cmd_guest_note(log, scenario, vmcore):
    report = json.load(open(os.path.join(scenario, "scenario.json"))).get("guest_report") or {}
    if "vmcoreinfo_paddr" not in report or "release" not in report:
        fail("%s has no guest_report (made by an older make-qemu-core?)" % scenario)
    m = re.search(r"VMCOREINFO \(found in guest RAM at (0x[0-9a-f]+)", open(log).read())
    if not m:
        fail("%s does not say the note was found in guest RAM" % log)
    found = int(m.group(1), 16)
    print("found at %#x; the guest keeps it at %#x" % (found, report["vmcoreinfo_paddr"]))
    if found != report["vmcoreinfo_paddr"]:
        fail("found at %#x, not where the guest keeps its note" % found)
    text = vmcoreinfo_text(vmcore)
    if text is None:
        fail("%s has no VMCOREINFO note" % vmcore)
    info = dict(l.split("=", 1) for l in text.splitlines() if "=" in l)
    print("OSRELEASE %s; the guest's uname -r %s" % (info.get("OSRELEASE"), report["release"]))
    if info.get("OSRELEASE") != report["release"]:
        fail("the note's OSRELEASE is not the guest's release")
    print("the VMCOREINFO note is the guest's own")


def cmd_prefix(a, b):
    da, db = open(a, "rb").read(), open(b, "rb").read()
    if not db.startswith(da):
        fail("%s does not start with %s" % (b, a))
    print("%s starts with the %d bytes of %s" % (os.path.basename(b), len(da), os.path.basename(a)))


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"guest-note": cmd_guest_note, "prefix": cmd_prefix}[cmd](*args)


if __name__ == "__main__":
    main()
