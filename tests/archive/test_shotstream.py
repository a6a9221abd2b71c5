"""Screenshots taken while the crawl runs: a scored site is shot once the archive index holds its pages, and
the run's screenshots at the end are exactly its plan under the cap (early shots reused, the rest deleted).
The stream is a task on the running loop, in a context of the process's shared Chromium."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from govaudit.archive.screenshots import Screenshotter, ShotTarget, plan
from govaudit.archive.shotstream import ShotStream
from govaudit.crawl.browser import CHROMIUM
from govaudit.store import models as m
from tests.processes import browsers, playwright_drivers

from .conftest import RUN, Archive, fetch, html

SITES = [f"s{i:02d}" for i in range(6)]


def _home(site: str) -> str:
    return f"http://www.{site}.gov.cn/"


def _province(archive: Archive) -> None:
    archive.add(*(fetch(_home(site), html(f"{site}门户"), site_id=site) for site in SITES),
                fetch(f"{_home('s05')}ldxx/", html("领导信箱", rows=40), site_id="s05"),
                fetch(f"{_home('s00')}tzgg/", html("通知公告", rows=60), site_id="s00"))
    archive.close()
    with Session(archive.engine) as s, s.begin():
        s.add_all(m.Page(run_id=RUN, site_id=site, url=_home(site), kind="home") for site in SITES)
        s.add_all([m.Finding(run_id=RUN, site_id="s05", indicator="V5", category="veto", message="信箱长期未回复",
                             subject_url=f"{_home('s05')}ldxx/"),
                   m.Finding(run_id=RUN, site_id="s00", indicator="D1", category="deduction", message="栏目不更新",
                             subject_url=f"{_home('s00')}tzgg/")])


def _stream(archive: Archive, indexed: list[int], *, limit: int = 100, sites: int = 6) -> ShotStream:
    """`sites`: the run's (SITES and more ids after them)."""
    shotter = Screenshotter(database_url=archive.db_url, evidence_dir=archive.evidence, run_id=RUN,
                            archive_run_id=RUN, timeout_ms=10000)
    return ShotStream(shotter, limit=limit, evidence_run_id=RUN, indexed=lambda: indexed[0],
                      site_ids=[f"s{i:02d}" for i in range(sites)])


def _images(archive: Archive) -> dict[str, float]:
    folder = Path(archive.evidence) / RUN / "screenshots"
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*.jpg")} if folder.exists() else {}


