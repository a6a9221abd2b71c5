"""The JavaScript-built lists really fill in a browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import os
import shutil

import pytest

from govaudit.demo.province import Province

CHROMIUM = os.environ.get("GOVAUDIT_CHROMIUM", "/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="no Chromium (apt-get install chromium)"),
]


def test_js_list_renders_entries_and_pager(province: Province, served, expected: dict) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    _server, urls = served
    site_id = next(sid for sid, e in expected.items() if e["js_columns"])
    site = province.site(site_id)
    col = site.column(expected[site_id]["js_columns"][0])
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(urls[site_id] + col.path.lstrip("/"), timeout=20000)
            page.wait_for_selector("#list li", timeout=10000)
            items = page.locator("#list li").all_inner_texts()
            assert len(items) == 20 and col.entries[0].title in items[0]
            assert col.entries[0].date.isoformat() in items[0]
            page.click("#pager a:has-text('下一页')")
            page.wait_for_function("document.querySelectorAll('#list li').length > 0 && "
                                   f"!document.body.innerText.includes({col.entries[0].title!r})", timeout=10000)
            assert col.entries[20].title in page.locator("#list").inner_text()
        finally:
            browser.close()
