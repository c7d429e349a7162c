#!/usr/bin/env python3
"""A webhook receiver for the connector tests: http.server on 127.0.0.1:PORT (0: a free one,
printed on the first line of stdout). Each request is appended to LOG as one JSON line
{method, path, headers, body}; the answer's status is read from STATUS at each request (200
when the file is absent or empty). STATUS may script several answers, one line each, as
"STATUS [DELAY_SECONDS]": each request takes the first line and leaves the rest for the next
ones, and the last line answers every request after it. The answer waits DELAY_SECONDS."""
import http.server
import json
import os
import sys
import threading
import time

port, log_path, status_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
script_lock = threading.Lock()


def next_answer():
    with script_lock:
        if not os.path.exists(status_path):
            return 200, 0.0
        lines = [line.split() for line in open(status_path).read().splitlines() if line.strip()]
        if not lines:
            return 200, 0.0
        if len(lines) > 1:
            with open(status_path, "w") as script:
                script.write("".join(" ".join(line) + "\n" for line in lines[1:]))
        first = lines[0]
        return int(first[0]), float(first[1]) if len(first) > 1 else 0.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        status, delay = next_answer()
        time.sleep(delay)
        if status < 300:
            with open(log_path, "a") as log:
                log.write(json.dumps({"method": self.command, "path": self.path,
                                      "headers": {k.lower(): v for k, v in self.headers.items()},
                                      "body": body}) + "\n")
        answer = b'{"status":%d}' % status
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = handle_one
    do_PUT = handle_one

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
