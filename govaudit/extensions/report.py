"""Render the run's report bundle when the crawl closes, after the run lifecycle extension has scored what
was left and recorded how the run ended. The bundle is rendered in a process of its own
(govaudit.reporting.apart) beside the run's last screenshots; the pages that link them are written once close
step "screenshots" has ended. A joining worker of a distributed run renders nothing."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from govaudit.extensions import close_order
from govaudit.reporting.apart import Outcome, ReportJob, ReportProcess, render
from govaudit.runs import AuditRun, current_run

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
        settings = self.crawler.settings
        job = ReportJob(database_url=self.database_url, run_id=self.run.run_id, reports_dir=str(self.reports_dir),
                        templates_dir=str(self.templates_dir), rubrics_dir=self.rubrics_dir,
                        evidence_dir=settings.get("GOVAUDIT_EVIDENCE_DIR"), log_file=settings.get("LOG_FILE"),
                        log_level=settings.get("LOG_LEVEL") if settings.getbool("LOG_ENABLED") else "CRITICAL",
                        log_format=settings.get("LOG_FORMAT"), log_datefmt=settings.get("LOG_DATEFORMAT"))
        try:
            child: ReportProcess | None = ReportProcess(job)  # renders now what does not link the screenshots
        except Exception as exc:
            logger.warning("report of run %s: no process of its own (%s); rendering in the crawler", job.run_id, exc)
            child = None
        try:
            await close_order.after(self.crawler, close_order.SCREENSHOTS)
            if child is not None:
                child.go()
                outcome = await asyncio.to_thread(child.outcome)
        except BaseException:
            if child is not None:
                child.kill()
            raise
        if child is None or not outcome.answered:  # the process died (killed, out of memory): render here, once
            if child is not None:
                logger.error("report of run %s: %s; rendering in the crawler", job.run_id, outcome.error)
            outcome = await asyncio.to_thread(render, job)
        self._record(outcome)

    def _record(self, outcome: Outcome) -> None:
        run_id = self.run.run_id
        stats = self.crawler.stats
        if outcome.error:  # the results are in SQL already; `scrapy report RUN` can render again
            logger.error("report rendering failed for run %s (results are stored; retry: scrapy report %s)\n%s",
                         run_id, run_id, outcome.error)
            stats.set_value("govaudit/report_failed", "the whole bundle")
            return
        stats.set_value("govaudit/report", outcome.path)
        if outcome.failed:  # every other output is in the bundle; name the ones that are not
            from govaudit.reporting.render import BundleIncomplete

            logger.error("%s (render again: scrapy report %s)", BundleIncomplete(Path(str(outcome.path)), outcome.failed),
                         run_id)
            stats.set_value("govaudit/report_failed", ", ".join(outcome.failed))
            return
        logger.info("govaudit report bundle: %s", Path(str(outcome.path)) / "index.html")
