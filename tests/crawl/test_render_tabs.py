"""Rendering tabs wait in the pool on a blank page: a rendered page that goes on by itself (a WAF challenge
reloading, a list polling its server) must not keep Chromium and the site busy until the tab's next render."""

from __future__ import annotations

import asyncio
from typing import Any

from govaudit.crawl.tabs import TabPool

POLLING = "<html><body><script>setInterval(function(){fetch('/poll?t=' + Date.now())}, 50)</script></body></html>"


def _run(check: Any) -> Any:
    async def main() -> Any:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                               args=["--disable-gpu"])
            try:
                context = await browser.new_context()
                await context.route("**/*", lambda route: route.fulfill(body=POLLING, content_type="text/html"))
                return await check(context)
            finally:
                await browser.close()

    return asyncio.run(main())


def test_a_tab_given_back_is_parked_and_reused() -> None:
    async def check(context: Any) -> tuple[int, int, str, bool]:
        pool = TabPool(size=1, max_uses=3)
        assert await pool.lease() is None  # no free tab: the caller opens one, its place counted
        page = await context.new_page()
        polls: list[str] = []
        page.on("request", lambda request: polls.append(request.url))
        await page.goto("http://www.a.gov.cn/waf/")
        await asyncio.sleep(0.5)
        before = len(polls)
        await pool.give_back(page, reusable=True)
        parked = len(polls)
        await asyncio.sleep(1.0)
        again = await pool.lease()
        return before, len(polls) - parked, page.url, again is page

    before, after_parking, url, reused = _run(check)
    assert before >= 3  # the page was polling while it was rendered
    assert after_parking == 0 and url == "about:blank"
    assert reused


def test_a_tab_at_its_last_use_is_closed_not_parked() -> None:
    async def check(context: Any) -> tuple[bool, int]:
        pool = TabPool(size=1, max_uses=2)
        await pool.lease()
        page = await context.new_page()
        await page.goto("http://www.a.gov.cn/")
        await pool.give_back(page, reusable=True)  # first use: kept
        assert await pool.lease() is page
        await pool.give_back(page, reusable=True)  # second use: the last
        return page.is_closed(), pool.open

    closed, still_open = _run(check)
    assert closed and still_open == 0


def test_a_tab_left_free_is_closed_after_its_idle_time_and_a_reused_one_is_not() -> None:
    async def check(context: Any) -> tuple[bool, bool, int, int, bool]:
        pool = TabPool(size=2, max_uses=10, idle_s=0.4)
        await pool.lease()
        await pool.lease()
        kept, idle = await context.new_page(), await context.new_page()
        await pool.give_back(kept, reusable=True)
        await pool.give_back(idle, reusable=True)
        await asyncio.sleep(0.2)
        again = await pool.lease()  # the last given back is leased first, before its idle time is over
        await asyncio.sleep(0.6)  # the other waits past its idle time; the leased one is in use meanwhile
        return again is idle, idle.is_closed(), len(pool.free), pool.open, kept.is_closed()

    reused, reused_closed, free, still_open, idle_closed = _run(check)
    assert reused and not reused_closed
    assert idle_closed and free == 0 and still_open == 1  # its place is given back: a new tab may be opened
