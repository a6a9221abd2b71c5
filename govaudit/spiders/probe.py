"""The probe spider: one fetch of every running site's home page with the rubric's 15 s limit.

Run it from cron at least 20 times a day (`scrapy crawl probe`); the audit computes each site's
failure ratio over the 7 days before its as-of date from these rows."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from govaudit.extract.encoding import decode_html
from govaudit.extract.features import looks_blocked
from govaudit.items import ProbeItem
from govaudit.registry import RegistryError
from govaudit.registry.model import Registry
from govaudit.registry.source import resolve_registry
from govaudit.spiders.args import ArgumentError

logger = logging.getLogger(__name__)


class ProbeSpider(scrapy.Spider):
    name = "probe"
    custom_settings = {  # noqa: RUF012 (Scrapy reads it from the class)
        "ITEM_PIPELINES": {"govaudit.pipelines.store.StorePipeline": 500},
        "EXTENSIONS": {"govaudit.extensions.report.ReportOnClose": None},
        "RETRY_ENABLED": False,  # a failed probe is the measurement
        "DOWNLOAD_TIMEOUT": 15,
    }

    def __init__(self, registry: str | None = None, site: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._registry_arg = registry
        self._site_arg = site

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ProbeSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider.registry = resolve_registry(spider._registry_arg, crawler.settings)
            wanted = {s.strip() for s in (spider._site_arg or "").split(",") if s.strip()}
            unknown = wanted - set(spider.registry.by_id())
            if unknown:
                raise ArgumentError(f"site={','.join(sorted(unknown))}: not in registry {spider.registry.source}")
            spider.wanted = wanted
        except (ArgumentError, RegistryError) as exc:
            logger.error("govaudit: %s", exc)
            raise SystemExit(f"govaudit: {exc}") from None
        return spider

    registry: Registry
    wanted: set[str]

    async def start(self):
        for site in self.registry.running():
            if self.wanted and site.site_id not in self.wanted:
                continue
            yield scrapy.Request(site.url, callback=self.parse, errback=self.failed, dont_filter=True,
                                 meta={"site_id": site.site_id, "t0": time.monotonic(), "download_timeout": 15})

    def parse(self, response: Response):
        text, _ = decode_html(response.body[:200_000], None)
        ok = response.status < 500 and not looks_blocked(response.status, text) and response.status != 404
        yield ProbeItem(site_id=response.meta["site_id"], url=response.url, at=_now(), ok=ok,
                        status=response.status, elapsed=round(time.monotonic() - response.meta["t0"], 3),
                        error="" if ok else f"HTTP {response.status}")

    def failed(self, failure: Failure):
        request = failure.request  # type: ignore[attr-defined]
        yield ProbeItem(site_id=request.meta["site_id"], url=request.url, at=_now(), ok=False, status=None,
                        elapsed=round(time.monotonic() - request.meta["t0"], 3),
                        error=type(failure.value).__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
