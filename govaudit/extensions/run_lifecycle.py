"""The run's record in SQL: opened when the crawl opens, finished when it closes — the one writer of run
status. A crawl closed for any reason but "finished" leaves the run "interrupted" with its unfinished sites
named and unscored; a resume (same JOBDIR, or `-a run=ID`) keeps the finished sites and crawls the others
again from scratch. While it runs, the crawl holds the run's lock (owner + heartbeat)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import select
from twisted.internet import task

from govaudit.crawl.accounting import SiteAccounting, get_accounting
from govaudit.distributed.siteshare import SharedSites, shared_sites
from govaudit.runs import AuditRun, current_run
from govaudit.scoring.live import LiveScorer, get_scorer
from govaudit.store import models as m
from govaudit.store.runs import RunLocked, finish_run, heartbeat, open_run, reset_sites, this_process
from govaudit.store.writer import EvidenceWriter, get_writer

logger = logging.getLogger(__name__)


class RunLifecycle:
    def __init__(self, run: AuditRun, writer: EvidenceWriter, accounting: SiteAccounting,
                 scorer: LiveScorer | None, stats: Any, lease_s: float) -> None:
        self.run = run
        self.writer = writer
        self.accounting = accounting
        self.scorer = scorer
        self.stats = stats
        self.lease_s = lease_s
        self.owner = this_process()
        self.shared: SharedSites | None = None  # sites shared with other workers: what is unfinished is in SQL
        self._beat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunLifecycle:
        run = current_run(crawler)
        if run is None:
            raise NotConfigured("no audit run")
        settings = crawler.settings
        scoring = settings.getbool("GOVAUDIT_SCORING_ENABLED", True)
        ext = cls(run, get_writer(crawler), get_accounting(crawler), get_scorer(crawler) if scoring else None,
                  crawler.stats, settings.getfloat("GOVAUDIT_RUN_LEASE"))
        ext.shared = shared_sites(crawler)
        if run.owns_run:
            try:
                ext.open()  # before the first request: the run and its sites are in SQL (joining workers read them)
            except RunLocked as exc:
                logger.error("govaudit: %s", exc)
                raise SystemExit(f"govaudit: {exc}") from None
            crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def open(self) -> None:
        # one transaction: a worker joining the run sees it open only with its sites to crawl again cleared
        with self.writer.Session.begin() as session:
            open_run(session, self.run, owner=self.owner, lease_s=self.lease_s)
            if not self.run.resumed:
                return
            done = set(session.scalars(select(m.RunSite.site_id).where(m.RunSite.run_id == self.run.run_id,
                                                                       m.RunSite.done)))
            again = [s.site_id for s in self.run.targets if s.site_id not in done]
            reset_sites(session, self.run.run_id, again)
        self.accounting.skipped_done = done
        logger.info("govaudit: resuming run %s: %d site(s) finished before, %d to crawl (again)",
                    self.run.run_id, len(done), len(again))

    def spider_opened(self, spider: Any) -> None:
        self._beat = task.LoopingCall(self._heartbeat)
        self._beat.start(max(self.lease_s / 4, 1.0), now=False)

    def _heartbeat(self) -> None:
        with self.writer.Session.begin() as session:
            heartbeat(session, self.run.run_id, self.owner)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        self.writer.flush()
        left = self.shared.unfinished() if self.shared is not None else self.accounting.unfinished()
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
