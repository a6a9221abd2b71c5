"""The evidence writer on both stores: idempotent upserts (what makes resumed runs duplicate-free)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from govaudit import items as it
from govaudit.store import models as m
from govaudit.store.writer import EvidenceWriter
from tests.conftest import begin_run, finish_run


def _column(run_id: str, dates: list[dt.date | None]) -> it.ColumnItem:
    return it.ColumnItem(
        run_id=run_id, site_id="S1", url="http://s1.gov.cn/tzgg/", name="通知公告", category="notice",
        entries=[it.Entry(title=f"通知{i}", url=f"http://s1.gov.cn/tzgg/{i}.html", date=d) for i, d in enumerate(dates)],
    )


def test_writer_roundtrip_and_idempotence(db_url: str) -> None:
    w = EvidenceWriter(db_url, batch=1000)
    run = {"id": "r1", "asof": dt.date(2017, 12, 15), "rubric": "census-2015", "totals": {"registered": 2}}
    begin_run(w, run, [{"site_id": "S1", "name": "示范站", "url": "http://s1.gov.cn/"}])
    begin_run(w, run, [{"site_id": "S1", "name": "示范站", "url": "http://s1.gov.cn/"}])  # resume: no duplicate
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
    finish_run(w, "r1", "finished")
    with w.Session() as s:
        r = s.get(m.Run, "r1")
        assert r.status == "finished" and r.finished is not None


# --- one bad value never costs other sites (or the site's other rows) their evidence -------------------------

LONG_URL = "http://s1.gov.cn/list.jsp?" + "&".join(f"k{i}=" + "v" * 60 for i in range(80))  # 5 KB


def _site_evidence(run_id: str, site_id: str) -> list:
    home = f"http://{site_id}.gov.cn/"
    return [
        it.SiteItem(run_id=run_id, site_id=site_id, name=site_id, url=home, home_status=200),
        it.PageItem(run_id=run_id, site_id=site_id, url=home, kind="home", features={"zhaocuo": True}),
        it.ColumnItem(run_id=run_id, site_id=site_id, url=f"{home}xw/", name="新闻", category="news",
                      entries=[it.Entry(url=f"{home}xw/{i}.html", title=f"新闻{i}", date=dt.date(2017, 12, i + 1))
                               for i in range(3)]),
        it.LinkItem(run_id=run_id, site_id=site_id, page_url=home, link_url=f"{home}ok.html", on_home=True,
                    status=200),
    ]


def test_a_bad_row_costs_nothing_else(db_url: str, caplog) -> None:
    w = EvidenceWriter(db_url, batch=1000)
    run = {"id": "r1", "asof": dt.date(2017, 12, 15), "rubric": "census-2015"}
    begin_run(w, run, [{"site_id": s, "name": s, "url": f"http://{s}.gov.cn/"} for s in ("s1", "s2", "s3")])
    for site_id in ("s1", "s2", "s3"):
        for item in _site_evidence("r1", site_id):
            w.add(item)
        if site_id == "s2":  # a status no INTEGER column holds, and a feature JSON cannot hold
            w.add(it.LinkItem(run_id="r1", site_id="s2", page_url="http://s2.gov.cn/", link_url="http://s2.gov.cn/x",
                              on_home=True, status=2**70))
            w.add(it.PageItem(run_id="r1", site_id="s2", url="http://s2.gov.cn/bad", kind="column",
                              features={"odd": {1, 2}}))
            # and a URL far longer than the old VARCHAR(2000) column: stored whole now
            w.add(it.LinkItem(run_id="r1", site_id="s2", page_url=LONG_URL, link_url=LONG_URL + "&z=1",
                              on_home=False, status=404, ok=False))
    w.flush()
    with w.Session() as s:
        for site_id in ("s1", "s2", "s3"):
            where = {"run_id": "r1", "site_id": site_id}
            assert s.scalar(select(func.count()).select_from(m.Article).filter_by(**where)) == 3
            assert s.scalar(select(func.count()).select_from(m.Column).filter_by(**where)) == 1
            assert s.get(m.RunSite, ("r1", site_id)).home_status == 200
            pages = set(s.scalars(select(m.Page.url).filter_by(**where)))
            assert pages == {f"http://{site_id}.gov.cn/"}
        links = set(s.scalars(select(m.Link.link_url).filter_by(run_id="r1", site_id="s2")))
        assert links == {"http://s2.gov.cn/ok.html", LONG_URL + "&z=1"}
        errors = s.get(m.RunSite, ("r1", "s2")).write_errors
        assert len(errors) == 2 and any("links http://s2.gov.cn/x" in e for e in errors)
        assert any("pages http://s2.gov.cn/bad" in e for e in errors)
        assert s.get(m.RunSite, ("r1", "s1")).write_errors == []
    assert "evidence row not stored" in caplog.text


def test_every_entry_is_stored_future_and_invalid_dates_included(db_url: str) -> None:
    w = EvidenceWriter(db_url)
    begin_run(w, {"id": "r1", "asof": dt.date(2017, 12, 15), "rubric": "census-2015"},
                [{"site_id": "S1", "name": "示范站", "url": "http://s1.gov.cn/"}])
    w.add(it.ColumnItem(run_id="r1", site_id="S1", url="http://s1.gov.cn/tzgg/", name="通知公告", category="notice",
                        entries=[it.Entry(url="http://s1.gov.cn/tzgg/1.html", title="坏日期", date_text="2017-13-45"),
                                 it.Entry(url="http://s1.gov.cn/tzgg/2.html", title="零日期", date_text="0000-00-00"),
                                 it.Entry(url="http://s1.gov.cn/tzgg/3.html", title="未来", date=dt.date(2099, 1, 1))]))
    w.flush()
    with w.Session() as s:
        arts = {a.title: a for a in s.scalars(select(m.Article))}
        assert arts["坏日期"].date is None and arts["坏日期"].date_text == "2017-13-45"
        assert arts["零日期"].date_text == "0000-00-00" and arts["未来"].date == dt.date(2099, 1, 1)
        col = s.scalars(select(m.Column)).one()
        assert (col.entries_count, col.undated, col.latest, col.blank) == (3, 2, None, False)
