"""Serve the demo province on loopback: one threaded HTTP server per site, each on its own address
127.0.0.N (so the sites are distinct hosts), all on the same port when it is free there.

Pages are sent byte for byte as the province built them (a GBK site's bytes are GBK and its
Content-Type has no charset). Marker links ``http://demo-ext.invalid/<target>/`` are rewritten to the
loopback base URL of the target (the www.gov.cn-like stand-in, or another demo site) as they are sent.
"""

from __future__ import annotations

import csv
import errno
import logging
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from govaudit.demo.model import EXT_HOST, NATIONAL, DemoSite, Response
from govaudit.demo.province import Province

logger = logging.getLogger(__name__)

_MARKER = re.compile(rb"http://" + re.escape(EXT_HOST.encode()) + rb"/([0-9A-Za-z_-]+)/")
REGISTRY_FIELDS = ("site_id", "name", "url", "organizer", "region", "level", "kind", "status", "has_services")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _handler(site: DemoSite, links: dict[bytes, bytes]) -> type[BaseHTTPRequestHandler]:
    def rewrite(body: bytes) -> bytes:
        if EXT_HOST.encode() not in body:
            return body
        return _MARKER.sub(lambda m: links.get(m.group(1), m.group(0)), body)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "DemoGov/1.0"
        sys_version = ""

        def _respond(self, send_body: bool, form: str = "") -> None:
            parts = urlsplit(self.path)
            query = "&".join(q for q in (parts.query, form) if q)
            path = (parts.path or "/") + (f"?{query}" if query else "")
            resp: Response | None = site.response(path)
            if resp is None:
                resp = Response(404, "text/html; charset=utf-8", b"<html><body><h1>404 Not Found</h1></body></html>")
            body = rewrite(resp.body)
            extra = [(k, v) for k, v in resp.headers if k.lower() != "server"]
            self._server_header = next((v for k, v in resp.headers if k.lower() == "server"), "")
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in extra:
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def version_string(self) -> str:
            return self._server_header or self.server_version

        _server_header = ""

        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            self._respond(True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._respond(False)

        def do_POST(self) -> None:  # noqa: N802 - forms and Hanweb dataproxy: form fields act as query
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else b""
            form = ""
            if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                form = data.decode("ascii", "replace")
            self._respond(True, form)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            return

    return Handler


class DemoServer:
    """Serves every running site of a province (plus the www.gov.cn-like stand-in) on loopback."""

    def __init__(self, province: Province, port: int = 0, host_prefix: str = "127.0.0.") -> None:
        self.province = province
        self.port = port
        self.host_prefix = host_prefix
        self.base_urls: dict[str, str] = {}  # every registry site (unserved ones: where nothing listens)
        self.national_url = ""
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._links: dict[bytes, bytes] = {}

    def host(self, site: DemoSite) -> str:
        return f"{self.host_prefix}{site.address}"

    def _bind(self, site: DemoSite, port: int) -> _Server:
        handler = _handler(site, self._links)
        try:
            return _Server((self.host(site), port), handler)
        except OSError as exc:
            if port == 0 or exc.errno != errno.EADDRINUSE:
                raise
            logger.warning("demo: port %d busy on %s, using another one", port, self.host(site))
            return _Server((self.host(site), 0), handler)

    def start(self) -> dict[str, str]:
        """Bind and start every server (non-blocking); returns site_id -> base URL for all registry sites."""
        if self._servers:
            return dict(self.base_urls)
        port = self.port
        served = [self.province.national] + [s for s in self.province.sites if s.served]
        try:
            for site in served:
                server = self._bind(site, port)
                port = port or server.server_address[1]
                self._servers.append(server)
                url = f"http://{self.host(site)}:{server.server_address[1]}/"
                if site is self.province.national:
                    self.national_url = url
                else:
                    self.base_urls[site.site_id] = url
        except BaseException:
            self.stop()
            raise
        for site in self.province.sites:
            if site.site_id not in self.base_urls:
                self.base_urls[site.site_id] = f"http://{self.host(site)}:{self._closed_port(site, port)}/"
        self._links[NATIONAL.encode()] = self.national_url.encode()
        for sid, url in self.base_urls.items():
            self._links[sid.encode()] = url.encode()
        for server in self._servers:
            t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                 name=f"demo-{server.server_address[0]}", daemon=True)
            t.start()
            self._threads.append(t)
        return dict(self.base_urls)

    def _closed_port(self, site: DemoSite, port: int) -> int:
        """``port`` if nothing listens on the site's address there, else a port that was just free."""
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((self.host(site), port)) != 0:
                return port
        with socket.socket() as s:
            s.bind((self.host(site), 0))
            return s.getsockname()[1]

    def stop(self) -> None:
        """Stop every server and release its socket (idempotent)."""
        for i, server in enumerate(self._servers):
            if i < len(self._threads):  # serve_forever() runs: shutdown() waits for its loop to end
                server.shutdown()
            server.server_close()
        for t in self._threads:
            t.join(timeout=2)
        self._servers.clear()
        self._threads.clear()

    def write_registry(self, path: Path) -> Path:
        """CSV (UTF-8) of every registry row, offline and refusing sites included."""
        if not self.base_urls:
            raise RuntimeError("DemoServer.write_registry: start() the server first")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(REGISTRY_FIELDS))
            writer.writeheader()
            for row in self.province.registry_rows(self.base_urls):
                writer.writerow(row)
        return path

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
