"""Screenshots taken in one reused tab from the archive: each page is the one asked for, and a page that
moves on by itself (a meta refresh, a Refresh header) is shot as archived instead of failing."""

from __future__ import annotations

import json
from pathlib import Path

from govaudit.archive.screenshots import Screenshotter, ShotTarget

from .conftest import RUN, Archive, fetch, html

REFRESH = (b"<html><head><meta charset='utf-8'><meta http-equiv='Refresh' content='0;url=/index.shtml'>"
           b"<title>jump</title></head><body><p>\xe9\xa1\xb5\xe9\x9d\xa2\xe8\xb7\xb3\xe8\xbd\xac</p></body></html>")


def _shoot(archive: Archive, targets: list[ShotTarget]) -> Screenshotter:
    shotter = Screenshotter(database_url=archive.db_url, evidence_dir=archive.evidence, run_id=RUN,
                            archive_run_id=RUN, timeout_ms=10000)
    shotter.rows = shotter.take(targets)  # type: ignore[attr-defined]
    return shotter


def test_pages_that_move_on_are_shot_as_archived_in_one_tab(archive: Archive) -> None:
    base = "http://www.a.gov.cn"
    archive.add(fetch(f"{base}/", REFRESH),
                fetch(f"{base}/index.shtml", html("门户首页")),
                fetch(f"{base}/old/", html("旧栏目"), headers=[("Content-Type", "text/html; charset=utf-8"),
                                                           ("Refresh", "0; url=/index.shtml")]),
                fetch(f"{base}/tzgg/", html("通知公告", rows=80)))
    archive.close()
    targets = [ShotTarget("s1", f"{base}/", "home"), ShotTarget("s1", f"{base}/tzgg/", "veto"),
               ShotTarget("s1", f"{base}/old/", "deduction"), ShotTarget("s1", f"{base}/missing/", "veto")]
    shotter = _shoot(archive, targets)
    rows = shotter.rows  # type: ignore[attr-defined]
    assert [r["url"] for r in rows] == [f"{base}/", f"{base}/tzgg/", f"{base}/old/"]
    assert [(t.url, why) for t, why in shotter.skipped] == [(f"{base}/missing/", "not in the archive")]
    heights = {r["url"]: r["height"] for r in rows}
    assert heights[f"{base}/tzgg/"] > heights[f"{base}/"]  # the tab showed each page, not the one before
    for r in rows:
        image = Path(archive.evidence) / r["path"]
        assert image.read_bytes()[:3] == b"\xff\xd8\xff" and image.stat().st_size == r["bytes"]
        assert json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))["url"] == r["url"]


def test_veto_pages_survive_the_cap_of_a_large_province(archive: Archive) -> None:
    """A province has more home pages than the run's screenshot cap: the pages proving a veto are kept first,
    a home page that is itself a veto page counts as one, and deductions come last."""
    from sqlalchemy.orm import Session

    from govaudit.archive.screenshots import plan
    from govaudit.store import models as m

    homes = [(f"s{i:02d}", f"http://www.s{i:02d}.gov.cn/") for i in range(12)]
    with Session(archive.engine) as s, s.begin():
        s.add_all(m.Page(run_id=RUN, site_id=site, url=url, kind="home") for site, url in homes)
        s.add_all([
            m.Finding(run_id=RUN, site_id="s11", indicator="V5", category="veto", message="信箱长期未回复",
                      subject_url="http://www.s11.gov.cn/ldxx/"),
            m.Finding(run_id=RUN, site_id="s10", indicator="V2", category="veto", message="无找错入口",
                      subject_url="http://www.s10.gov.cn/"),
            m.Finding(run_id=RUN, site_id="s00", indicator="D1", category="deduction", message="栏目不更新",
                      subject_url="http://www.s00.gov.cn/tzgg/"),
        ])
    with Session(archive.engine) as s:
        capped = plan(s, RUN, RUN, limit=4)
        everything = plan(s, RUN, RUN, limit=100)
    assert [(t.site_id, t.url) for t in capped] == [
        ("s10", "http://www.s10.gov.cn/"), ("s11", "http://www.s11.gov.cn/ldxx/"),
        ("s00", "http://www.s00.gov.cn/"), ("s01", "http://www.s01.gov.cn/")]
    assert capped[0].reason == "home"  # the veto's page is the home page: one shot, kept as the home shot
    assert len(everything) == 14 and everything[-1].url == "http://www.s00.gov.cn/tzgg/"
    assert everything[-1].reason == "deduction"


MARQUEE = ("<html><head><meta charset='utf-8'><title>滚动公告</title></head><body>"
           "<marquee direction='up' scrollamount='2'><p>通知公告第1条</p><p>通知公告第2条</p></marquee>"
           "</body></html>").encode()


def test_a_resting_tab_holds_no_archived_page_and_the_next_shot_is_taken(archive: Archive) -> None:
    """While the stream waits for sites to be scored its tab is emptied: an archived page left showing can go
    on moving (a marquee here, scripts off) and Chromium would draw it all the while."""
    import asyncio

    from playwright.async_api import async_playwright
    from sqlalchemy.orm import Session

    from govaudit.archive.screenshots import ShotBrowser

    base = "http://www.a.gov.cn"
    archive.add(fetch(f"{base}/gg/", MARQUEE), fetch(f"{base}/tzgg/", html("通知公告")))
    archive.close()
    shotter = Screenshotter(database_url=archive.db_url, evidence_dir=archive.evidence, run_id=RUN,
                            archive_run_id=RUN, timeout_ms=10000)

    async def scenario() -> tuple[str, str, str, dict[str, object], list[dict[str, object] | None]]:
        with Session(archive.engine) as db:
            async with async_playwright() as pw:
                shots = ShotBrowser.launching(shotter, db, pw)
                await shots.open()
                try:
                    first = await shots.shoot(ShotTarget("s1", f"{base}/gg/", "home"))
                    shown = await shots.tab.content()
                    await shots.rest()
                    rested = await shots.tab.content()
                    left = dict(shots.current)
                    second = await shots.shoot(ShotTarget("s1", f"{base}/tzgg/", "veto"))
                    after = await shots.tab.content()
                finally:
                    await shots.close()
        return shown, rested, after, left, [first, second]

    shown, rested, after, left, rows = asyncio.run(scenario())
    assert "<marquee" in shown
    assert "marquee" not in rested and "通知公告" not in rested and left == {}
    assert all(r is not None for r in rows) and "通知公告第1条" in after