async def _wait_for(archive: Archive, n: int, timeout: float = 90.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while len(_images(archive)) < n:
        assert time.monotonic() < deadline, f"{len(_images(archive))} of {n} screenshots after {timeout} s"
        await asyncio.sleep(0.2)
    return _images(archive)


def test_sites_are_shot_as_scored_and_the_end_keeps_the_plan(archive: Archive) -> None:
    _province(archive)
    indexed = [0]

    async def crawl() -> tuple[dict[str, float], list[ShotTarget], list[dict[str, Any]], ShotStream]:
        stream = _stream(archive, indexed)
        stream.start()
        for site in SITES[:5]:
            stream.site_scored(site, 7)  # scored when 7 responses had been downloaded
        await asyncio.sleep(1.5)
        assert _images(archive) == {}  # the index has not caught up: nothing is planned, nothing shot
        indexed[0] = 7
        early = await _wait_for(archive, 6)  # five home pages and s00's deduction page
        with Session(archive.engine) as s:
            targets = plan(s, RUN, RUN, limit=4)  # the cap: s05's veto page, then the first three home pages
        return early, targets, await stream.finish(targets), stream

    early, targets, rows, stream = asyncio.run(crawl())
    assert len(early) == 6
    assert [t.url for t in targets] == [f"{_home('s05')}ldxx/", _home("s00"), _home("s01"), _home("s02")]
    assert CHROMIUM.users == 0 and not CHROMIUM.running  # the stream's end released the shared browser

    assert [(r["site_id"], r["url"], r["reason"]) for r in rows] == [(t.site_id, t.url, t.reason) for t in targets]
    after = _images(archive)
    assert sorted(after) == sorted(Path(r["path"]).relative_to(Path(RUN) / "screenshots").as_posix() for r in rows)
    for r in rows[1:]:  # shot during the crawl and kept as they were, not shot again
        key = Path(r["path"]).relative_to(Path(RUN) / "screenshots").as_posix()
        assert after[key] == early[key]
    for r in rows:
        image = Path(archive.evidence) / r["path"]
        assert image.read_bytes()[:3] == b"\xff\xd8\xff" and image.stat().st_size == r["bytes"]
        assert image.with_suffix(".json").exists()
    leftovers = list((Path(archive.evidence) / RUN / "screenshots").rglob("*.json"))
    assert len(leftovers) == len(rows)  # the early shots the plan does not keep are gone with their notes
    # counted for the crawl's stats: 6 early, s05's veto page at the end; 3 early home pages not kept
    assert (stream.taken, stream.at_end, stream.dropped) == (7, 1, 3)


def test_an_interrupted_crawl_keeps_no_early_screenshot(archive: Archive) -> None:
    _province(archive)

    async def crawl() -> None:
        stream = _stream(archive, [10])
        stream.start()
        stream.site_scored("s01", 1)
        await _wait_for(archive, 1)
        await stream.abandon()

    asyncio.run(crawl())
    assert _images(archive) == {}
    assert list((Path(archive.evidence) / RUN / "screenshots").rglob("*.json")) == []


def test_when_the_cap_will_bind_only_veto_pages_are_shot_early(archive: Archive) -> None:
    """A province of 100 sites at about two pages each, under a cap of 4: a home page shot during the crawl
    could lose its place to a later site's veto page, so only the veto page is shot before the end."""
    _province(archive)
    indexed = [0]

    async def crawl() -> tuple[dict[str, float], list[ShotTarget], list[dict[str, Any]]]:
        stream = _stream(archive, indexed, limit=4, sites=100)
        stream.start()
        for site in ("s00", "s01", "s05"):  # five pages of three sites: the veto page projected 2nd, homes 34th+
            stream.site_scored(site, 1)
        indexed[0] = 1
        early = await _wait_for(archive, 1)
        await asyncio.sleep(2.0)
        assert _images(archive) == early and len(early) == 1  # s05's veto page, and nothing else
        with Session(archive.engine) as s:
            targets = plan(s, RUN, RUN, limit=4)
        return early, targets, await stream.finish(targets)

    early, targets, rows = asyncio.run(crawl())
    assert [(r["url"], r["reason"]) for r in rows] == [(t.url, t.reason) for t in targets]
    assert rows[0]["url"] == f"{_home('s05')}ldxx/" and len(_images(archive)) == 4
    veto_key = Path(rows[0]["path"]).relative_to(Path(RUN) / "screenshots").as_posix()
    assert _images(archive)[veto_key] == early[veto_key]  # the early veto shot is the one kept


def test_pages_projected_well_inside_the_cap_are_shot_early_in_the_plans_order(archive: Archive) -> None:
    """Every site scored: eight pages for a cap of 6. The plan keeps s05's veto page and the homes of s00-s04;
    the pages standing within 80% of the cap (the veto page and four homes) are shot during the crawl, s04's
    home (6th) at the end, and s05's home and s00's deduction page (past the cap) never."""
    _province(archive)

    async def crawl() -> tuple[dict[str, float], list[ShotTarget], list[dict[str, Any]], ShotStream]:
        stream = _stream(archive, [1], limit=6)
        stream.start()
        for site in reversed(SITES):  # scored out of the plan's order
            stream.site_scored(site, 1)
        early = await _wait_for(archive, 5)
        await asyncio.sleep(2.0)
        assert _images(archive) == early
        with Session(archive.engine) as s:
            targets = plan(s, RUN, RUN, limit=6)
        return early, targets, await stream.finish(targets), stream

    early, targets, rows, stream = asyncio.run(crawl())
    assert [t.url for t in targets] == [f"{_home('s05')}ldxx/", *(_home(f"s{i:02d}") for i in range(5))]
    assert [r["url"] for r in rows] == [t.url for t in targets]
    shot_early = {Path(r["path"]).relative_to(Path(RUN) / "screenshots").as_posix(): r["url"] for r in rows}
    assert sorted(u for k, u in shot_early.items() if k in early) == sorted(t.url for t in targets[:5])
    assert (stream.taken, stream.at_end, stream.dropped) == (6, 1, 0)


def test_the_stream_shoots_in_the_crawls_browser_and_outlives_the_handlers(archive: Archive) -> None:
    """One Playwright driver and one Chromium for renders and screenshots: the shots take a context in the
    browser the download handlers launched, and the handlers' close (before the run's plan is shot) leaves it
    open until the stream has ended."""
    from scrapy.settings import Settings
    from scrapy_playwright.handler import Config

    from govaudit.crawl.browser import LimitedChromiumProvider

    _province(archive)
    config = Config.from_settings(Settings({"PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": "/usr/bin/chromium",
                                                                          "headless": True}}))

    async def crawl() -> list[dict[str, Any]]:
        handler = LimitedChromiumProvider(config)
        await handler.start()
        rendering = await handler.launch_browser()  # a render
        stream = _stream(archive, [10])
        stream.start()
        stream.site_scored("s01", 1)
        await _wait_for(archive, 1)
        assert len(playwright_drivers()) == 1 and len(browsers()) == 1
        assert len(rendering.contexts) == 1  # the shots' own context, in the renders' browser
        await handler.close()  # the downloader closes first
        assert rendering.is_connected()
        with Session(archive.engine) as s:
            targets = plan(s, RUN, RUN, limit=3)
        rows = await stream.finish(targets)  # two of them shot now, in that browser
        assert not rendering.is_connected()
        for _ in range(50):  # the driver exits once the last user has released it
            if not playwright_drivers():
                break
            await asyncio.sleep(0.1)
        assert playwright_drivers() == []
        return rows

    rows = asyncio.run(crawl())
    assert [r["url"] for r in rows] == [f"{_home('s05')}ldxx/", _home("s00"), _home("s01")]
    assert all((Path(archive.evidence) / r["path"]).stat().st_size == r["bytes"] for r in rows)


def test_a_shot_lost_with_the_shared_browser_is_taken_again(archive: Archive) -> None:
    """The browser is the crawl's, and a page being rendered can take it down (a crash, its memory limit): the
    shot in flight is not the page's fault, so it is not given up; the next shot launches the browser again
    and the lost one is taken at the end."""
    import signal

    _province(archive)

    async def crawl() -> list[dict[str, Any]]:
        stream = _stream(archive, [10])
        stream.start()
        stream.site_scored("s01", 1)
        await _wait_for(archive, 1)
        [browser] = browsers()
        os.kill(browser, signal.SIGKILL)  # while s02's home page is being shot, or just before
        stream.site_scored("s02", 1)
        stream.site_scored("s03", 1)
        await _wait_for(archive, 2)
        with Session(archive.engine) as s:
            targets = [t for t in plan(s, RUN, RUN, limit=100) if t.site_id in ("s01", "s02", "s03")]
        return await stream.finish(targets)

    rows = asyncio.run(crawl())
    assert sorted(r["site_id"] for r in rows) == ["s01", "s02", "s03"]
    assert all((Path(archive.evidence) / r["path"]).stat().st_size == r["bytes"] for r in rows)
