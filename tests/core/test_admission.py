"""Sites start progressively: a new site starts only under the in-flight cap and while the downloader has
room; an idle crawl always starts one."""

from __future__ import annotations

import asyncio

from govaudit.crawl.admission import SiteAdmission


def _gate(in_flight: int, downloading: int, queued: int, cap: int = 3, capacity: int = 10) -> SiteAdmission:
    return SiteAdmission(cap, capacity, lambda: in_flight, lambda: (downloading, queued))


def test_a_new_site_waits_for_room() -> None:
    assert _gate(0, 50, 50).may_start()  # nothing in flight: always start one
    assert _gate(1, 2, 0).may_start()
    assert not _gate(1, 10, 0).may_start()  # the downloader is full
    assert not _gate(2, 4, 12).may_start()  # work is queued already
    assert not _gate(3, 0, 0).may_start()  # the cap
    assert SiteAdmission(0, 10, lambda: 500, lambda: (1, 0)).may_start()  # 0 = no cap


def test_wait_returns_once_a_site_finishes() -> None:
    state = {"in_flight": 3}
    gate = SiteAdmission(3, 10, lambda: state["in_flight"], lambda: (0, 0))

    async def scenario() -> bool:
        waiter = asyncio.ensure_future(gate.wait())
        await asyncio.sleep(0.2)
        blocked = not waiter.done()
        state["in_flight"] = 2
        await asyncio.wait_for(waiter, 2)
        return blocked

    assert asyncio.run(scenario())
