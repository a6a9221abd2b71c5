"""The crawler process's one Playwright driver and one Chromium, shared by everything that drives a browser in
it: the download handlers of both schemes (renders) and the screenshots.

A Playwright driver is a Node process (about 100 MB) and a Chromium's fixed processes (browser, GPU, network,
zygotes) about 190 MB more; each user starting its own cost a crawl of a province its memory margin. Here
`CHROMIUM` counts its users (`use`/`release`), starts the driver when the first of them asks for the browser
(a crawl that renders and shoots nothing starts none), and the last to release it stops both. Each user keeps
its own browser context in it. A browser that died (a hostile page) is launched again by the next request.

Memory: Chromium is started through a wrapper that caps each browser process's data segment (RLIMIT_DATA,
GOVAUDIT_RENDER_MEMORY_MB: this also bounds ArrayBuffers, which V8's heap limit does not) and sets V8's
old-space limit (GOVAUDIT_RENDER_JS_HEAP_MB).

* `LimitedChromiumProvider` (PLAYWRIGHT_BROWSER_PROVIDER): scrapy-playwright's provider, on `CHROMIUM`.
* `SharedBrowserHandler` (DOWNLOAD_HANDLERS): scrapy-playwright's handler, which closes its own contexts at
  close and leaves the browser to `CHROMIUM` (it would close it under the screenshots still being taken).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.provider import PlaywrightBrowserProvider

from govaudit.crawl.renderservice import CONNECT_WAIT_S, RenderServiceUnavailable, render_apart, render_socket

logger = logging.getLogger(__name__)

# the Playwright driver is a Node process; with V8's default young generation (16 MB semi-spaces) it held about
# 65 MB more per driver at 100 sites than with 1 MB ones (benchmarks/README.md); its CPU is small either way
DRIVER_NODE_OPTIONS = "--max-semi-space-size=1"

_LIMITS = {"memory_mb": 1024, "js_heap_mb": 512}


def lean_driver() -> None:
    """Before a Playwright driver starts (it inherits this environment): a small young generation for its Node,
    unless the operator set NODE_OPTIONS."""
    os.environ.setdefault("NODE_OPTIONS", DRIVER_NODE_OPTIONS)


def configure_browser_limits(settings: Any) -> None:
    _LIMITS["memory_mb"] = settings.getint("GOVAUDIT_RENDER_MEMORY_MB", _LIMITS["memory_mb"])
    _LIMITS["js_heap_mb"] = settings.getint("GOVAUDIT_RENDER_JS_HEAP_MB", _LIMITS["js_heap_mb"])


def limited_launch_options(options: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Launch options that start Chromium through a wrapper with RLIMIT_DATA and a V8 heap limit."""
    opts = dict(options)
    args = list(opts.get("args") or [])
    if _LIMITS["js_heap_mb"] and not any(a.startswith("--js-flags") for a in args):
        args.append(f"--js-flags=--max-old-space-size={_LIMITS['js_heap_mb']}")
    opts["args"] = args
    exe = opts.get("executable_path") or shutil.which("chromium") or "/usr/bin/chromium"
    if _LIMITS["memory_mb"]:
        wrapper = workdir / "chromium-limited"
        wrapper.write_text(f"#!/bin/sh\nulimit -d {_LIMITS['memory_mb'] * 1024} || exit 111\n"
                           f"exec '{exe}' \"$@\"\n", encoding="utf-8")
        wrapper.chmod(0o700)
        opts["executable_path"] = str(wrapper)
    return opts


