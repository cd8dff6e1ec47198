#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A small QMP (QEMU Machine Protocol) client over a unix socket.

Python 3 standard library only.  As a library:

    from qmp import QMP, QMPError
    with QMP.connect("/path/qmp.sock", timeout=30, proc=popen) as q:
        q.execute("stop")
        q.execute("dump-guest-memory", {"paging": False, "protocol": "file:/x"})
        q.wait_event("DUMP_COMPLETED", timeout=60)

As a command (for poking at a running QEMU by hand):

    utils/qmp.py SOCKET COMMAND [JSON-ARGUMENTS]
    utils/qmp.py /tmp/q.sock query-status
    utils/qmp.py /tmp/q.sock human-monitor-command '{"command-line": "info mtree -f"}'

The connection negotiates capabilities (qmp_capabilities) on connect; execute()
returns the command's "return" value, raises QMPError on an "error" reply and
queues asynchronous events (messages with an "event" key) for wait_event().
"""

import json
import os
import socket
import sys
import time

__all__ = ["QMP", "QMPError", "QMPTimeout", "QMPClosed"]


class QMPError(Exception):
    """QEMU answered a command with an error, or the protocol went wrong."""

    def __init__(self, message, reply=None):
        super().__init__(message)
        self.reply = reply


class QMPTimeout(QMPError):
    """No answer within the time limit."""


class QMPClosed(QMPError):
    """QEMU closed the connection (it probably exited)."""


class QMP:
    def __init__(self, sock, greeting, proc=None):
        self._sock = sock
        self._buf = b""
        self._next_id = 0
        self.greeting = greeting
        self.events = []          # queued events not yet consumed by wait_event()
        self.proc = proc          # optional subprocess.Popen of QEMU, for liveness checks

    # ------------------------------------------------------------------ setup
    @classmethod
    def connect(cls, path, timeout=30.0, proc=None, negotiate=True):
        """Connect to QEMU's QMP server socket at PATH (QEMU started with
        `-qmp unix:PATH,server=on,wait=off`), retrying until it exists or TIMEOUT
        seconds pass.  If PROC (a Popen) is given, give up as soon as it exits."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            if proc is not None and proc.poll() is not None:
                raise QMPClosed("QEMU exited (status %s) before its QMP socket %s "
                                "accepted a connection" % (proc.returncode, path))
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                break
            except OSError as e:
                s.close()
                last = e
            if time.monotonic() >= deadline:
                raise QMPTimeout("cannot connect to QMP socket %s within %.0f s: %s"
                                 % (path, timeout, last))
            time.sleep(0.05)
        self = cls(s, None, proc)
        greeting = self._read_message(max(1.0, deadline - time.monotonic()))
        if "QMP" not in greeting:
            self.close()
            raise QMPError("unexpected QMP greeting: %r" % (greeting,), greeting)
        self.greeting = greeting
        if negotiate:
            self.execute("qmp_capabilities", timeout=max(1.0, deadline - time.monotonic()))
        return self

    def close(self):
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # ------------------------------------------------------------- transport
    def _read_message(self, timeout):
        """Return the next JSON object from QEMU (event or reply)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            # QEMU ends every JSON message with "\r\n" and never puts a raw
            # newline inside one (strings are escaped).
            nl = self._buf.find(b"\n")
            if nl >= 0:
                line, self._buf = self._buf[:nl], self._buf[nl + 1:]
                line = line.strip()
                if not line:
                    continue
                try:
                    obj = json.loads(line.decode("utf-8", "replace"))
                except ValueError as e:
                    raise QMPError("undecodable QMP message %r: %s" % (line[:200], e))
                if not isinstance(obj, dict):
                    raise QMPError("unexpected QMP message: %r" % (obj,))
                return obj
            if self._sock is None:
                raise QMPClosed("QMP connection is closed")
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise QMPTimeout("no QMP message within %.0f s" % timeout)
                # wake up regularly to notice a dead QEMU
                self._sock.settimeout(min(left, 1.0))
            else:
                self._sock.settimeout(1.0)
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                if self.proc is not None and self.proc.poll() is not None:
                    raise QMPClosed("QEMU exited (status %s) while waiting for QMP"
                                    % self.proc.returncode)
                continue
            except OSError as e:   # connection reset and the like
                self.close()
                raise QMPClosed("QMP connection lost: %s" % e)
            if not chunk:
                self.close()
                st = ""
                if self.proc is not None:
                    try:
                        self.proc.wait(timeout=2)
                    except Exception:
                        pass
                    if self.proc.returncode is not None:
                        st = " (QEMU exit status %s)" % self.proc.returncode
                raise QMPClosed("QEMU closed the QMP connection" + st)
            self._buf += chunk

    def _send(self, obj):
        if self._sock is None:
            raise QMPClosed("QMP connection is closed")
        self._sock.settimeout(30)
        try:
            self._sock.sendall(json.dumps(obj).encode("utf-8") + b"\r\n")
        except OSError as e:
            self.close()
            raise QMPClosed("QMP connection lost: %s" % e)

    # ------------------------------------------------------------------- API
    def command(self, name, arguments=None, timeout=60.0):
        """Send a command and return the whole reply dict ("return" or "error")."""
        self._next_id += 1
        ident = "qemudump-%d" % self._next_id
        msg = {"execute": name, "id": ident}
        if arguments:
            msg["arguments"] = arguments
        self._send(msg)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                reply = self._read_message(left)
            except QMPTimeout:
                raise QMPTimeout("QMP command %s: no reply within %.0f s" % (name, timeout))
            if "event" in reply:
                self.events.append(reply)
                continue
            if reply.get("id") != ident:
                # a reply to something else (should not happen): ignore it
                continue
            return reply

    def execute(self, name, arguments=None, timeout=60.0):
        """Run a command; return its "return" value or raise QMPError."""
        reply = self.command(name, arguments, timeout)
        if "error" in reply:
            err = reply["error"]
            raise QMPError("QMP command %s failed: %s: %s"
                           % (name, err.get("class"), err.get("desc")), reply)
        if "return" not in reply:
            raise QMPError("QMP command %s: malformed reply %r" % (name, reply), reply)
        return reply["return"]

    def hmp(self, command_line, cpu_index=None, timeout=60.0):
        """Run a human monitor command (on vCPU CPU_INDEX), return its text output."""
        args = {"command-line": command_line}
        if cpu_index is not None:
            args["cpu-index"] = cpu_index
        return self.execute("human-monitor-command", args, timeout)

    def wait_event(self, name=None, timeout=60.0):
        """Return (and consume) the first event called NAME (any if None)."""
        for i, ev in enumerate(self.events):
            if name is None or ev.get("event") == name:
                return self.events.pop(i)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                msg = self._read_message(left)
            except QMPTimeout:
                raise QMPTimeout("QMP event %s did not arrive within %.0f s"
                                 % (name or "(any)", timeout))
            if "event" not in msg:
                continue
            if name is None or msg.get("event") == name:
                return msg
            self.events.append(msg)

    def drain_events(self):
        """Return and forget the queued events."""
        ev, self.events = self.events, []
        return ev


def main(argv):
    if len(argv) not in (3, 4) or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: %s SOCKET COMMAND [JSON-ARGUMENTS]\n" % os.path.basename(argv[0]))
        return 2
    args = json.loads(argv[3]) if len(argv) == 4 else None
    try:
        with QMP.connect(argv[1], timeout=10) as q:
            ret = q.execute(argv[2], args, timeout=None)
    except QMPError as e:
        sys.stderr.write("qmp: %s\n" % e)
        return 1
    if isinstance(ret, str):
        sys.stdout.write(ret)
    else:
        json.dump(ret, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
