#!/usr/bin/python3
"""A small HTTP proxy in front of the real test registry, for the pull tests: it answers chosen paths
with an error status, slows answer bodies down, and logs every request with its start and end time.

  fault-proxy.py --listen 127.0.0.1:5001 --upstream 127.0.0.1:5000 [--log FILE]
                 [--status REGEX=CODE]... [--rate BYTES_PER_SECOND] [--no-range]
                 [--tls-cert FILE --tls-key FILE]

--no-range drops the Range header of requests (the registry then answers 200 with the whole blob);
--tls-cert/--tls-key make it speak https.

Log lines: "start <unix time> <method> <path> <range or ->" and "end <unix time> <method> <path>
<status> <bytes sent>".
"""

import argparse
import http.client
import http.server
import re
import ssl
import sys
import threading
import time

CHUNK = 16 * 1024
# Headers of the registry's answer that go through as they are.
PASSED = ("content-type", "content-length", "content-range", "docker-content-digest",
          "docker-distribution-api-version", "www-authenticate", "location", "accept-ranges", "etag")
BODIES = {
    429: b'{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit. '
         b'You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit"}]}',
}


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def note(self, line):
        if self.server.log:
            with self.server.lock:
                self.server.log.write(line + "\n")
                self.server.log.flush()

    def forward(self):
        method, path = self.command, self.path
        self.note(f"start {time.time():.6f} {method} {path} {self.headers.get('Range', '-')}")
        status, sent = self.answer(method, path)
        self.note(f"end {time.time():.6f} {method} {path} {status} {sent}")

    def answer(self, method, path):
        for regex, code in self.server.statuses:
            if regex.search(path):
                body = BODIES.get(code, b"injected fault\n")
                self.send_response(code)
                self.send_header("Content-Type", "application/json" if code in BODIES else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(body)
                return code, len(body)

        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else None
        dropped = ("host", "connection") + (("range",) if self.server.no_range else ())
        headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
        upstream = http.client.HTTPConnection(self.server.upstream, timeout=60)
        upstream.request(method, path, body=body, headers=headers)
        resp = upstream.getresponse()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() in PASSED:
                self.send_header(k, v)
        if resp.getheader("Content-Length") is None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        sent = 0
        if method != "HEAD":
            while True:
                data = resp.read(CHUNK)
                if not data:
                    break
                self.wfile.write(data)
                self.wfile.flush()
                sent += len(data)
                if self.server.rate:
                    time.sleep(len(data) / self.server.rate)
        upstream.close()
        return resp.status, sent

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--log")
    p.add_argument("--status", action="append", default=[])
    p.add_argument("--rate", type=int, default=0)
    p.add_argument("--no-range", action="store_true")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    a = p.parse_args()

    host, port = a.listen.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((host, int(port)), Proxy)
    server.daemon_threads = True
    server.upstream = a.upstream
    server.rate = a.rate
    server.no_range = a.no_range
    if a.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(a.tls_cert, a.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.lock = threading.Lock()
    server.log = open(a.log, "a") if a.log else None
    server.statuses = []
    for s in a.status:
        regex, code = s.rsplit("=", 1)
        server.statuses.append((re.compile(regex), int(code)))
    print(f"fault-proxy on {a.listen} → {a.upstream}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
