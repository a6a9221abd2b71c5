"""When a worker of a distributed run may close: nothing pending in the shared ledger and every site scored
(or, after a grace period, leave what is left to the seeding worker). One machine: not configured."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from sqlalchemy import func, select

from govaudit.crawl.accounting import SiteAccounting, get_accounting
from govaudit.distributed.scheduling import is_distributed
from govaudit.runs import AuditRun, current_run
from govaudit.store import models as m
from govaudit.store.db import session_factory

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

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedClose:
        run = current_run(crawler)
        if run is None or not is_distributed(crawler.settings):
            raise NotConfigured("not a distributed audit")
        s = crawler.settings
        ext = cls(run, get_accounting(crawler), s.get("GOVAUDIT_DATABASE_URL"), s.getfloat("GOVAUDIT_SETTLE_GRACE"),
                  s.getbool("GOVAUDIT_SCORING_ENABLED", True))
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_idle(self, spider: Any) -> None:
        if not self.may_close():
            raise DontCloseSpider

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.run.owns_run and reason == "finished":
            self.accounting.ledger.retire()

    def may_close(self) -> bool:
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
