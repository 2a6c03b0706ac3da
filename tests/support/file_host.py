"""A web server on loopback that is not the Slack stand-in: another host a file object can point
at, or Slack's file host serving an answer of unknown length."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FileHost:
    """A web server on loopback that is not the stand-in. It records every request with its
    Authorization header, serves each path chunked without a Content-Length (so only the
    client's own count can stop it), or redirects it elsewhere."""

    files: dict[str, bytes] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    """Bytes written to the socket per path (what the client read, plus what the buffers held)."""

    def start(self) -> None:
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                host.requests.append((self.path, self.headers.get("Authorization")))
                if self.path in host.redirects:
                    self.send_response(302)
                    self.send_header("Location", host.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = host.files.get(self.path, b"")
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for start in range(0, len(data), 64 * 1024):
                        piece = data[start : start + 64 * 1024]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        host.sent[self.path] = host.sent.get(self.path, 0) + len(piece)
                    self.wfile.write(b"0\r\n\r\n")
                except ConnectionError:
                    self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def file(self, name: str, data: bytes, **fields: Any) -> dict[str, Any]:
        """A Slack file object whose download address is on this host."""
        path = f"/files-pri/T0-F{len(self.files)}/download/{name}"
        self.files[path] = data
        return {"id": f"F{len(self.files)}", "name": name, "url_private_download": self.url + path, **fields}
