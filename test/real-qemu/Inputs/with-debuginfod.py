#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""with-debuginfod.py DIR LOG CMD...: CMD with a debuginfod server.

Serves DIR/.build-id/XX/REST.debug as /buildid/XXREST/debuginfo (the
debuginfod protocol's path; 404 for anything else) on 127.0.0.1, on a port
of its own, while CMD runs; "@URL@" in CMD's arguments becomes the server's
URL. LOG gets one line per request: the status and the path. Exits with
CMD's status."""
import http.server
import os
import re
import subprocess
import sys
import threading

root, log = sys.argv[1:3]
cmd = sys.argv[3:]
requests = []


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        m = re.fullmatch(r"/buildid/([0-9a-f]{2})([0-9a-f]+)/debuginfo", self.path)
        path = m and os.path.join(root, ".build-id", m.group(1), m.group(2) + ".debug")
        if not path or not os.path.exists(path):
            requests.append("404 " + self.path)
            self.send_error(404)
            return
        with open(path, "rb") as f:
            data = f.read()
        requests.append("200 " + self.path)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d" % server.server_address[1]
rc = subprocess.run([a.replace("@URL@", url) for a in cmd]).returncode
server.shutdown()
with open(log, "w") as f:
    f.write("\n".join(requests) + "\n")
sys.exit(rc)
