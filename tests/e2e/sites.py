"""Tiny loopback sites for end-to-end tests that need a specific shape (the demo province covers the rest)."""

from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class LoopbackSite:
    """Serve a dict of path -> (status, content type, bytes) on 127.0.0.x:port (port 0 = any free).

    A form POST is answered from the key ``"POST <path> <body>"`` (a list endpoint asked with a form), else
    ``"POST <path> <__EVENTARGUMENT>"`` (an ASP.NET pager posting back);
    ``tls=(certfile, keyfile)`` serves https with that certificate."""

    def __init__(self, pages: dict[str, tuple[int, str, bytes]], host: str = "127.0.0.1",
                 tls: tuple[str, str] | None = None) -> None:
        pages_ = pages

        class Handler(BaseHTTPRequestHandler):
            def _send(self, body: bool, key: str | None = None) -> None:
                key = key or self.path.split("#")[0]
                status, ctype, data = pages_.get(key, (404, "text/html", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_GET(self) -> None:
                self._send(True)

            def do_HEAD(self) -> None:
                self._send(False)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                key = f"POST {self.path} {raw}"
                if key not in pages_:
                    key = f"POST {self.path} {parse_qs(raw).get('__EVENTARGUMENT', [''])[0]}"
                self._send(True, key)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://{host}:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
