"""Render the run's report bundle when the crawl closes (after the run lifecycle extension has scored what
was left and recorded how the run ended, and after the screenshots the report links). A joining worker of a
distributed run renders nothing."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from govaudit.extensions import close_order
from govaudit.runs import AuditRun, current_run
from govaudit.store.db import get_engine

logger = logging.getLogger(__name__)


class ReportOnClose:
    def __init__(self, run: AuditRun, crawler: Any) -> None:
        self.run = run
        self.crawler = crawler
        settings = crawler.settings
        self.database_url = settings.get("GOVAUDIT_DATABASE_URL")
        self.reports_dir = Path(settings.get("GOVAUDIT_REPORTS_DIR"))
        self.templates_dir = Path(settings.get("GOVAUDIT_TEMPLATES_DIR"))
        self.rubrics_dir = settings.get("GOVAUDIT_RUBRICS_DIR")

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReportOnClose:
        run = current_run(crawler)
        if run is None or not run.owns_run:
            raise NotConfigured("no run of this worker's own to report")
        if not crawler.settings.getbool("GOVAUDIT_REPORT_ON_CLOSE"):
            raise NotConfigured("GOVAUDIT_REPORT_ON_CLOSE is off")
        ext = cls(run, crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    async def spider_closed(self, spider: Any, reason: str) -> None:
        from govaudit.reporting.render import BundleIncomplete, render_bundle

        await close_order.after(self.crawler, close_order.SCREENSHOTS)  # the report links them
        run_id = self.run.run_id
        stats = self.crawler.stats
        try:
            path = render_bundle(get_engine(self.database_url), run_id, self.reports_dir, self.templates_dir,
                                 rubrics_dir=self.rubrics_dir,
                                 evidence_dir=self.crawler.settings.get("GOVAUDIT_EVIDENCE_DIR"))
        except BundleIncomplete as exc:  # every other output is in the bundle; name the ones that are not
            logger.error("%s (render again: scrapy report %s)", exc, run_id)
            stats.set_value("govaudit/report", str(exc.path))
            stats.set_value("govaudit/report_failed", ", ".join(exc.failed))
            return
        except Exception:  # the results are in SQL already; `scrapy report RUN` can render again
            logger.exception("report rendering failed for run %s (results are stored; retry: scrapy report %s)",
                             run_id, run_id)
            stats.set_value("govaudit/report_failed", "the whole bundle")
            return
        stats.set_value("govaudit/report", str(path))
        logger.info("govaudit report bundle: %s", path / "index.html")
