"""Scrapy's downloader, with each slot's concurrency kept (CONCURRENT_REQUESTS_PER_DOMAIN: a site's politeness).

Under the asyncio reactor, Scrapy 2.19's `Downloader._process_queue` hands every request queued in a slot to a
new task while the slot has a free place, but a request takes its place (`slot.transferring`) only once its task
runs, on a later turn of the loop: the whole queue is started at once (scrapy/scrapy#6982). A site then got 17
requests at a time where 4 were allowed, and the connection pool, which keeps 4 per host, closed the others as
they came back: on the demo, a new TCP connection for about every other request (on HTTPS, a handshake each).

Here a request takes its place when it is handed to its task, and keeps it until its download ends, as Scrapy
meant. Requests beyond the free places stay queued, in order, for the next round."""

from __future__ import annotations

from collections import deque
from typing import Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.http import Response


class SlotLimitedDownloader(Downloader):
    """DOWNLOADER: Scrapy's, with at most `slot.concurrency` requests of a slot started at a time."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._started: set[int] = set()  # ids of the requests whose download has begun (and not ended)

    def _process_queue(self, slot: Slot) -> None:
        free = max(slot.free_transfer_slots(), 0)
        held: deque[Any] = deque()
        while len(slot.queue) > free:  # only as many as there are places are offered to Scrapy's loop
            held.appendleft(slot.queue.pop())
        offered = [request for request, _dfd in slot.queue]
        try:
            super()._process_queue(slot)
        finally:
            for request in offered[: len(offered) - len(slot.queue)]:
                if id(request) not in self._started:  # its task runs later: its place is taken now
                    slot.transferring.add(request)
            slot.queue.extend(held)

    async def _download(self, slot: Slot, request: Any) -> Response:
        self._started.add(id(request))
        try:
            return await super()._download(slot, request)  # adds it to `transferring` (again) and removes it
        finally:
            self._started.discard(id(request))
