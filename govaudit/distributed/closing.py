"""A worker of a distributed run: its lease, taking over the sites of a dead worker, and when it may close.

Lease: every worker renews a lease in Redis (GOVAUDIT_WORKER_LEASE seconds, renewed three times as often)
and records each site whose request it takes from the shared queue. When a worker's lease expires (it was
killed), the first worker to notice takes its sites over: each one not scored yet loses its partial evidence
(govaudit.store.runs.reset_sites) and is crawled again from its home page under its next generation, so the
run completes with what an uninterrupted run gives.

Close: nothing pending in the shared ledger and every site scored (or, after a grace period, leave what is
left to the seeding worker). One machine: not configured."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from sqlalchemy import func, select
from twisted.internet import task

from govaudit.crawl.accounting import SiteAccounting, get_accounting
from govaudit.crawl.urls import clean, host_of
from govaudit.distributed.ledger import RedisLedger
from govaudit.distributed.scheduler import request_taken
from govaudit.distributed.scheduling import is_distributed
from govaudit.runs import AuditRun, current_run
from govaudit.store import models as m
from govaudit.store.db import session_factory
from govaudit.store.runs import reset_sites

logger = logging.getLogger(__name__)


class DistributedClose:
    def __init__(self, run: AuditRun, accounting: SiteAccounting, database_url: str, grace: float,
                 scoring: bool) -> None:
        self.run = run
        self.accounting = accounting
        self.database_url = database_url
        self.grace = grace
        self.scoring = scoring
        self._idle_since: float | None = None
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.lease = 10.0
        self.crawler: Any = None
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedClose:
        run = current_run(crawler)
        if run is None or not is_distributed(crawler.settings):
            raise NotConfigured("not a distributed audit")
        s = crawler.settings
        ext = cls(run, get_accounting(crawler), s.get("GOVAUDIT_DATABASE_URL"), s.getfloat("GOVAUDIT_SETTLE_GRACE"),
                  s.getbool("GOVAUDIT_SCORING_ENABLED", True))
        ext.crawler = crawler
        ext.lease = s.getfloat("GOVAUDIT_WORKER_LEASE", 10.0)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_taken, signal=request_taken)  # at the pop from the shared queue
        return ext

    # --- lease ---------------------------------------------------------------------------------------
    @property
    def _ledger(self) -> RedisLedger | None:
        led = self.accounting.ledger
        return led if isinstance(led, RedisLedger) else None

    def spider_opened(self, spider: Any) -> None:
        if self._ledger is None:
            return
        self._ledger.renew_lease(self.worker, self.lease)
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(self.lease / 3, now=False)

    def request_taken(self, request: Any, spider: Any) -> None:
        site_id = request.meta.get("site_id")
        if site_id and self._ledger is not None:
            self._ledger.touch(self.worker, site_id)

    def _tick(self) -> None:
        try:
            assert self._ledger is not None
            self._ledger.renew_lease(self.worker, self.lease)
            self.take_over_dead_workers()
        except Exception:  # a Redis hiccup must not stop the lease loop
            logger.exception("govaudit: lease renewal / take-over failed")

    def take_over_dead_workers(self) -> list[str]:
        """Restart the unscored sites of every worker whose lease has expired; the sites restarted."""
        ledger = self._ledger
        if ledger is None:
            return []
        restarted: list[str] = []
        for worker in ledger.expired_workers(self.worker):
            sites = ledger.take_over(worker)
            if not sites:
                continue
            with session_factory(self.database_url)() as s:
                scored = set(s.scalars(select(m.RunSite.site_id).where(
                    m.RunSite.run_id == self.run.run_id, m.RunSite.site_id.in_(sites), m.RunSite.done.is_(True))))
                todo = [x for x in sites if x not in scored and self.run.site(x) is not None]
                reset_sites(s, self.run.run_id, todo)
                s.commit()
            for site_id in todo:
                self._restart(site_id)
            restarted += todo
            logger.warning("govaudit: worker %s of run %s stopped renewing its lease; %d of its site(s) crawled "
                           "again: %s", worker, self.run.run_id, len(todo), ", ".join(todo) or "-")
        return restarted

    def _restart(self, site_id: str) -> None:
        from govaudit.spiders.audit import SiteCrawl

        ledger = self._ledger
        assert ledger is not None
        gen = ledger.restart(site_id)
        site = self.run.site(site_id)
        assert site is not None
        spider = self.crawler.spider
        self.accounting._context = (site_id, gen)
        try:
            self.accounting.claim(site_id, clean(site.url))
            request = spider._request(SiteCrawl(site=site, host=host_of(site.url)), site.url, "parse_home",
                                      priority=10)
        finally:
            self.accounting._context = None
        request.meta["gen"] = gen
        self.crawler.engine.crawl(request)

    def spider_idle(self, spider: Any) -> None:
        if not self.may_close():
            raise DontCloseSpider

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._ledger is not None and reason == "finished":
            self._ledger.drop_lease(self.worker)  # stopped cleanly: nothing of it to take over
        if self.run.owns_run and reason == "finished":
            self.accounting.ledger.retire()

    def may_close(self) -> bool:
        self.take_over_dead_workers()
        if self.accounting.ledger.total_pending() > 0:
            self._idle_since = None
            return False
        if not self.scoring:
            return True  # nothing to wait for
        with session_factory(self.database_url)() as s:
            unscored = s.scalar(select(func.count()).select_from(m.RunSite)
                                .where(m.RunSite.run_id == self.run.run_id, m.RunSite.done.is_(False))) or 0
            status = s.scalar(select(m.Run.status).where(m.Run.id == self.run.run_id))
        if unscored == 0:
            return True
        if self.run.role == "join" and status != "running":
            return True  # the seeding worker has closed the run
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
            logger.info("govaudit: nothing pending in run %s; waiting for %d site(s) to be scored",
                        self.run.run_id, unscored)
        if now - self._idle_since > self.grace:
            logger.warning("govaudit: %d site(s) of run %s still unscored after %.0f s with nothing pending; "
                           "closing (the seeding worker scores what is left)", unscored, self.run.run_id, self.grace)
            return True
        return False
