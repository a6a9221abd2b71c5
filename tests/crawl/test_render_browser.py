"""One Playwright driver and one Chromium per crawler process (govaudit.crawl.browser.LimitedChromiumProvider):
Scrapy makes a download handler per scheme and each would start its own; here both share them (and the screenshots
with them), the driver starts at the first render, and the last user to close stops both."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from tests.processes import playwright_drivers

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")]


def test_handlers_of_both_schemes_share_one_driver_and_one_browser() -> None:
    from scrapy_playwright.handler import Config

    from govaudit.crawl.browser import LimitedChromiumProvider

    config = Config.from_settings(Settings({
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": "/usr/bin/chromium", "headless": True},
    }))

    async def scenario() -> None:
        http, https = LimitedChromiumProvider(config), LimitedChromiumProvider(config)
        await http.start()
        await https.start()
        assert playwright_drivers() == []  # nothing rendered yet: no driver
        one, two = await asyncio.gather(http.launch_browser(), https.launch_browser())
        assert one is two and one.is_connected()
        assert len(playwright_drivers()) == 1
        await one.close()  # a browser that died (a hostile page) is launched again at the next render
        again = await https.launch_browser()
        assert again is not one and again.is_connected() and len(playwright_drivers()) == 1
        await http.close()
        assert again.is_connected()  # the other handler still renders
        await https.close()
        assert not again.is_connected()
        for _ in range(50):
            if not playwright_drivers():
                break
            await asyncio.sleep(0.1)
        assert playwright_drivers() == []
        assert os.environ.get("NODE_OPTIONS")  # the driver was started lean (or as the operator set it)

    asyncio.run(scenario())


# A download handler is built by a crawler on Twisted's asyncio reactor: its own process, as in a crawl.
HANDLER_CLOSE = """
import asyncio
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy.utils.test import get_crawler
from govaudit.crawl.browser import CHROMIUM, SharedBrowserHandler

OPTIONS = {"executable_path": "/usr/bin/chromium", "headless": True}

async def main():
    crawler = get_crawler(settings_dict={"PLAYWRIGHT_LAUNCH_OPTIONS": OPTIONS,
                                         "PLAYWRIGHT_BROWSER_PROVIDER": "govaudit.crawl.browser.LimitedChromiumProvider"})
    handler = SharedBrowserHandler.from_crawler(crawler)
    await handler._launch()
    await handler._maybe_launch_browser()  # a render
    browser = handler.browser
    CHROMIUM.use()  # the screenshots
    print("same browser", await CHROMIUM.browser(OPTIONS) is browser)
    await handler._close()  # the crawl's downloader closes before the last screenshots are taken
    print("open after the handler closed", browser.is_connected())
    await CHROMIUM.release()
    await asyncio.sleep(0.5)  # the handler's disconnection callback, had it been left, would run now
    print("open after the last user", browser.is_connected(), CHROMIUM.running)

    # an idle stop: the handler forgets its contexts and browser first, and its next render launches them again
    CHROMIUM.idle_s = 0.3
    handler = SharedBrowserHandler.from_crawler(crawler)
    await handler._launch()
    await handler._maybe_launch_browser()
    ctx = await handler._create_browser_context("govaudit", {})
    first = handler.browser
    await asyncio.sleep(1.5)
    print("stopped when idle", first.is_connected(), hasattr(handler, "browser"), len(handler.context_wrappers))
    await CHROMIUM.hold()  # as govaudit.crawl.tabs does for every render
    ctx = await handler._create_browser_context("govaudit", {})
    page = await ctx.context.new_page()
    await page.set_content("<p>again</p>")
    await asyncio.sleep(1.0)  # held: not stopped however long the render takes
    print("renders again", handler.browser is not first, await page.inner_text("p"))
    CHROMIUM.unhold()
    await handler._close()
    print("closed", CHROMIUM.users, CHROMIUM.running)

asyncio.run(main())
"""


def test_a_closing_download_handler_leaves_the_browser_to_its_other_users() -> None:
    """scrapy-playwright's handler closes its browser when it closes; the screenshots still use it then."""
    done = subprocess.run([sys.executable, "-c", HANDLER_CLOSE], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["same browser True", "open after the handler closed True",
                                        "open after the last user False False",
                                        "stopped when idle False False 0", "renders again True again",
                                        "closed 0 False"]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]


def test_an_unused_browser_and_its_driver_stop_and_start_again_when_needed() -> None:
    """Renders are rare: a worker that has rendered its last page would hold Chromium and its driver (about
    300 MB) until its crawl closes. Unused (nothing held) for `idle_s`, both stop; a holder keeps them; the next
    user starts them again."""
    from govaudit.crawl.browser import SharedChromium

    chromium = SharedChromium()
    options = {"executable_path": "/usr/bin/chromium", "headless": True}

    async def scenario() -> None:
        chromium.use()
        chromium.idle_s = 0.5
        first = await chromium.browser(options)
        await chromium.hold()  # a render under way for longer than idle_s
        await asyncio.sleep(1.5)
        assert first.is_connected() and len(playwright_drivers()) == 1
        chromium.unhold()
        for _ in range(50):
            if not playwright_drivers():
                break
            await asyncio.sleep(0.1)
        assert not first.is_connected() and playwright_drivers() == [] and not chromium.running
        assert chromium.users == 1  # still in use by the crawl: only the processes stopped
        again = await chromium.browser(options)  # the next render
        assert again is not first and again.is_connected() and len(playwright_drivers()) == 1
        await chromium.release()
        assert not again.is_connected()

    asyncio.run(scenario())
