"""Spider middleware of distributed runs: every request carries its site's generation in `meta["gen"]`
(start requests the site's current one, follow-ups their response's), so that work of a site restarted after
a worker's death is told apart from the stale work of its old generation (govaudit.distributed.ledger)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.exceptions import NotConfigured

from govaudit.crawl.accounting import SiteAccounting, get_accounting
from govaudit.distributed.scheduling import is_distributed


class StampGeneration:
    def __init__(self, accounting: SiteAccounting) -> None:
        self.accounting = accounting

    @classmethod
    def from_crawler(cls, crawler: Any) -> StampGeneration:
        if not is_distributed(crawler.settings):
            raise NotConfigured("not a distributed audit")
        return cls(get_accounting(crawler))

    def _stamp(self, out: Any, gen: int | None) -> Any:
        if isinstance(out, Request) and "gen" not in out.meta and out.meta.get("site_id"):
            out.meta["gen"] = gen if gen is not None else self.accounting.ledger.generation(out.meta["site_id"])
        return out

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for out in start:
            yield self._stamp(out, None)

    def process_spider_output(self, response: Any, result: Iterable[Any], spider: Any) -> Iterator[Any]:
        gen = int(response.meta.get("gen", 0))
        for out in result:
            yield self._stamp(out, gen)

    async def process_spider_output_async(self, response: Any, result: AsyncIterator[Any],
                                          spider: Any) -> AsyncIterator[Any]:
        gen = int(response.meta.get("gen", 0))
        async for out in result:
            yield self._stamp(out, gen)
