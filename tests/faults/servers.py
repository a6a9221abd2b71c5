"""Hostile sites on loopback: a route table per host, and a count of every request each host received (so a
test can assert that a host out of scope was never asked for anything)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# a route answers (status, headers, body) for (method, path, the host's hit counter for that path)
Route = Callable[[str, str, int], tuple[int, dict[str, str], bytes]]


def page(body: str | bytes, status: int = 200, **headers: str) -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda method, path, n: (status, {"Content-Type": "text/html; charset=utf-8", **headers}, data)


def redirect(location: str, status: int = 302) -> Route:
    return lambda method, path, n: (status, {"Location": location}, b"")


def rate_limited(first: int, retry_after: str, then: Route) -> Route:
    """429 with Retry-After for the first ``first`` requests of the path, then ``then``."""
    def route(method: str, path: str, n: int) -> tuple[int, dict[str, str], bytes]:
        if n <= first:
            return 429, {"Retry-After": retry_after, "Content-Type": "text/html"}, b"<h1>Too Many Requests</h1>"
        return then(method, path, n)
    return route


class HostileSite:
    """Serve ``routes`` (path -> Route) on ``host``:any free port until stopped."""

    def __init__(self, host: str, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.hits: Counter[str] = Counter()
        self.bytes_sent = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def _serve(self, body: bool) -> None:
                path = self.path.split("#")[0]
                site.hits[path] += 1
                route = site.routes.get(path) or site.routes.get(path.split("?")[0])
                status, headers, data = route(self.command, path, site.hits[path]) if route else (
                    404, {"Content-Type": "text/html"}, b"not found")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)
                    site.bytes_sent += len(data)

            def do_GET(self) -> None:
                self._serve(True)

            def do_HEAD(self) -> None:
                self._serve(False)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.host = host
        self.port = self.server.server_address[1]
        self.base = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def total_hits(self) -> int:
        return sum(self.hits.values())

    def __enter__(self) -> HostileSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
