"""In-process tests of the Scrapy adapters (spider, pipelines, extensions): a crawler built with
`scrapy.utils.test.get_crawler` on the project's settings, a real SQLite file, saved pages as responses,
signals fired by hand. No subprocess, no network: a component change is tested in seconds."""

from __future__ import annotations

import asyncio
import contextlib
import csv
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

import govaudit.settings as project_settings
from govaudit.spiders.audit import AuditSpider

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "pages"

REGISTRY_HEADER = ["site_id", "name", "url", "organizer", "region", "level", "kind", "status"]


def write_registry(path: Path, rows: Iterable[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=REGISTRY_HEADER)
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in REGISTRY_HEADER})
    return path


def site_row(site_id: str, url: str, **kw: str) -> dict[str, str]:
    return {"site_id": site_id, "name": kw.get("name", f"测试网站{site_id}"), "url": url,
            "organizer": kw.get("organizer", "测试市人民政府办公室"), "region": kw.get("region", "测试市"),
            "level": kw.get("level", "市级"), "kind": kw.get("kind", "portal"), "status": kw.get("status", "running")}


def project_dict(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    values = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    values.update(
        GOVAUDIT_DATABASE_URL=f"sqlite:///{tmp_path / 'govaudit.sqlite'}",
        GOVAUDIT_REPORTS_DIR=str(tmp_path / "reports"),
        GOVAUDIT_REDIS_URL="",
        GOVAUDIT_PROGRESS_INTERVAL=0.0,
        DOWNLOAD_HANDLERS={},  # no browser in the in-process tier
        GOVAUDIT_PARSE_WORKERS=0,  # pages parsed in the test's thread (callbacks driven by hand)
        LOG_LEVEL="WARNING",
    )
    values.update(overrides)
    return values


class Harness:
    """A crawler with its audit spider, extensions and pipelines, driven by hand."""

    def __init__(self, crawler: Any, spider: AuditSpider) -> None:
        self.crawler = crawler
        self.spider = spider
        self.extensions: dict[str, Any] = {}
        self.pipelines: list[Any] = []

    def build(self) -> Harness:
        """Extensions, then pipelines, in priority order, as Scrapy builds them."""
        for path, prio in sorted(self.crawler.settings.getdict("EXTENSIONS").items(), key=lambda kv: kv[1] or 0):
            if prio is None:
                continue
            with contextlib.suppress(NotConfigured):
                self.extensions[path.rsplit(".", 1)[1]] = build_from_crawler(load_object(path), self.crawler)
        for path, _prio in sorted(self.crawler.settings.getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1]):
            self.pipelines.append(build_from_crawler(load_object(path), self.crawler))
        return self

    def feed(self, outputs: Iterable[Any] | AsyncIterator[Any], source: Any = None) -> list[Request]:
        """Pass a callback's outputs on: items through every pipeline (then `item_scraped`, as Scrapy signals
        it, with the response or failure `source` they came from), requests returned. Asynchronous outputs (a
        settled callback waits for its items' signals) are driven on a loop of their own."""
        if isinstance(outputs, AsyncIterator):
            loop = asyncio.new_event_loop()
            try:
                return loop.run_until_complete(self._feed_async(outputs, source))
            finally:
                loop.close()
        return [r for r in (self._pass(out, source) for out in outputs) if r is not None]

    async def _feed_async(self, outputs: AsyncIterator[Any], source: Any) -> list[Request]:
        return [r for r in [self._pass(out, source) async for out in outputs] if r is not None]

    def _pass(self, out: Any, source: Any) -> Request | None:
        if isinstance(out, Request):
            return out
        for p in self.pipelines:
            out = p.process_item(out)
        self.crawler.signals.send_catch_log(signal=signals.item_scraped, item=out, response=source,
                                            spider=self.spider)
        return None

    def respond(self, request: Request, body: bytes, status: int = 200, url: str | None = None) -> list[Request]:
        response = HtmlResponse(url=url or request.url, body=body, status=status, request=request,
                                headers={"Content-Type": "text/html; charset=utf-8"})
        return self.feed(request.callback(response), response)

    def close(self, reason: str) -> None:
        for p in self.pipelines:
            if hasattr(p, "close_spider"):
                p.close_spider()
        # as the engine sends it: every handler awaited (the report waits for the screenshots' close step)
        asyncio.run(self.crawler.signals.send_catch_log_async(signal=signals.spider_closed, spider=self.spider,
                                                              reason=reason))


@pytest.fixture
def harness(tmp_path: Path) -> Callable[..., Harness]:
    def make(rows: list[dict[str, str]], settings: dict[str, Any] | None = None, **args: str) -> Harness:
        registry = write_registry(tmp_path / "registry.csv", rows)
        crawler = get_crawler(AuditSpider, project_dict(tmp_path, **(settings or {})))
        spider = AuditSpider.from_crawler(crawler, registry=str(registry), **args)
        crawler.spider = spider
        return Harness(crawler, spider).build()

    return make
