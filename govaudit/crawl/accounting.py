"""Per-site request accounting: a site is finished (and scored) once every request made for it is handled.

Each response or failure of a site's request is *settled*: its outputs pass on, then the request counts as
done; the caller whose settle brings the site's outstanding count to 0 emits a `SiteDoneItem`. Counts live in
a Ledger (in memory, or in Redis for a distributed run, where any worker may settle any site's request). A
request counts as done only once the item pipelines have finished its items, because the site is scored from
SQL as soon as it is done (in a distributed run, by whichever worker finishes it).

Distributed runs are at-least-once: requests carry their site's generation (`meta["gen"]`, stamped by
govaudit.distributed.generations); a response or failure of a generation that is no longer the site's current
one (the site was restarted after a worker died) is stale and dropped unhandled, and what a callback asks
(claims, budgets, new requests) counts in the generation of the response being handled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, signals

from govaudit.distributed.ledger import Ledger
from govaudit.distributed.scheduling import is_distributed, ledger_for
from govaudit.items import SiteDoneItem
from govaudit.runs import AuditRun, require_run
from govaudit.store.writer import get_writer

_ATTR = "_govaudit_accounting"
_SETTLE_TIMEOUT = 900.0  # seconds a response's items may take through the pipelines before it settles anyway
logger = logging.getLogger(__name__)


class _ItemsSettled:
    """The items one response produced, counted as the item pipelines finish them."""

    def __init__(self) -> None:
        self.expected = 0
        self.passed = 0
        self._waiter: asyncio.Future[None] | None = None

    def item_passed(self) -> None:
        self.passed += 1
        if self._waiter is not None and not self._waiter.done() and self.passed >= self.expected:
            self._waiter.set_result(None)

    async def wait(self, timeout: float = _SETTLE_TIMEOUT) -> bool:
        """True once every item passed; False (the site goes on, with a log line) if their signals never
        came, so one lost signal cannot hold the crawl open for ever."""
        if self.passed >= self.expected:
            return True
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(self._waiter, timeout)
        except TimeoutError:
            return False
        return True


class SiteAccounting:
    def __init__(self, run: AuditRun, ledger: Ledger, *, distributed: bool, flush: Any = None) -> None:
        self.run = run
        self.ledger = ledger
        self.distributed = distributed
        self._flush = flush
        self._waiting: dict[int, _ItemsSettled] = {}
        self._context: tuple[str, int] | None = None  # (site, generation) of the response being handled
        self.started: set[str] = set()  # sites this process started (home page requested)
        self.skipped_done: set[str] = set()  # finished in an earlier part of a resumed run: not crawled again

    # --- what the crawl plan asks ------------------------------------------------------------------
    def generation(self, site_id: str) -> int:
        """The generation the current work of `site_id` counts in."""
        if self._context is not None and self._context[0] == site_id:
            return self._context[1]
        return self.ledger.generation(site_id) if self.distributed else 0

    def claim(self, site_id: str, key: str) -> bool:
        return self.ledger.claim(site_id, key, self.generation(site_id))

    def release(self, site_id: str, key: str) -> None:
        self.ledger.release(site_id, key, self.generation(site_id))

    def take_budget(self, site_id: str, kind: str, limit: int | None) -> bool:
        return self.ledger.take_budget(site_id, kind, limit, self.generation(site_id))

    def request_made(self, site_id: str) -> None:
        self.ledger.add_pending(site_id, self.generation(site_id))

    def finished(self, site_id: str) -> bool:
        return self.ledger.finished(site_id)

    def in_flight(self) -> int:
        """Sites started by this process and not finished yet."""
        return sum(1 for s in self.started if not self.ledger.finished(s))

    def unfinished(self) -> list[str]:
        """Target sites not finished: started and still pending, or never started."""
        return sorted(s.site_id for s in self.run.targets
                      if s.site_id not in self.skipped_done and not self.ledger.finished(s.site_id))

    # --- settling one response or failure ----------------------------------------------------------
    def settle(self, source: Any, site_id: str, outputs: Iterable[Any]) -> AsyncIterator[Any]:
        # A request counts as done only once the item pipelines have finished its items: Scrapy runs up to
        # CONCURRENT_ITEMS items of one response at once, so the site's done item (scored from SQL) could
        # otherwise overtake the last items of the same response on their way to the store.
        return self._settle(source, site_id, outputs)

    def _done(self, site_id: str, gen: int = 0) -> Iterator[SiteDoneItem]:
        if self.ledger.task_done(site_id, gen):
            yield SiteDoneItem(run_id=self.run.run_id, site_id=site_id)

    async def _settle(self, source: Any, site_id: str, outputs: Iterable[Any]) -> AsyncIterator[Any]:
        gen = _generation_of(source)
        if gen != self.ledger.generation(site_id):
            return  # the site was restarted after a worker's death: this belongs to its old generation
        settled = _ItemsSettled()
        self._waiting[id(source)] = settled
        try:
            it = iter(outputs)
            while True:
                self._context = (site_id, gen)  # the callback's claims and requests count in this generation
                try:
                    out = next(it)
                except StopIteration:
                    break
                finally:
                    self._context = None
                if not isinstance(out, Request):
                    settled.expected += 1
                yield out
            if not await settled.wait():
                logger.error("%s: %d of %d items of %s never reached the end of the pipelines; settled anyway",
                             site_id, settled.expected - settled.passed, settled.expected,
                             getattr(source, "url", source))
        finally:
            self._waiting.pop(id(source), None)
        if self.distributed and self._flush is not None:  # another worker may score the site from SQL
            self._flush()
        for item in self._done(site_id, gen):
            yield item

    def item_passed(self, item: Any, response: Any, **kwargs: Any) -> None:
        settled = self._waiting.get(id(response))
        if settled is not None:
            settled.item_passed()


def _generation_of(source: Any) -> int:
    request = getattr(source, "request", None)
    meta = getattr(request, "meta", None) or getattr(source, "meta", None) or {}
    return int(meta.get("gen", 0))


def get_accounting(crawler: Any) -> SiteAccounting:
    """The one accounting object of a crawler (spider, closing and progress extensions share it)."""
    acc = getattr(crawler, _ATTR, None)
    if acc is None:
        run = require_run(crawler)
        distributed = is_distributed(crawler.settings)
        acc = SiteAccounting(run, ledger_for(crawler.settings, run.run_id), distributed=distributed,
                             flush=get_writer(crawler).flush)
        for sig in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(acc.item_passed, signal=sig)
        setattr(crawler, _ATTR, acc)
    return acc
