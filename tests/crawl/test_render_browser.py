"""One Playwright driver and one Chromium per crawler process (govaudit.crawl.render.LimitedChromiumProvider):
Scrapy makes a download handler per scheme and each would start its own; here both share them, the driver starts
at the first render, and the last handler to close stops both."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from scrapy.settings import Settings

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")]


def _drivers() -> list[int]:
    """Playwright driver (Node) processes whose parent is this process."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            ppid = int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = Path(entry.path, "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"playwright" in cmd and b"run-driver" in cmd:
            found.append(int(entry.name))
    return found


def test_handlers_of_both_schemes_share_one_driver_and_one_browser() -> None:
    from scrapy_playwright.handler import Config

    from govaudit.crawl.render import LimitedChromiumProvider

    config = Config.from_settings(Settings({
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": "/usr/bin/chromium", "headless": True},
    }))

    async def scenario() -> None:
        http, https = LimitedChromiumProvider(config), LimitedChromiumProvider(config)
        await http.start()
        await https.start()
        assert _drivers() == []  # nothing rendered yet: no driver
        one, two = await asyncio.gather(http.launch_browser(), https.launch_browser())
        assert one is two and one.is_connected()
        assert len(_drivers()) == 1
        await one.close()  # a browser that died (a hostile page) is launched again at the next render
        again = await https.launch_browser()
        assert again is not one and again.is_connected() and len(_drivers()) == 1
        await http.close()
        assert again.is_connected()  # the other handler still renders
        await https.close()
        assert not again.is_connected()
        for _ in range(50):
            if not _drivers():
                break
            await asyncio.sleep(0.1)
        assert _drivers() == []
        assert os.environ.get("NODE_OPTIONS")  # the driver was started lean (or as the operator set it)

    asyncio.run(scenario())
