"""The run's record in SQL: opened when the crawl opens, finished when it closes — the one writer of run
status. A crawl closed for any reason but "finished" leaves the run "interrupted" with its unfinished sites
named and unscored, so a resume (JOBDIR or `-a run=`) finishes them; a finished run scores what is left."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from govaudit.crawl.accounting import SiteAccounting, get_accounting
from govaudit.runs import AuditRun, current_run
from govaudit.scoring.live import LiveScorer, get_scorer
from govaudit.store.runs import finish_run, open_run
from govaudit.store.writer import EvidenceWriter, get_writer

logger = logging.getLogger(__name__)


class RunLifecycle:
    def __init__(self, run: AuditRun, writer: EvidenceWriter, accounting: SiteAccounting,
                 scorer: LiveScorer | None, stats: Any) -> None:
        self.run = run
        self.writer = writer
        self.accounting = accounting
        self.scorer = scorer
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunLifecycle:
        run = current_run(crawler)
        if run is None:
            raise NotConfigured("no audit run")
        scoring = crawler.settings.getbool("GOVAUDIT_SCORING_ENABLED", True)
        ext = cls(run, get_writer(crawler), get_accounting(crawler), get_scorer(crawler) if scoring else None,
                  crawler.stats)
        if run.owns_run:
            ext.open()  # before the first request: the run and its sites are in SQL (joining workers read them)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def open(self) -> None:
        with self.writer.Session.begin() as session:
            open_run(session, self.run)
        if self.run.resumed:
            self.accounting.skipped_done = self.writer.done_sites(self.run.run_id)

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.writer.flush()
        left = self.accounting.unfinished()
        self.stats.set_value("govaudit/sites_unfinished", len(left))
        if not self.run.owns_run:
            return
        if reason == "finished":
            if self.scorer is not None:
                self.scorer.score_remaining()
            status = "finished"
        else:
            status = "interrupted"
            if left:
                logger.warning("govaudit: run %s %s (%s) with %d site(s) unfinished and not scored: %s; resume it "
                               "with the same JOBDIR or -a run=%s", self.run.run_id, status, reason, len(left),
                               ", ".join(left[:50]), self.run.run_id)
        with self.writer.Session.begin() as session:
            finish_run(session, self.run.run_id, status)
        self.stats.set_value("govaudit/run_status", status)
