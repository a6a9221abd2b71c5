"""Several crawler processes share one run a whole site at a time (GOVAUDIT_SHARE_SITES): the workers of
`python -m govaudit.parallel` on one machine, or on several machines over one PostgreSQL.

Sites are independent, so nothing per request is shared: each worker keeps its own scheduler, dupefilter
and per-site counters, and asks SQL only once per site (govaudit.store.claims). Each worker holds a lease on
the sites it claimed (GOVAUDIT_WORKER_LEASE seconds, renewed three times as often); the sites of a worker
that dies are claimed again, from scratch, once its lease expires. A site is released once it is scored and
its responses are in the evidence archive's index, so the worker that owns the run (it renders the report
and takes the screenshots) finishes only when every site is scored and no other worker holds one."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import signals
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from twisted.internet import task

from govaudit.distributed.scheduling import JoinError
from govaudit.items import SiteDoneItem
from govaudit.runs import AuditRun, require_run
from govaudit.store import claims
from govaudit.store import models as m
from govaudit.store.db import session_factory
from govaudit.store.runs import owner_alive

logger = logging.getLogger(__name__)

_ATTR = "_govaudit_shared_sites"
POLL_S = 1.0  # how often a worker with nothing to claim looks again (a dead worker's sites, the run's end)


def shares_sites(settings: Any) -> bool:
    return settings.getbool("GOVAUDIT_SHARE_SITES") and not settings.get("GOVAUDIT_REDIS_URL")


class SharedSites:
    def __init__(self, run: AuditRun, database_url: str, lease_s: float,
                 archive: Callable[[], Any] = lambda: None) -> None:
        self.run = run
        self.Session = session_factory(database_url)
        self.lease_s = lease_s
        self._archive = archive  # the crawl's ArchiveCapture, or None: a site is released once it has indexed
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._scored: list[tuple[int, str]] = []  # (archive mark when scored, site) not released yet
        self._loop: task.LoopingCall | None = None
        self._targets: frozenset[str] | None = None  # see _among

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedSites:
        from govaudit.archive.capture import archive_of

        s = crawler.settings
        # the archive extension is built after the spider: looked up when needed
        shared = cls(require_run(crawler), s.get("GOVAUDIT_DATABASE_URL"), s.getfloat("GOVAUDIT_WORKER_LEASE"),
                     lambda: archive_of(crawler))
        crawler.signals.connect(shared.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(shared.spider_closed, signal=signals.spider_closed)
        return shared

    # --- claiming ------------------------------------------------------------------------------------------
    def claim(self) -> str | None:
        """The next site this worker crawls, claimed for it; None when no site is claimable now."""
        if self._loop is None:
            self._loop = task.LoopingCall(self._tick)
            self._loop.start(max(self.lease_s / 3, 0.2), now=False)
        with self.Session() as session:
            got = claims.claim_next(session, self.run.run_id, self.worker, self.lease_s, self._among(session))
        if got is not None and got.taken_from is not None:
            logger.warning("govaudit: worker %s of run %s stopped renewing its claim on site %s; its evidence is "
                           "cleared and the site crawled again", got.taken_from, self.run.run_id, got.site_id)
        return got.site_id if got is not None else None

    def finished(self) -> bool:
        """Nothing left for this worker to wait for: every site scored and, for the worker that owns the run
        (it reports on every site), none held by another worker whose evidence may be on its way."""
        with self.Session() as session:
            now = claims.progress(session, self.run.run_id, self.worker, self._among(session))
        return now.complete if self.run.owns_run else now.unscored == 0

    def _among(self, session: Any) -> frozenset[str] | None:
        """The sites this worker may claim and waits for: None (all the run's rows) unless the run's rows name
        sites outside its targets (the run resumed with another selection: those are not this run's work)."""
        if self._targets is None:
            targets = frozenset(s.site_id for s in self.run.targets)
            self._targets = targets if claims.outside(session, self.run.run_id, targets) else frozenset()
        return self._targets or None

    def unfinished(self) -> list[str]:
        with self.Session() as session:
            among = self._among(session)
            return [s for s in claims.unscored(session, self.run.run_id) if among is None or s in among]

    # --- lease and release ------------------------------------------------------------------------------------
    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if isinstance(item, SiteDoneItem):
            archive = self._archive()
            self._scored.append((archive.mark() if archive is not None else 0, item.site_id))

    def _releasable(self) -> list[str]:
        archive = self._archive()
        indexed = archive.indexed if archive is not None else None
        ready = [site for mark, site in self._scored if indexed is None or mark <= indexed]
        self._scored = [(mark, site) for mark, site in self._scored if site not in ready]
        return ready

    def _tick(self) -> None:
        try:
            with self.Session() as session:
                claims.renew(session, self.run.run_id, self.worker, self.lease_s)
                claims.release(session, self.run.run_id, self.worker, self._releasable())
        except Exception:  # a database hiccup must not stop the lease loop
            logger.exception("govaudit: renewing the site claims of run %s failed", self.run.run_id)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        archive = self._archive()
        if archive is not None:
            archive.close()  # every response indexed (idempotent: the archive's own close does nothing more)
        # scored sites are let go; a site left unfinished stays held until its lease expires, and is then
        # cleared and crawled again by whoever claims it
        done = [site for _mark, site in self._scored]
        self._scored = []
        with self.Session() as session:
            claims.release(session, self.run.run_id, self.worker, done)


def wait_until_owned(database_url: str, run_id: str, wait_s: float, lease_s: float) -> None:
    """A joining worker waits for the run to be open in SQL under a live owner: its sites are written and, for
    a resumed run, the ones to crawl again already cleared (the owner does both in one transaction)."""
    deadline = time.monotonic() + wait_s
    while not _owned(database_url, run_id, lease_s):
        if time.monotonic() > deadline:
            raise JoinError(f"join={run_id}: no live worker has opened this run in the database ({wait_s:.0f} s "
                            f"waited); start it first with -a run={run_id}")
        time.sleep(0.5)


def _owned(database_url: str, run_id: str, lease_s: float) -> bool:
    """Is the run open under a live owner? Read without creating anything: the owner makes a new database's
    schema, and a joiner making it at the same moment would race it."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return False
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            run = session.get(m.Run, run_id)
            return run is not None and run.status == "running" and owner_alive(run.owner, run.heartbeat, lease_s)
    except DBAPIError:  # no tables yet
        return False
    finally:
        engine.dispose()


def shared_sites(crawler: Any) -> SharedSites | None:
    """The crawl's site sharing, built once (None: this crawl does not share its run's sites)."""
    if not shares_sites(crawler.settings):
        return None
    shared = getattr(crawler, _ATTR, None)
    if shared is None:
        shared = SharedSites.from_crawler(crawler)
        setattr(crawler, _ATTR, shared)
    return shared
