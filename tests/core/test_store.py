"""The evidence writer on both stores: idempotent upserts (what makes resumed runs duplicate-free)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from govaudit import items as it
from govaudit.store import models as m
from govaudit.store.writer import EvidenceWriter


def _column(run_id: str, dates: list[dt.date | None]) -> it.ColumnItem:
    return it.ColumnItem(
        run_id=run_id, site_id="S1", url="http://s1.gov.cn/tzgg/", name="通知公告", category="notice",
        entries=[it.Entry(title=f"通知{i}", url=f"http://s1.gov.cn/tzgg/{i}.html", date=d) for i, d in enumerate(dates)],
    )


def test_writer_roundtrip_and_idempotence(db_url: str) -> None:
    w = EvidenceWriter(db_url, batch=1000)
    run = {"id": "r1", "asof": dt.date(2017, 12, 15), "rubric": "census-2015", "totals": {"registered": 2}}
    w.begin_run(run, [{"site_id": "S1", "name": "示范站", "url": "http://s1.gov.cn/"}])
    w.begin_run(run, [{"site_id": "S1", "name": "示范站", "url": "http://s1.gov.cn/"}])  # resume: no duplicate
    for _ in range(2):  # the same evidence twice (a resumed run re-fetching a page)
        w.add(it.SiteItem(run_id="r1", site_id="S1", name="示范站", url="http://s1.gov.cn/", home_status=200))
        w.add(_column("r1", [dt.date(2017, 12, 10), dt.date(2017, 11, 1), None, dt.date(2018, 1, 5)]))
        w.add(it.PageItem(run_id="r1", site_id="S1", url="http://s1.gov.cn/", kind="home",
                          features={"zhaocuo": True, "title": "<script>x</script>"}))
        w.add(it.LinkItem(run_id="r1", site_id="S1", page_url="http://s1.gov.cn/", link_url="http://s1.gov.cn/x",
                          on_home=True, status=404, ok=False))
        w.add(it.LetterItem(run_id="r1", site_id="S1", url="http://s1.gov.cn/l/1", submitted=dt.date(2017, 1, 2),
                            replied=None))
        w.add(it.ProbeItem(site_id="S1", url="http://s1.gov.cn/", at=dt.datetime(2017, 12, 14, 1), ok=False))
        w.flush()
    with w.Session() as s:
        assert s.scalar(select(func.count()).select_from(m.Run)) == 1
        assert s.scalar(select(func.count()).select_from(m.RunSite)) == 1
        assert s.scalar(select(func.count()).select_from(m.Column)) == 1
        assert s.scalar(select(func.count()).select_from(m.Article)) == 4  # the future-dated entry is stored too
        assert s.scalar(select(func.count()).select_from(m.Link)) == 1
        assert s.scalar(select(func.count()).select_from(m.Letter)) == 1
        col = s.scalars(select(m.Column)).one()
        assert col.latest == dt.date(2017, 12, 10) and col.entries_count == 4 and col.undated == 1
        page = s.scalars(select(m.Page)).one()
        assert page.features["title"] == "<script>x</script>"
        site = s.get(m.RunSite, ("r1", "S1"))
        assert site.home_status == 200 and site.crawl_state == "ok"
        letter = s.scalars(select(m.Letter)).one()
        assert letter.submitted == dt.date(2017, 1, 2) and letter.replied is None
    w.finish_run("r1", "finished")
    with w.Session() as s:
        r = s.get(m.Run, "r1")
        assert r.status == "finished" and r.finished is not None
