"""Extension used by scripts/bench_scale.py: writes every request the downloader is handed (method and URL,
retries left out) to the file named by BENCH_URL_LOG, so a bare spider can fetch exactly the same URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured


class URLLog:
    def __init__(self, path: str) -> None:
        self.out = Path(path).open("a", encoding="utf-8")  # noqa: SIM115 - closed on spider_closed

    @classmethod
    def from_crawler(cls, crawler: Any) -> URLLog:
        path = crawler.settings.get("BENCH_URL_LOG")
        if not path:
            raise NotConfigured("BENCH_URL_LOG not set")
        ext = cls(path)
        crawler.signals.connect(ext.reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def reached(self, request: Any, spider: Any) -> None:
        if not request.meta.get("retry_times"):
            self.out.write(f"{request.method} {request.url}\n")

    def closed(self, spider: Any) -> None:
        self.out.close()
