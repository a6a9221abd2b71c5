"""Per-site request accounting: a site is finished (and scored) once every request made for it is handled.

Each response or failure of a site's request is *settled*: its outputs pass on, then the request counts as
done; the caller whose settle brings the site's outstanding count to 0 emits a `SiteDoneItem`. Counts live in
a Ledger (in memory, or in Redis for a distributed run, where any worker may settle any site's request; there
a request counts as done only once the item pipelines have stored its evidence, because whichever worker
finishes the site scores it from SQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, signals

from govaudit.distributed.ledger import Ledger
from govaudit.distributed.scheduling import is_distributed, ledger_for
from govaudit.items import SiteDoneItem
from govaudit.runs import AuditRun, require_run
from govaudit.store.writer import get_writer

_ATTR = "_govaudit_accounting"


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

    async def wait(self) -> None:
        if self.passed >= self.expected:
            return
        self._waiter = asyncio.get_running_loop().create_future()
        await self._waiter


class SiteAccounting:
    def __init__(self, run: AuditRun, ledger: Ledger, *, distributed: bool, flush: Any = None) -> None:
        self.run = run
        self.ledger = ledger
        self.distributed = distributed
        self._flush = flush
        self._waiting: dict[int, _ItemsSettled] = {}
        self.started: set[str] = set()  # sites this process started (home page requested)
        self.skipped_done: set[str] = set()  # finished in an earlier part of a resumed run: not crawled again

    # --- what the crawl plan asks ------------------------------------------------------------------
    def claim(self, site_id: str, key: str) -> bool:
        return self.ledger.claim(site_id, key)

    def release(self, site_id: str, key: str) -> None:
        self.ledger.release(site_id, key)

    def take_budget(self, site_id: str, kind: str, limit: int | None) -> bool:
        return self.ledger.take_budget(site_id, kind, limit)

    def request_made(self, site_id: str) -> None:
        self.ledger.add_pending(site_id)

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
    def settle(self, source: Any, site_id: str, outputs: Iterable[Any]) -> Iterable[Any] | AsyncIterator[Any]:
        if self.distributed:
            return self._settle_shared(source, site_id, outputs)
        return self._settle_local(site_id, outputs)

    def _done(self, site_id: str) -> Iterator[SiteDoneItem]:
        if self.ledger.task_done(site_id):
            yield SiteDoneItem(run_id=self.run.run_id, site_id=site_id)

    def _settle_local(self, site_id: str, outputs: Iterable[Any]) -> Iterator[Any]:
        yield from outputs
        yield from self._done(site_id)

    async def _settle_shared(self, source: Any, site_id: str, outputs: Iterable[Any]) -> AsyncIterator[Any]:
        settled = _ItemsSettled()
        self._waiting[id(source)] = settled
        try:
            for out in outputs:
                if not isinstance(out, Request):
                    settled.expected += 1
                yield out
            await settled.wait()
        finally:
            self._waiting.pop(id(source), None)
        if self._flush is not None:
            self._flush()
        for item in self._done(site_id):
            yield item

    def item_passed(self, item: Any, response: Any, **kwargs: Any) -> None:
        settled = self._waiting.get(id(response))
        if settled is not None:
            settled.item_passed()


def get_accounting(crawler: Any) -> SiteAccounting:
    """The one accounting object of a crawler (spider, closing and progress extensions share it)."""
    acc = getattr(crawler, _ATTR, None)
    if acc is None:
        run = require_run(crawler)
        distributed = is_distributed(crawler.settings)
        acc = SiteAccounting(run, ledger_for(crawler.settings, run.run_id), distributed=distributed,
                             flush=get_writer(crawler).flush)
        if distributed:
            for sig in (signals.item_scraped, signals.item_dropped, signals.item_error):
                crawler.signals.connect(acc.item_passed, signal=sig)
        setattr(crawler, _ATTR, acc)
    return acc
