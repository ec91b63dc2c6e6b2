#!/usr/bin/env python3
"""backend_server.py - a fake fleet backend for tests/e2e/backend.bats.

Speaks the real contract over a real socket: POST /auth/broker-config with
"Authorization: Bearer <key>" and a JSON body; answers a JSON object with
host, port, username, password, tls and expires_in.

    backend_server.py DIR

DIR/key      the API key it accepts (any other gets 401)
DIR/creds    the good answer, a JSON object
DIR/mode     what to do, one word per line; each request takes the first
             line while more than one is left, so "500\\nok" answers 500
             once, then ok for ever.  Words: ok, expired (the good answer,
             already expired), wrong (a wrong password), garbage (not
             JSON), badport, 401, 403, 404, 500 (that HTTP status).
DIR/port     written at start: the port it listens on (127.0.0.1)
DIR/requests one JSON line per request: method, path, authorization,
             content_type, body

Standard library only; it runs until killed.
"""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

DIR = sys.argv[1]


def path(name):
    return os.path.join(DIR, name)


def read(name, default=""):
    try:
        with open(path(name)) as f:
            return f.read()
    except FileNotFoundError:
        return default


def next_mode():
    lines = [x for x in read("mode", "ok").split("\n") if x.strip()]
    if not lines:
        return "ok"
    if len(lines) > 1:
        tmp = path("mode.tmp")
        with open(tmp, "w") as f:
            f.write("\n".join(lines[1:]) + "\n")
        os.rename(tmp, path("mode"))
    return lines[0].strip()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass  # the request log below is what tests read

    def answer(self, status, obj=None, raw=None):
        body = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        auth = self.headers.get("Authorization", "")
        with open(path("requests"), "a") as f:
            f.write(json.dumps({
                "method": "POST", "path": self.path,
                "authorization": auth,
                "content_type": self.headers.get("Content-Type", ""),
                "body": body}) + "\n")
        mode = next_mode()
        if self.path != "/auth/broker-config":
            return self.answer(404, {"detail": "not found"})
        if auth != "Bearer " + read("key").strip():
            return self.answer(401, {"detail": "invalid API key"})
        creds = json.loads(read("creds"))
        if mode == "ok":
            return self.answer(200, creds)
        if mode == "expired":
            creds.pop("expires_in", None)
            creds["expires_at"] = int(time.time()) - 60
            return self.answer(200, creds)
        if mode == "wrong":
            creds["password"] = "not-the-password"
            return self.answer(200, creds)
        if mode == "garbage":
            return self.answer(200, raw=b"<html>gateway</html>")
        if mode == "badport":
            creds["port"] = "eighty"
            return self.answer(200, creds)
        if mode.isdigit():
            return self.answer(int(mode), {"detail": "mode " + mode})
        return self.answer(500, {"detail": "unknown mode " + mode})

    def do_GET(self):
        self.answer(405, {"detail": "use POST"})


def main():
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    tmp = path("port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, path("port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