class SharedChromium:
    """The process's driver and browser, counted users. Used from the event loop that runs the crawl."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.users = 0
        self._cm: Any = None
        self._playwright: Any = None
        self._browser: Any = None
        self._workdir: Path | None = None
        self._lock: asyncio.Lock | None = None
        self.idle_s = 0.0  # unused this long (nothing held), the browser and the driver stop (0: never)
        self.holds = 0  # renders and shots under way
        self._last_used = time.monotonic()
        self._stopping: asyncio.Event | None = None  # an idle stop under way (set when it is over)
        self._watcher: asyncio.Task[None] | None = None
        self._on_stop: list[Callable[[], Awaitable[None]]] = []

    def use(self) -> None:
        """One more user; the driver itself starts when a browser is first asked for."""
        self.users += 1

    @property
    def running(self) -> bool:
        return self._playwright is not None

    def lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def driver(self) -> Any:
        """The Playwright driver, started now if it is not running (call it holding `lock()`)."""
        if self._playwright is None:
            from playwright.async_api import PlaywrightContextManager

            lean_driver()
            self._cm = PlaywrightContextManager()
            self._playwright = await self._cm.start()
        return self._playwright

    async def browser(self, launch_options: dict[str, Any]) -> Any:
        """The running Chromium, launched now (with the memory limits) if there is none or it died."""
        async with self.lock():
            driver = await self.driver()
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._workdir is None:
                self._workdir = Path(tempfile.mkdtemp(prefix="govaudit-chromium-"))  # 0700
            options = limited_launch_options(launch_options, self._workdir)
            logger.info("Launching Chromium (each process's data segment <= %d MB, JS heap <= %d MB)",
                        _LIMITS["memory_mb"], _LIMITS["js_heap_mb"])
            self._browser = await driver.chromium.launch(**options)
            self._last_used = time.monotonic()
            self._watch()
            return self._browser

    async def hold(self) -> None:
        """A render or a shot begins: the browser is not stopped for being idle until `unhold`."""
        while self._stopping is not None:
            await self._stopping.wait()
        self.holds += 1
        self._last_used = time.monotonic()

    def unhold(self) -> None:
        self.holds -= 1
        self._last_used = time.monotonic()

    def on_idle_stop(self, forget: Callable[[], Awaitable[None]]) -> None:
        """`forget` is awaited before an idle stop closes the browser (a download handler drops its contexts)."""
        if forget not in self._on_stop:
            self._on_stop.append(forget)

    def _watch(self) -> None:
        if self.idle_s > 0 and (self._watcher is None or self._watcher.done()):
            self._watcher = asyncio.get_running_loop().create_task(self._idle_watch(), name="govaudit-chromium-idle")

    async def _idle_watch(self) -> None:
        """Stop the browser and the driver once nothing has used them for `idle_s`: renders are rare, and a
        worker that has rendered its last page would hold both (about 300 MB) until its crawl closes."""
        while self._browser is not None:
            idle = time.monotonic() - self._last_used
            if self.holds == 0 and idle >= self.idle_s:
                await self._idle_stop()
                return
            await asyncio.sleep(max(self.idle_s - idle, self.idle_s / 4, 0.05))

    async def _idle_stop(self) -> None:
        stopping = self._stopping = asyncio.Event()
        try:
            async with self.lock():
                browser, cm, playwright = self._browser, self._cm, self._playwright
                self._browser = self._cm = self._playwright = None
                for forget in list(self._on_stop):
                    with contextlib.suppress(Exception):
                        await forget()
                await self._stop(browser, cm, playwright)
                logger.info("Chromium and its Playwright driver stopped: unused for %.0f s", self.idle_s)
        finally:
            self._stopping = None
            stopping.set()

    @staticmethod
    async def _stop(browser: Any, cm: Any, playwright: Any) -> None:
        if browser is not None:
            with contextlib.suppress(Exception):  # gone already, with its driver or a hostile page
                await browser.close()
        if cm is not None:
            with contextlib.suppress(Exception):
                await cm.__aexit__()
        if playwright is not None:
            with contextlib.suppress(Exception):
                await playwright.stop()

    async def release(self) -> None:
        """One user fewer; the last one closes the browser and stops the driver."""
        self.users -= 1
        if self.users > 0:
            return
        browser, cm, playwright, workdir = self._browser, self._cm, self._playwright, self._workdir
        if self._watcher is not None:
            self._watcher.cancel()
        self._reset()  # a later crawl in this process starts afresh
        try:
            await self._stop(browser, cm, playwright)
        finally:
            if workdir is not None and workdir.is_dir():
                shutil.rmtree(workdir, ignore_errors=True)


CHROMIUM = SharedChromium()


class LimitedChromiumProvider(PlaywrightBrowserProvider):
    """scrapy-playwright's provider on the process's shared driver and browser (`CHROMIUM`).

    Scrapy makes one download handler per scheme (http, https), and each would start its own Playwright driver
    when the crawl starts and its own Chromium at its first render; here they share one of each, each handler
    keeping its own context. A remote browser (PLAYWRIGHT_CDP_URL, PLAYWRIGHT_CONNECT_URL) or another browser
    type is connected or launched as scrapy-playwright does, on the shared driver."""

    async def start(self) -> None:
        CHROMIUM.use()

    async def launch_browser(self) -> Any:
        if self.config.cdp_url or self.config.connect_url or self.config.browser_type_name != "chromium":
            async with CHROMIUM.lock():
                self.browser_type = getattr(await CHROMIUM.driver(), self.config.browser_type_name)
            return await super().launch_browser()
        return await CHROMIUM.browser(self.config.launch_options)

    async def launch_persistent_context(self, context_kwargs: dict[str, Any]) -> Any:
        async with CHROMIUM.lock():
            self.browser_type = getattr(await CHROMIUM.driver(), self.config.browser_type_name)
        return await super().launch_persistent_context(context_kwargs)

    async def close(self) -> None:
        await CHROMIUM.release()


class SharedBrowserHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's download handler, except that at close it closes only its own contexts: the browser
    is `CHROMIUM`'s, closed by its last user (the screenshots still use it while the crawl closes). When
    `CHROMIUM` stops an idle browser, the handler drops its contexts and the browser first, and the next
    render launches them again. In a worker that does not own a run of several workers, renders go to the
    owner's browser (govaudit.crawl.renderservice), or are made here if it cannot be reached."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._apart = render_socket(crawler)  # built at the first request, once the spider has attached its run
        self._apart_failed = False

    async def download_request(self, request: Any) -> Any:
        if self._apart is not None and request.meta.get("playwright"):
            try:  # once the socket has failed, it is tried again without waiting for it
                response = await render_apart(self._apart, request, 0.0 if self._apart_failed else CONNECT_WAIT_S)
            except RenderServiceUnavailable as exc:
                self._apart_failed = True
                self.stats.inc_value("govaudit/renders_fallback")
                logger.warning("govaudit: %s; rendering %s in this worker's own browser", exc, request.url)
            else:
                self.stats.inc_value("govaudit/renders_apart")
                return response
            await CHROMIUM.hold()  # not leased a tab (the tab middleware left it to the owner): held here
            try:
                return await super().download_request(request)
            finally:
                CHROMIUM.unhold()
        return await super().download_request(request)

    async def _maybe_launch_browser(self) -> None:
        await super()._maybe_launch_browser()
        CHROMIUM.on_idle_stop(self._forget_browser)

    async def _forget_browser(self) -> None:
        with contextlib.suppress(Exception):  # their close callbacks give back the context places
            await asyncio.gather(*(w.context.close() for w in list(self.context_wrappers.values())))
        self.context_wrappers.clear()
        browser = self.__dict__.pop("browser", None)
        if browser is not None:
            with contextlib.suppress(Exception):
                browser.remove_listener("disconnected", self._browser_disconnected_callback)

    async def _close(self) -> None:
        browser = self.__dict__.pop("browser", None)
        if browser is not None:  # its later end is no longer this handler's business
            with contextlib.suppress(Exception):
                browser.remove_listener("disconnected", self._browser_disconnected_callback)
        await super()._close()
