"""A webhook receiver in its own process, for rate tests: it stamps each request's arrival with a
monotonic clock, so a stall of the test process (jest, the engine beside it) cannot bunch the
stamps up the way an in-process receiver's would.

Usage: rate_receiver.py. Prints its port on the first line of stdout, then serves:
  POST /hook/<name>     a delivery: answered per the current rule; its arrival is recorded
  PUT  /rule            JSON {"fail_every": K, "answer_429_at": [n, ...], "retry_after": S}:
                        every K-th request answers 500 (0: none), the n-th requests answer 429
                        with Retry-After: S
  GET  /log             JSON list of {"t": monotonic seconds, "wall": epoch ms, "path", "status", "body"}
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
log = []
rule = {"fail_every": 0, "answer_429_at": [], "retry_after": 1}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length).decode("utf-8") if length else ""

    def _answer(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        arrived = time.monotonic()
        wall = time.time() * 1000
        body = self._body()
        with lock:
            n = len(log) + 1
            status = 200
            headers = {}
            if n in rule["answer_429_at"]:
                status = 429
                headers["retry-after"] = str(rule["retry_after"])
            elif rule["fail_every"] and n % rule["fail_every"] == 0:
                status = 500
            log.append({"t": arrived, "wall": wall, "path": self.path, "status": status, "body": body})
        self._answer(status, b"ok", headers)

    def do_PUT(self):
        changes = json.loads(self._body() or "{}")
        with lock:
            rule.update(changes)
        self._answer(204)

    def do_GET(self):
        with lock:
            out = json.dumps(log).encode("utf-8")
        self._answer(200, out, {"content-type": "application/json"})


# Ahead of the engine and the tests on a busy host, so arrivals are stamped when they arrive.
try:
    os.nice(-10)
except OSError:
    pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
