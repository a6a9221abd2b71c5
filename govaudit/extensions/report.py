"""Render the run's report bundle when the crawl closes (after every pipeline has flushed).

Also records how the run ended: a crawl closed for any reason but "finished" is marked interrupted,
so a later `JOBDIR` resume or `scrapy report` knows it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals

from govaudit.store.db import get_engine
from govaudit.store.writer import get_writer

logger = logging.getLogger(__name__)


class ReportOnClose:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.reports_dir = Path(settings.get("GOVAUDIT_REPORTS_DIR"))
        self.templates_dir = Path(settings.get("GOVAUDIT_TEMPLATES_DIR"))
        self.enabled = settings.getbool("GOVAUDIT_REPORT_ON_CLOSE")

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReportOnClose:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        run_id = getattr(spider, "run_id", None)
        if not run_id or not hasattr(spider, "run_record"):
            return
        writer = get_writer(self.crawler)
        writer.finish_run(run_id, "finished" if reason == "finished" else "interrupted")
        if not self.enabled:
            return
        from govaudit.reporting.render import render_bundle

        try:
            engine = get_engine(self.crawler.settings.get("GOVAUDIT_DATABASE_URL"))
            path = render_bundle(engine, run_id, self.reports_dir, self.templates_dir)
        except Exception:  # the results are in SQL already; `scrapy report RUN` can render again
            logger.exception("report rendering failed for run %s (results are stored; retry: scrapy report %s)",
                             run_id, run_id)
            return
        self.crawler.stats.set_value("govaudit/report", str(path))
        logger.info("govaudit report bundle: %s", path / "index.html")
        print(f"govaudit: run {run_id} report bundle: {path / 'index.html'}", flush=True)

