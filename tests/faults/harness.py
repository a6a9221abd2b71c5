"""A small crawl driven like the audit spider's requests, for the fault suite (run with `scrapy runspider`).

It attaches a run (govaudit.runs) with the configured registry sites, so every govaudit component sees the
run as in an audit, then: each site's home page; every <a href> on it as a content request (a column, a
pager: `meta["scope"]` = site), every <img src> as a status-only link check (`meta["scope"]` = "link"),
and <a data-render href> rendered in Chromium. Each request's outcome (status, title, or the error and its
scope code, or the rate-limit mark) and the crawl's stats are written to the JSON file `-a out=`.

    python -m scrapy runspider tests/faults/harness.py -a config=CONFIG.json -a out=OUT.json
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy import signals

from govaudit.registry.model import Site
from govaudit.runs import attach_run

TITLE = re.compile(rb"<title>(.*?)</title>", re.S | re.I)


class FaultHarness(scrapy.Spider):
    name = "fault-harness"
    custom_settings: ClassVar[dict[str, Any]] = {"ITEM_PIPELINES": {}, "EXTENSIONS": {"govaudit.extensions.report.ReportOnClose": None,
                                                            "govaudit.extensions.progress.ProgressLog": None}}

    def __init__(self, config: str = "", out: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        cfg = json.loads(Path(config).read_text(encoding="utf-8"))
        self.sites = [Site(**s) for s in cfg["sites"]]
        self.out = Path(out)
        self.outcomes: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> FaultHarness:
        spider = super().from_crawler(crawler, *args, **kwargs)
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from tests.faults.helpers import make_run

        attach_run(crawler, make_run(spider.sites))
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    async def start(self):
        for site in self.sites:
            yield self._req(site.url, site.site_id, "home")

    def _req(self, url: str, site_id: str, kind: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                              meta={"site_id": site_id, "kind": kind, **meta})

    def parse(self, response: Any):
        meta = response.meta
        title = TITLE.search(response.body or b"")
        self.outcomes.append({
            "kind": meta["kind"], "url": response.request.url, "final": response.url, "status": response.status,
            "outcome": "rate-limited" if meta.get("rate_limited") else "fetched",
            "title": title.group(1).decode("utf-8", "replace").strip() if title else "",
            "rate_limited": meta.get("rate_limited"), "tries": meta.get("rate_limit_tries", 0),
            "aborted": meta.get("render_aborted") or [], "body": response.text[:2000] if hasattr(response, "text") else "",
        })
        if meta["kind"] != "home":
            return
        for m in re.finditer(r'<a ([^>]*?)href="([^"]+)"', response.text):
            render = "data-render" in m.group(1)
            yield self._req(response.urljoin(m.group(2)), meta["site_id"], "render" if render else "content",
                            **({"playwright": True} if render else {}))
        for m in re.finditer(r'<img [^>]*?src="([^"]+)"', response.text):
            yield self._req(response.urljoin(m.group(1)), meta["site_id"], "link", scope="link")

    def failed(self, failure: Any):
        request = failure.request
        exc = failure.value
        self.outcomes.append({
            "kind": request.meta["kind"], "url": request.url, "final": None, "status": None,
            "outcome": f"blocked:{exc.code}" if hasattr(exc, "code") else f"error:{type(exc).__name__}",
            "message": str(exc)[:300], "aborted": request.meta.get("render_aborted") or [],
        })

    def _closed(self, spider: Any, reason: str) -> None:
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if isinstance(v, int | float | str)}
        self.out.write_text(json.dumps({"reason": reason, "outcomes": self.outcomes, "stats": stats},
                                       ensure_ascii=False, default=str), encoding="utf-8")
