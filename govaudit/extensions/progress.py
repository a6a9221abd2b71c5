"""Progress of a long run, in the log at a steady interval (like Scrapy's LogStats):
sites finished / total, pages, findings so far, and an ETA. Stats keys live under govaudit/."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)


class ProgressLog:
    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.t0 = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressLog:
        interval = crawler.settings.getfloat("GOVAUDIT_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured("GOVAUDIT_PROGRESS_INTERVAL is 0")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _counts(self, spider: Any) -> tuple[int, int]:
        total = len(getattr(spider, "targets", []) or [])
        done = int(self.stats.get_value("govaudit/sites_scored", 0))
        return done, total

    def spider_opened(self, spider: Any) -> None:
        self.t0 = time.monotonic()
        self.stats.set_value("govaudit/sites_total", self._counts(spider)[1])
        self.loop = task.LoopingCall(self.log, spider)
        self.loop.start(self.interval, now=False)

    def log(self, spider: Any) -> None:
        done, total = self._counts(spider)
        pages = self.stats.get_value("response_received_count", 0)
        columns = self.stats.get_value("govaudit/columns", 0)
        elapsed = time.monotonic() - self.t0
        eta = "?"
        if done and total > done:
            eta = f"{(elapsed / done) * (total - done):.0f}s"
        elif total and done >= total:
            eta = "0s"
        logger.info("govaudit progress: sites %d/%d, pages %d, columns %d, ETA %s", done, total, pages, columns, eta)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        sites = getattr(spider, "sites", {}) or {}
        unfinished = sorted(sid for sid, sc in sites.items() if not getattr(sc, "finished", True))
        done_before = getattr(spider, "skipped_done", set())  # finished in an earlier part of a resumed run
        never = sorted(s.site_id for s in getattr(spider, "targets", [])
                       if s.site_id not in sites and s.site_id not in done_before)
        left = unfinished + never
        self.stats.set_value("govaudit/sites_unfinished", len(left))
        if left and reason != "finished":
            logger.warning("govaudit: run closed (%s) with %d site(s) unfinished: %s", reason, len(left),
                           ", ".join(left[:50]))
        self.log(spider)
