"""Serve the demo province on loopback: every site on its own address 127.0.x.y (so the sites are distinct
hosts for a crawler's per-host politeness), all on one port, in one process.

One thread accepts connections on every listening socket (a selector over all of them, however many sites);
each connection is served by a short-lived thread (HTTP/1.1 keep-alive, closed after ``IDLE_TIMEOUT``).
Pages are sent byte for byte as the province built them (a GBK site's bytes are GBK and its Content-Type has
no charset). Marker links ``http://demo-ext.invalid/<target>/`` are rewritten to the loopback base URL of the
target (the www.gov.cn-like stand-in, or another demo site) as they are sent.

Like a static CMS's web server, every 200 answer carries validators: ``ETag`` (a digest of the bytes) and
``Last-Modified`` (the server's date when it first sent those bytes at that path), and a conditional GET
(``If-None-Match`` / ``If-Modified-Since``) of an unchanged page is answered ``304 Not Modified``.
A simulation (govaudit.demo.timeline) moves the server to another day with ``serve_day(province, down)``:
the same addresses serve the new day's pages, and the sites in ``down`` reset every connection.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import email.utils
import errno
import hashlib
import logging
import re
import selectors
import socket
import socketserver
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from govaudit.demo.model import EXT_HOST, NATIONAL, DemoSite, Response
from govaudit.demo.province import Province

logger = logging.getLogger(__name__)

_MARKER = re.compile(rb"http://" + re.escape(EXT_HOST.encode()) + rb"/([0-9A-Za-z_-]+)/")
_NOT_FOUND = Response(404, "text/html; charset=utf-8", b"<html><body><h1>404 Not Found</h1></body></html>")
REGISTRY_FIELDS = ("site_id", "name", "url", "organizer", "region", "level", "kind", "status", "has_services")
IDLE_TIMEOUT = 60  # seconds a keep-alive connection may stay idle (nginx: 75)
FREE_PORT_ATTEMPTS = 10


class PortTaken(OSError):
    """The fixed port is already in use on one of the demo's addresses."""


