"""Rendering tabs kept open between renders: a downloader middleware that hands each rendered request a
Chromium page (tab) another render has finished with, instead of letting scrapy-playwright open a new tab
and close it afterwards. Opening a tab costs Chromium about as much CPU as rendering a page in it (a new
renderer process, a new frame tree), so a crawl that renders pages of many sites spends half as much.

* At most PLAYWRIGHT_MAX_PAGES_PER_CONTEXT tabs are open; a render that finds none free and the limit reached
  waits for one here, before the download handler (whose own page limit would otherwise wait for a tab that
  only this pool can give back).
* A tab is used for at most GOVAUDIT_RENDER_TAB_USES renders, then closed; a tab left free for
  GOVAUDIT_RENDER_TAB_IDLE_S seconds is closed too (renders are rare in most crawls: each open tab holds a
  renderer process); a tab whose render failed (time limit, crash, closed) is closed, never reused: a hostile
  page cannot carry anything into the next render.
* A render holds the process's shared browser (govaudit.crawl.browser.CHROMIUM) from its lease to its end:
  the browser and its driver are stopped once nothing has held them for GOVAUDIT_BROWSER_IDLE_S seconds.
* The page never travels with the request beyond the download (the retry and redirect middlewares copy
  requests into the scheduler, whose queues hold plain data).
Each render still binds its own scope policy to the tab (govaudit.crawl.render.init_page, called by
scrapy-playwright for a reused tab as for a new one)."""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from scrapy.exceptions import NotConfigured

from govaudit.crawl.browser import CHROMIUM
from govaudit.crawl.renderservice import render_socket

logger = logging.getLogger(__name__)

_PAGE = "playwright_page"
_INCLUDE = "playwright_include_page"
_LEASED = "govaudit_tab"  # this request holds a place in the pool (a reused tab, or one being opened)
PARK_S = 5.0  # time for a tab to leave its page for about:blank before it is closed instead


class TabPool:
    """Free tabs and how many are open; `lease` waits while `size` tabs are all in use."""

    def __init__(self, size: int, max_uses: int, idle_s: float = 0.0) -> None:
        self.size = max(size, 1)
        self.max_uses = max(max_uses, 1)
        self.idle_s = idle_s  # a tab free this long is closed (0: kept until its last use)
        self.free: list[Any] = []
        self._parked: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()  # page -> its parking
        self._parkings = 0
        self._expiring: set[asyncio.Task[None]] = set()  # closes under way (kept: a task is held weakly)
        self.open = 0  # tabs in use or free, counting those being opened for a lease
        self.uses: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._changed: asyncio.Condition | None = None

    def _cond(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def lease(self) -> Any:
        """A free tab, or None: the caller may open a new one (its place is counted already)."""
        async with self._cond():
            while True:
                while self.free:
                    page = self.free.pop()
                    if not page.is_closed():
                        return page
                    self.open -= 1
                if self.open < self.size:
                    self.open += 1
                    return None
                await self._cond().wait()

    async def give_back(self, page: Any, reusable: bool) -> None:
        """The lease is over: the tab goes back to the pool, parked on a blank page, or is closed."""
        close = page is not None and not page.is_closed()
        if close and reusable and self.uses.get(page, 0) + 1 < self.max_uses:
            reusable = await _park(page)
        async with self._cond():
            if page is not None and reusable and close:
                self.uses[page] = self.uses.get(page, 0) + 1
                if self.uses[page] < self.max_uses:
                    self.free.append(page)
                    close = False
                    self._expire_later(page)
                else:
                    self.open -= 1
            else:
                self.open -= 1
            self._cond().notify()
        if close:
            await _close(page)

    def _expire_later(self, page: Any) -> None:
        if self.idle_s <= 0:
            return
        self._parkings += 1
        self._parked[page] = parking = self._parkings
        loop = asyncio.get_running_loop()
        loop.call_later(self.idle_s, self._start_expiry, page, parking)

    def _start_expiry(self, page: Any, parking: int) -> None:
        task = asyncio.get_running_loop().create_task(self._expire(page, parking))
        self._expiring.add(task)
        task.add_done_callback(self._expiring.discard)

    async def _expire(self, page: Any, parking: int) -> None:
        """Close a tab still free since `parking`: renders have become rare, and an open tab holds a renderer
        process (about 40 MB) until its next render."""
        async with self._cond():
            if self._parked.get(page) != parking or page not in self.free:
                return  # leased again since (and perhaps parked again: that parking has its own time limit)
            self.free.remove(page)
            self.open -= 1
            self._cond().notify()
        await _close(page)


async def _park(page: Any) -> bool:
    """Leave the rendered page for a blank one, so that nothing it runs goes on while the tab waits in the pool:
    a WAF challenge reloading itself, a page polling its server, a carousel or a marquee would keep Chromium
    (the browser, its compositor) and the site busy until the tab's next render. False: the tab is closed."""
    try:
        await asyncio.wait_for(page.goto("about:blank"), PARK_S)
        return True
    except Exception:  # a tab that cannot leave its page (hung, crashed) is closed instead
        logger.debug("parking a rendering tab failed", exc_info=True)
        return False


async def _close(page: Any) -> None:
    try:
        await page.close()
    except Exception:  # closing a crashed tab, or one whose browser is gone, has nothing left to do
        logger.debug("closing a rendering tab failed", exc_info=True)


class ReuseRenderTabs:
    def __init__(self, pool: TabPool, apart: str | None = None) -> None:
        self.pool = pool
        self.apart = apart  # renders go to the run owner's browser (govaudit.crawl.renderservice): no tab here

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReuseRenderTabs:
        s = crawler.settings
        uses = s.getint("GOVAUDIT_RENDER_TAB_USES")
        if uses <= 1:
            raise NotConfigured("every render opens its own tab (GOVAUDIT_RENDER_TAB_USES <= 1)")
        # every render is held here, so the shared browser may stop when none has run for a while
        CHROMIUM.idle_s = s.getfloat("GOVAUDIT_BROWSER_IDLE_S")
        return cls(TabPool(s.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 4), uses,  # closed with the browser
                           idle_s=s.getfloat("GOVAUDIT_RENDER_TAB_IDLE_S")),
                   render_socket(crawler))  # the spider, built before the middlewares, has attached its run

    async def process_request(self, request: Any, spider: Any = None) -> None:
        meta = request.meta
        if not meta.get("playwright") or meta.get(_INCLUDE) or _PAGE in meta or self.apart:
            return  # not a render, one that manages its own page, or one the run's owner makes
        await CHROMIUM.hold()  # waits while an idle browser is being stopped
        try:
            page = await self.pool.lease()
        except BaseException:
            CHROMIUM.unhold()
            raise
        meta[_LEASED] = True
        meta[_INCLUDE] = True  # scrapy-playwright leaves the tab open and hands it back in the meta
        if page is not None:
            meta[_PAGE] = page

    async def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        await self._end_lease(request, reusable=True)
        return response

    async def process_exception(self, request: Any, exception: BaseException, spider: Any = None) -> None:
        await self._end_lease(request, reusable=False)

    async def _end_lease(self, request: Any, reusable: bool) -> None:
        meta = request.meta
        if not meta.pop(_LEASED, False):
            return
        meta.pop(_INCLUDE, None)
        try:
            await self.pool.give_back(meta.pop(_PAGE, None), reusable)
        finally:
            CHROMIUM.unhold()
