#!/usr/bin/python3
"""A small but real token server for docker-registry's "auth: token:" mode (the distribution spec's
Token Authentication Specification), for berth's auth tests.

GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...] with or without HTTP Basic credentials.
Wrong credentials get 401. Otherwise the answer is an RS256 JWT whose "access" claim grants, of the
actions asked for, those the user's entry allows (anonymous users get nothing), signed with --key and
carrying --cert in its x5c header (docker-registry checks it against its rootcertbundle).

Users come from a JSON file: {"alice": {"password": "...", "access": {"library/*": ["pull", "push"]}}};
repository patterns are fnmatch patterns. Every request is logged to stderr (the journal) in one line.
"""

import argparse
import base64
import binascii
import datetime
import fnmatch
import hmac
import json
import secrets
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

TOKEN_LIFETIME = 300


def parse_scope(scope):
    """'repository:library/busybox:pull,push' -> ('repository', 'library/busybox', ['pull', 'push'])."""
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    if not kind or not name:
        return None
    return kind, name, [a for a in actions.split(",") if a]


class TokenServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, args):
        super().__init__(address, TokenHandler)
        with open(args.key, "rb") as f:
            self.key = f.read()
        with open(args.cert, "rb") as f:
            der = x509.load_pem_x509_certificate(f.read()).public_bytes(Encoding.DER)
        self.x5c = [base64.b64encode(der).decode()]
        with open(args.users, encoding="utf-8") as f:
            self.users = json.load(f)
        self.issuer = args.issuer
        self.service = args.service

    def check_user(self, header):
        """The user name for an Authorization header, None for anonymous; raises PermissionError."""
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            raise PermissionError("unsupported authorization scheme")
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as e:
            raise PermissionError("malformed credentials") from e
        entry = self.users.get(user)
        if not entry or not hmac.compare_digest(entry["password"].encode(), password.encode()):
            raise PermissionError("incorrect username or password")
        return user

    def granted(self, user, scopes):
        access = []
        allowed = self.users.get(user, {}).get("access", {}) if user else {}
        for scope in scopes:
            parsed = parse_scope(scope)
            if not parsed or parsed[0] != "repository":
                continue
            kind, name, actions = parsed
            ok = set()
            for pattern, permitted in allowed.items():
                if fnmatch.fnmatchcase(name, pattern):
                    ok.update(permitted)
            actions = [a for a in actions if a in ok]
            if actions:
                access.append({"type": kind, "name": name, "actions": actions})
        return access

    def token(self, user, access):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": user or "",
            "aud": self.service,
            "exp": now + TOKEN_LIFETIME,
            "nbf": now - 10,
            "iat": now,
            "jti": secrets.token_hex(16),
            "access": access,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"x5c": self.x5c})


class TokenHandler(BaseHTTPRequestHandler):
    server_version = "berth-test-token-server"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        sys.stderr.write("%s\n" % (format % args))

    def answer(self, status, body, extra=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # pylint: disable=invalid-name
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            self.answer(404, {"errors": [{"code": "NOT_FOUND", "message": "not found"}]})
            return
        query = urllib.parse.parse_qs(url.query)
        service = query.get("service", [""])[0]
        if service != self.server.service:
            self.answer(400, {"errors": [{"code": "BAD_REQUEST", "message": "unknown service %r" % service}]})
            return
        try:
            user = self.server.check_user(self.headers.get("Authorization"))
        except PermissionError as e:
            sys.stderr.write("token: refused: %s\n" % e)
            self.answer(
                401,
                {"errors": [{"code": "UNAUTHORIZED", "message": str(e)}], "details": str(e)},
                {"WWW-Authenticate": 'Basic realm="berth test token server"'},
            )
            return
        access = self.server.granted(user, query.get("scope", []))
        sys.stderr.write("token: user=%s access=%s\n" % (user or "(anonymous)", json.dumps(access)))
        token = self.server.token(user, access)
        issued = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.answer(
            200, {"token": token, "access_token": token, "expires_in": TOKEN_LIFETIME, "issued_at": issued}
        )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", default="127.0.0.1:5003", help="address:port")
    p.add_argument("--key", required=True, help="PEM RSA private key that signs the tokens")
    p.add_argument("--cert", required=True, help="PEM certificate of that key (in the registry's bundle)")
    p.add_argument("--issuer", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--users", required=True, help="JSON file of users, passwords and access")
    args = p.parse_args()
    host, _, port = args.listen.rpartition(":")
    TokenServer((host, int(port)), args).serve_forever()


if __name__ == "__main__":
    main()
