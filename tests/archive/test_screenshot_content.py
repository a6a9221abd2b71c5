"""Archived pages are written into the screenshot tab (not navigated to): what the tab shows must still be the
page as the browser showed it: decoded in its own charset, its relative stylesheets and images fetched from
the archive at the addresses the browser asked for, its own <base> honoured, a meta refresh not followed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from govaudit.archive.index import ArchivedFetch
from govaudit.archive.screenshots import Screenshotter, ShotBrowser, ShotTarget, archived_html
from govaudit.store.db import get_engine

from .conftest import RUN, Archive, fetch

GBK = [("Content-Type", "text/html; charset=GBK")]
CSS = [("Content-Type", "text/css")]
TALL = b".wrap{height:2400px;background:url(img/bg.png)}"  # the shot's height shows the stylesheet was applied


def _copy(body: bytes, url: str = "http://www.a.gov.cn/col/tzgg/", ctype: str = "text/html") -> Any:
    row = type("Row", (), {"url": url, "kind": "response"})()
    return ArchivedFetch(row=row, status=200, headers=[("Content-Type", ctype)], raw=body, body=body, truncated=False)


def test_base_goes_into_the_head_and_a_pages_own_base_is_kept_absolute() -> None:
    text = archived_html(_copy(b"<!DOCTYPE html>\n<html lang='zh'><head><title>t</title></head><body>x</body></html>"))
    assert text.startswith("<!DOCTYPE html>\n<html lang='zh'><head><base href=\"http://www.a.gov.cn/col/tzgg/\">")
    own = archived_html(_copy(b"<html><head><base href='../../static/'><title>t</title></head></html>"))
    assert '<base href="http://www.a.gov.cn/static/">' in own
    assert own.index("http://www.a.gov.cn/static/") < own.index("../../static/")  # the first <base> is the one used
    bare = archived_html(_copy(b"<!doctype html><p>no head, no html</p>"))
    assert bare.startswith('<!doctype html><base href="http://www.a.gov.cn/col/tzgg/"><p>')  # not in quirks mode
    header = archived_html(_copy(b"<header class='top'>banner</header><div>list</div>"))
    assert header.startswith('<base href=') and "<header class='top'>" in header  # <header> is not <head>


def test_charset_and_meta_refresh() -> None:
    body = ("<html><head><meta http-equiv='refresh' content='0;url=/new/'>"
            "<title>通知公告_某市人民政府</title></head><body>暂无信息</body></html>").encode("gbk")
    text = archived_html(_copy(body, ctype="text/html; charset=gbk"))
    assert "通知公告_某市人民政府" in text and "暂无信息" in text
    assert "refresh" not in text.lower()
    sniffed = archived_html(_copy(body, ctype="text/html"))  # no charset declared: told from the bytes
    assert "通知公告_某市人民政府" in sniffed


def test_tab_shows_the_archived_page_with_its_relative_resources(archive: Archive) -> None:
    base = "http://www.a.gov.cn"
    page = ("<!DOCTYPE html><html><head><meta charset='gbk'><title>政务公开_示范市</title>"
            "<link rel='stylesheet' href='../css/main.css'></head>"
            "<body><div class='wrap'>栏目</div><img src='img/logo.png'></body></html>").encode("gbk")
    archive.add(fetch(f"{base}/zwgk/index.html", page, headers=GBK),
                fetch(f"{base}/css/main.css", TALL, headers=CSS),
                fetch(f"{base}/zwgk/other.html", b"<html><head><title>x</title></head><body>short</body></html>"),
                fetch(f"{base}/files/notice.txt", "关于开展网站检查的通知".encode(), headers=[("Content-Type", "text/plain")]))
    archive.close()
    shotter = Screenshotter(database_url=archive.db_url, evidence_dir=archive.evidence, run_id=RUN,
                            archive_run_id=RUN, timeout_ms=10000)
    asked: list[str] = []
    answer = shotter._answer

    async def spy(route: Any, db: Any, current: dict[str, Any]) -> None:
        asked.append(route.request.url)
        await answer(route, db, current)

    shotter._answer = spy  # type: ignore[method-assign]

    async def shoot() -> tuple[list[Any], str]:
        from playwright.async_api import async_playwright

        with get_engine(archive.db_url).connect() as db:
            async with async_playwright() as pw:
                shots = ShotBrowser.launching(shotter, db, pw)
                await shots.open()
                try:
                    rows = [await shots.shoot(ShotTarget("s1", f"{base}/zwgk/index.html", "veto")),
                            await shots.shoot(ShotTarget("s1", f"{base}/zwgk/other.html", "home"))]
                    rows.append(await shots.shoot(ShotTarget("s1", f"{base}/files/notice.txt", "deduction")))
                    await shots.shoot(ShotTarget("s1", f"{base}/zwgk/index.html", "veto"))
                    title = await shots.tab.evaluate("document.title")
                finally:
                    await shots.close()
        return rows, title

    rows, title = asyncio.run(shoot())
    tall, short, plain = rows
    assert tall is not None and short is not None and plain is not None
    assert title == "政务公开_示范市"  # the GBK page decoded as GBK
    assert tall["height"] >= 2400 > short["height"]  # the stylesheet, fetched relative to the page, applied
    assert f"{base}/css/main.css" in asked and f"{base}/zwgk/img/logo.png" in asked  # at the browser's addresses
    assert f"{base}/zwgk/img/bg.png" not in asked and f"{base}/css/img/bg.png" in asked  # CSS urls: the sheet's
    assert not [u for u in asked if u.endswith((".html", "/"))]  # the pages themselves were written, not fetched
    assert f"{base}/files/notice.txt" in asked  # a file that is not HTML is opened as the browser opens it
    assert Path(archive.evidence, tall["path"]).read_bytes()[:3] == b"\xff\xd8\xff"
