"""A tiny OpenID provider on loopback, for tests: authorization, token, userinfo and JWKS.

It signs ID tokens with an RS256 key made for the test, checks the client's
secret, the redirect URI and the PKCE verifier, and answers userinfo for the
access token it issued. Real HTTP on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class LoopbackProvider:
    def __init__(self, *, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.claims: dict[str, Any] = {}  # what the next sign-in asserts (email, ...)
        self.kid = "loopback-1"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        self._jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        self._codes: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self.token_requests = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _send(self, status: int, body: Any = None, headers: dict | None = None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/authorize":
                    return provider._authorize(self, parse_qs(url.query))
                if url.path == "/userinfo":
                    return provider._userinfo(self)
                if url.path == "/jwks":
                    return self._send(200, {"keys": [provider._jwk]})
                return self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                if urlsplit(self.path).path == "/token":
                    return provider._token(self, form)
                return self._send(404, {"error": "not_found"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def settings(self) -> dict[str, Any]:
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base}/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256",
        }

    def __enter__(self) -> LoopbackProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # the endpoints
    def _authorize(self, handler: Any, query: dict[str, list[str]]) -> None:
        q = {k: v[0] for k, v in query.items()}
        if q.get("client_id") != self.client_id or q.get("response_type") != "code":
            return handler._send(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self._codes[code] = {
            "nonce": q.get("nonce"),
            "redirect_uri": q["redirect_uri"],
            "challenge": q.get("code_challenge"),
            "claims": dict(self.claims),
        }
        target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
        return handler._send(302, None, {"Location": target})

    def _token(self, handler: Any, form: dict[str, list[str]]) -> None:
        self.token_requests += 1
        f = {k: v[0] for k, v in form.items()}
        grant = self._codes.pop(f.get("code", ""), None)
        if (
            grant is None
            or f.get("client_id") != self.client_id
            or f.get("client_secret") != self.client_secret
            or f.get("redirect_uri") != grant["redirect_uri"]
        ):
            return handler._send(400, {"error": "invalid_grant"})
        verifier = f.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return handler._send(400, {"error": "invalid_grant", "detail": "PKCE"})
        now = int(time.time())
        claims = grant["claims"]
        id_token = jwt.encode(
            {
                "iss": self.base,
                "sub": claims.get("sub", "subject-1"),
                "aud": self.client_id,
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                "email": claims.get("email"),
            },
            self._private_pem,
            algorithm="RS256",
            headers={"kid": self.kid},
        )
        access = secrets.token_urlsafe(16)
        self._tokens[access] = claims
        return handler._send(
            200, {"access_token": access, "token_type": "Bearer", "id_token": id_token}
        )

    def _userinfo(self, handler: Any) -> None:
        auth = handler.headers.get("Authorization", "")
        claims = self._tokens.get(auth.removeprefix("Bearer "))
        if claims is None:
            return handler._send(401, {"error": "invalid_token"})
        return handler._send(200, {"sub": claims.get("sub", "subject-1"), **claims})