class _SiteServer(ThreadingHTTPServer):
    """The listening socket of one site; connections are accepted by DemoServer's selector thread."""

    daemon_threads = True
    block_on_close = False  # stop() closes the connections itself
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: DemoSite, owner: DemoServer) -> None:
        self.site = site
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away (reset, broken pipe) is normal; anything else goes to the log."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            logger.exception("demo server: request from %s failed", client_address)

    def server_bind(self) -> None:
        """HTTPServer's, without its reverse DNS lookup of the address (slow for hundreds of sites)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DemoGov/1.0"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    server: _SiteServer
    _server_header = ""

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, True)

    def finish(self) -> None:
        self.server.owner._track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    def handle(self) -> None:
        if self.server.owner.is_down(self.server.site.site_id):
            # an outage: the connection is reset (SO_LINGER 0) before anything is read or sent
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        super().handle()

    def _respond(self, send_body: bool, form: str = "") -> None:
        parts = urlsplit(self.path)
        query = "&".join(q for q in (parts.query, form) if q)
        path = (parts.path or "/") + (f"?{query}" if query else "")
        site = self.server.site
        resp = site.response(path) or _NOT_FOUND
        body = self.server.owner.rewrite(resp.body)
        self._server_header = next((v for k, v in resp.headers if k.lower() == "server"), "")
        validators: list[tuple[str, str]] = []
        if resp.status == 200:
            etag, modified = self.server.owner.validators(site.site_id, path, body)
            validators = [("ETag", etag), ("Last-Modified", email.utils.format_datetime(modified, usegmt=True))]
            if self.command in ("GET", "HEAD") and _not_modified(self.headers, etag, modified):
                self.send_response(304)
                for name, value in validators:
                    self.send_header(name, value)
                self.end_headers()
                return
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in [*resp.headers, *validators]:
            if name.lower() != "server":
                self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def version_string(self) -> str:
        return self._server_header or self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The province lives on its as-of date: its Date header says that day (at the real time of day),
        so "3小时前" and year-less dates on its pages read as they would have on that day."""
        now = dt.datetime.now(dt.UTC)
        day = self.server.owner.province.asof
        return email.utils.format_datetime(now.replace(year=day.year, month=day.month, day=day.day), usegmt=True)

    def do_GET(self) -> None:
        self._respond(True)

    def do_HEAD(self) -> None:
        self._respond(False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        form = ""
        if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            form = data.decode("ascii", "replace")
        self._respond(True, form)

    def log_message(self, format: str, *args: object) -> None:
        return


def _not_modified(headers: object, etag: str, modified: dt.datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    inm = headers.get("If-None-Match")  # type: ignore[attr-defined]
    if inm:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag in tags
    ims = headers.get("If-Modified-Since")  # type: ignore[attr-defined]
    if ims:
        try:
            since = email.utils.parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and modified <= since
    return False


class DemoServer:
    """Serves every running site of a province (plus the www.gov.cn-like stand-in) on loopback.

    ``port`` is the one port of every address; 0 picks a free one (``port`` is the bound one once started,
    so a restart binds the same one). A fixed port that is taken on any
    address raises ``PortTaken`` (a crawl resumed later must find the same URLs, so no silent fallback)."""

    def __init__(self, province: Province, port: int = 0) -> None:
        self.province = province
        self.port = port
        self.base_urls: dict[str, str] = {}  # every registry site (unserved ones: where nothing listens)
        self.national_url = ""
        self._servers: list[_SiteServer] = []
        self._links: dict[bytes, bytes] = {}
        self._loop: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._down: frozenset[str] = frozenset()
        self._versions: dict[tuple[str, str], tuple[str, dt.datetime]] = {}  # (site, path) -> ETag, since

    def clock(self) -> dt.datetime:
        """The server's "now" for Last-Modified: 08:00 UTC of the served province's as-of date."""
        return dt.datetime.combine(self.province.asof, dt.time(8), tzinfo=dt.UTC)

    def validators(self, site_id: str, path: str, body: bytes) -> tuple[str, dt.datetime]:
        """ETag of `body`, and when these bytes were first served at this path (kept across days)."""
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        with self._lock:
            known = self._versions.get((site_id, path))
            if known is None or known[0] != etag:
                known = self._versions[(site_id, path)] = (etag, self.clock())
        return known

    def is_down(self, site_id: str) -> bool:
        return site_id in self._down

    def serve_day(self, province: Province, down: set[str] | frozenset[str] = frozenset()) -> None:
        """Serve `province` (another day of the same sites, same addresses) from now on; the sites in `down`
        reset every connection. A site must have been served before (its address is listening)."""
        by_id = {s.site_id: s for s in province.sites}
        with self._lock:
            self.province = province
            self._down = frozenset(down)
            for server in self._servers:
                if server.site.site_id in by_id:
                    server.site = by_id[server.site.site_id]

    @staticmethod
    def host(site: DemoSite) -> str:
        return site.address

    def rewrite(self, body: bytes) -> bytes:
        """Marker links to the loopback base URL of their target."""
        if EXT_HOST.encode() not in body:
            return body
        return _MARKER.sub(lambda m: self._links.get(m.group(1), m.group(0)), body)

    def _served(self) -> list[DemoSite]:
        return [self.province.national] + [s for s in self.province.sites if s.served]

    def _bind_all(self, port: int) -> None:
        """Listen on every served address at ``port`` (0: the first address picks it)."""
        for site in self._served():
            try:
                server = _SiteServer((self.host(site), port), site, self)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise PortTaken(exc.errno, f"port {port} is taken on {self.host(site)}") from exc
                raise
            self._servers.append(server)
            port = port or server.server_address[1]

    def start(self) -> dict[str, str]:
        """Bind every site and start serving (non-blocking); returns site_id -> base URL for all registry
        sites. Raises ``PortTaken`` when a fixed port is in use on one of the addresses."""
        if self._servers:
            return dict(self.base_urls)
        for attempt in range(FREE_PORT_ATTEMPTS if self.port == 0 else 1):
            try:
                self._bind_all(self.port)
                break
            except PortTaken:
                self._close_listeners()
                if self.port != 0 or attempt == FREE_PORT_ATTEMPTS - 1:
                    raise
            except BaseException:
                self._close_listeners()
                raise
        port = self.port = self._servers[0].server_address[1]
        for server in self._servers:
            url = f"http://{self.host(server.site)}:{port}/"
            if server.site is self.province.national:
                self.national_url = url
            else:
                self.base_urls[server.site.site_id] = url
        for site in self.province.sites:
            if site.site_id not in self.base_urls:
                self.base_urls[site.site_id] = f"http://{self.host(site)}:{self._closed_port(site, port)}/"
        self._links = {NATIONAL.encode(): self.national_url.encode()}
        self._links.update((sid.encode(), url.encode()) for sid, url in self.base_urls.items())
        self._wake = socket.socketpair()
        self._loop = threading.Thread(target=self._accept_loop, name="demo-accept", daemon=True)
        self._loop.start()
        return dict(self.base_urls)

    def _accept_loop(self) -> None:
        assert self._wake is not None
        with selectors.DefaultSelector() as selector:
            for server in self._servers:
                selector.register(server.socket, selectors.EVENT_READ, server)
            selector.register(self._wake[0], selectors.EVENT_READ, None)
            while True:
                for key, _ in selector.select():
                    server = key.data
                    if server is None:  # stop()
                        return
                    try:
                        conn, addr = server.socket.accept()
                    except OSError:
                        continue
                    try:
                        server.process_request(conn, addr)  # a thread for this connection
                    except Exception:
                        server.handle_error(conn, addr)
                        server.shutdown_request(conn)

    def _track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            if alive:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _closed_port(self, site: DemoSite, port: int) -> int:
        """``port`` if nothing listens on the site's address there, else a port that was just free."""
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((self.host(site), port)) != 0:
                return port
        with socket.socket() as s:
            s.bind((self.host(site), 0))
            return int(s.getsockname()[1])

    def _close_listeners(self) -> None:
        for server in self._servers:
            server.server_close()
        self._servers.clear()

    def stop(self) -> None:
        """Stop accepting, close open connections and release every socket (idempotent)."""
        if self._loop is not None and self._wake is not None:
            self._wake[1].send(b"x")
            self._loop.join(timeout=5)
            for s in self._wake:
                s.close()
        self._loop, self._wake = None, None
        with self._lock:
            open_connections = list(self._connections)
        for conn in open_connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._close_listeners()

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
