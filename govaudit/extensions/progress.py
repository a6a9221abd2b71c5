"""Progress of a long run, in the log at a steady interval (like Scrapy's LogStats):
sites finished / total, pages, columns so far, and an ETA. Stats keys live under govaudit/."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from govaudit.runs import AuditRun, current_run

logger = logging.getLogger(__name__)


class ProgressLog:
    def __init__(self, run: AuditRun, stats: Any, interval: float) -> None:
        self.run = run
        self.stats = stats
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.t0 = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressLog:
        interval = crawler.settings.getfloat("GOVAUDIT_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured("GOVAUDIT_PROGRESS_INTERVAL is 0")
        run = current_run(crawler)
        if run is None:
            raise NotConfigured("no audit run")
        ext = cls(run, crawler.stats, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _counts(self) -> tuple[int, int]:
        return int(self.stats.get_value("govaudit/sites_scored", 0)), len(self.run.targets)

    def spider_opened(self, spider: Any) -> None:
        self.t0 = time.monotonic()
        self.stats.set_value("govaudit/sites_total", len(self.run.targets))
        self.loop = task.LoopingCall(self.log)
        self.loop.start(self.interval, now=False)

    def log(self) -> None:
        done, total = self._counts()
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
        self.log()
