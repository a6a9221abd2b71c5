"""Which site starts next, and when: sites finish progressively instead of all at once.

A new site starts only while fewer than GOVAUDIT_MAX_SITES_IN_FLIGHT sites are unfinished AND the crawl has
room: the downloader is busy with fewer than CONCURRENT_REQUESTS requests and fewer than that wait for the crawl
(the spider's `_load` says what counts). Sites that answer fast keep the crawl busy, so few run at once and
each finishes (and is scored) early: a stopped long run leaves complete sites behind. Under a politeness delay
(DOWNLOAD_DELAY, AutoThrottle) a site's requests wait on its own delay, not on the crawl: only transfers in
progress and responses not yet handled count then, so more sites run at once and the wall time approaches
the slowest site's own floor (its pages x its delay) instead of the sites' floors one after another."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

POLL_S = 0.05


class SiteAdmission:
    def __init__(self, max_in_flight: int, capacity: int, in_flight: Callable[[], int],
                 load: Callable[[], tuple[int, int]]) -> None:
        """`in_flight()`: sites started and not finished. `load()`: (requests the downloader is busy with,
        requests waiting for the crawl). `capacity`: CONCURRENT_REQUESTS."""
        self.max_in_flight = max_in_flight
        self.capacity = capacity
        self.in_flight = in_flight
        self.load = load

    def may_start(self) -> bool:
        if self.max_in_flight and self.in_flight() >= self.max_in_flight:
            return False
        if self.in_flight() == 0:
            return True
        busy, waiting = self.load()
        return busy < self.capacity and waiting < self.capacity

    async def wait(self) -> None:
        while not self.may_start():
            await asyncio.sleep(POLL_S)
