"""A loopback HTTP proxy that lets through only requests carrying `Authorization: Bearer <token>`,
as deploy/chroma-auth.conf.template does in front of Chroma's server (which checks no credentials
itself); it records the Authorization header of every request it saw."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

REFUSAL = b'{"error": "AuthorizationError", "message": "This Chroma server wants a token: set BRANDBOT_CHROMA_TOKEN."}'
"""The template's answer to a request without the token."""
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"}


class TokenProxy:
    def __init__(self, upstream: str, token: str) -> None:
        self.upstream = upstream
        self.token = token
        self.seen: list[str | None] = []
        self._server: ThreadingHTTPServer | None = None
        self._client = httpx.Client(base_url=upstream, timeout=60)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        proxy, client = self, self._client

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                authorization = self.headers.get("Authorization")
                proxy.seen.append(authorization)
                if authorization != f"Bearer {proxy.token}":
                    self.send_response(401)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(REFUSAL)))
                    self.end_headers()
                    self.wfile.write(REFUSAL)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {key: value for key, value in self.headers.items() if key.lower() not in HOP_BY_HOP}
                answer = client.request(self.command, self.path, content=body, headers=headers)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in HOP_BY_HOP and key.lower() != "content-encoding":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._client.close()


@contextmanager
def token_proxy(upstream: str, token: str) -> Iterator[TokenProxy]:
    proxy = TokenProxy(upstream, token)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
