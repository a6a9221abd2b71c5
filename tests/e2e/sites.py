"""Tiny loopback sites for end-to-end tests that need a specific shape (the demo province covers the rest)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LoopbackSite:
    """Serve a dict of path -> (status, content type, bytes) on 127.0.0.x:port (port 0 = any free)."""

    def __init__(self, pages: dict[str, tuple[int, str, bytes]], host: str = "127.0.0.1") -> None:
        pages_ = pages

        class Handler(BaseHTTPRequestHandler):
            def _send(self, body: bool) -> None:
                status, ctype, data = pages_.get(self.path.split("#")[0], (404, "text/html", b"not found"))
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

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
