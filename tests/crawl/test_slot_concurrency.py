"""A site gets at most CONCURRENT_REQUESTS_PER_DOMAIN requests at a time (govaudit.crawl.downloader), and the
connections are reused: real Scrapy under the project's settings, against a loopback server that counts."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

SPIDER = '''
import scrapy

class Burst(scrapy.Spider):
    name = "burst"

    async def start(self):
        for i in range(12):
            yield scrapy.Request(f"{self.url}page/{i}", dont_filter=True)

    def parse(self, response):
        pass
'''


class CountingServer:
    """Answers every GET after 0.3 s; records the most requests in flight at once and the connections opened."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = self.most = self.connections = self.requests = 0
        counter = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with counter.lock:
                    counter.connections += 1

            def do_GET(self) -> None:
                with counter.lock:
                    counter.in_flight += 1
                    counter.requests += 1
                    counter.most = max(counter.most, counter.in_flight)
                time.sleep(0.3)
                body = b"<html><body>ok</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with counter.lock:
                    counter.in_flight -= 1

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.76", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.76:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _burst(tmp_path: Path, *settings: str) -> CountingServer:
    spider = tmp_path / "burst.py"
    spider.write_text(SPIDER, encoding="utf-8")
    server = CountingServer()
    try:
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"url={server.url}",
               "-s", "LOG_LEVEL=WARNING", "-s", f"GOVAUDIT_DATABASE_URL=sqlite:///{tmp_path / 'x.sqlite'}"]
        for s in settings:
            cmd += ["-s", s]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-3000:]
    finally:
        server.close()
    return server


def test_a_site_gets_at_most_its_concurrency_and_keeps_its_connections(tmp_path: Path) -> None:
    server = _burst(tmp_path, "CONCURRENT_REQUESTS_PER_DOMAIN=3")
    assert server.requests == 12
    assert 2 <= server.most <= 3, server.most  # in parallel, but never more than the site's limit
    assert server.connections <= 3, server.connections  # each connection reused, none closed for want of room
