"""Which site starts next, and when: sites finish progressively instead of all at once.

A new site starts only while fewer than GOVAUDIT_MAX_SITES_IN_FLIGHT sites are unfinished AND the crawl has
room for its requests (the downloader takes more and little is queued). Sites held back by their own
politeness (a download delay, a slow server) leave transfer capacity free, so more of them run at once and
the wall time approaches the slowest site's own floor; sites that answer fast keep the downloader busy, so
few run at once and each finishes (and is scored) early — a stopped long run leaves complete sites behind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

POLL_S = 0.05


class SiteAdmission:
    def __init__(self, max_in_flight: int, capacity: int, in_flight: Callable[[], int],
                 load: Callable[[], tuple[int, int]]) -> None:
        """`in_flight()`: sites started and not finished. `load()`: (requests the downloader holds, requests
        queued in the scheduler). `capacity`: CONCURRENT_REQUESTS."""
        self.max_in_flight = max_in_flight
        self.capacity = capacity
        self.in_flight = in_flight
        self.load = load

    def may_start(self) -> bool:
        if self.max_in_flight and self.in_flight() >= self.max_in_flight:
            return False
        if self.in_flight() == 0:
            return True
        downloading, queued = self.load()
        return downloading < self.capacity and queued < self.capacity

    async def wait(self) -> None:
        while not self.may_start():
            await asyncio.sleep(POLL_S)
