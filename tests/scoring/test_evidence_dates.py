"""Future-dated, invalid and undated entries are evidence: stored by the writer, judged at the scoring as-of
date, and counted by a rescore at a later as-of date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from govaudit import items as it
from govaudit.scoring.evidence import load_evidence
from govaudit.scoring.service import evaluate, score_site
from govaudit.store import models as m
from govaudit.store.writer import EvidenceWriter
from tests.conftest import begin_run

from .factory import ASOF
from .helpers import of, score

SITE = "http://www.s.gov.cn/"


def _crawl(db_url: str, *columns: tuple[str, str, list[it.Entry]]) -> EvidenceWriter:
    """A crawled site as the spider emits it, written by the real writer."""
    w = EvidenceWriter(db_url)
    begin_run(w, {"id": "run1", "asof": ASOF, "rubric": "inspection-2019"},
                [{"site_id": "s", "name": "s政府网", "url": SITE, "kind": "portal"}])
    w.add(it.SiteItem(run_id="run1", site_id="s", name="s政府网", url=SITE, kind="portal", home_status=200))
    w.add(it.PageItem(run_id="run1", site_id="s", url=SITE, kind="home", features={"zhaocuo": True}))
    w.add(it.ColumnItem(run_id="run1", site_id="s", url=SITE, name="首页", source="home", category="home",
                        depth=0, on_home=True,
                        entries=[it.Entry(url=f"{SITE}h{i}.html", date=ASOF - dt.timedelta(days=i)) for i in range(12)]))
    for name, category, entries in columns:
        w.add(it.ColumnItem(run_id="run1", site_id="s", url=f"{SITE}{category}/", name=name, category=category,
                            entries=entries))
    w.flush()
    return w


def _score(w: EvidenceWriter, rubric, asof: dt.date = ASOF):
    with w.Session() as s:
        return evaluate(load_evidence(s, "run1", "s", asof), rubric, asof)


def test_an_all_future_column_gets_the_rubric_future_wording(db_url, r19):
    future = [it.Entry(url=f"{SITE}xw/{i}.html", title=f"预告{i}", date=ASOF + dt.timedelta(days=3 + i))
              for i in range(4)]
    w = _crawl(db_url, ("工作动态", "news", future))
    (finding,) = of(_score(w, r19), "C19-D4")
    assert "所列4条信息的发布时间均晚于监测时间点或未注明，按未更新处理" in finding.message
    assert "栏目无任何信息" not in finding.message


def test_a_column_of_invalid_dates_is_undated_not_blank(db_url, r19):
    bad = [it.Entry(url=f"{SITE}xw/{i}.html", title=f"信息{i}", date_text=text)
           for i, text in enumerate(["2017-13-45", "0000-00-00", "2026-02-30"])]
    w = _crawl(db_url, ("工作动态", "news", bad))
    r = _score(w, r19)
    (finding,) = of(r, "C19-D4")
    assert "有3条信息但均未注明发布时间，按未更新处理" in finding.message
    assert not any("工作动态" in f.message for f in of(r, "C19-V4c") + of(r, "C19-D9"))  # not a blank column
    with w.Session() as s:
        texts = sorted(s.scalars(select(m.Article.date_text).where(m.Article.column_url == f"{SITE}news/")))
    assert texts == ["0000-00-00", "2017-13-45", "2026-02-30"]


def test_rescoring_at_a_later_asof_counts_formerly_future_entries(session, factory, r19):
    """The crawl's as-of date was 2024-06-30, but the site listed items dated 07-03 and 07-05 (the evidence was
    fetched on 07-06): as of 06-30 they are not updates; a rescore as of 07-06 counts them."""
    factory.good_site("s")
    url = factory.column("s", "工作动态", "news", [ASOF + dt.timedelta(days=3), ASOF + dt.timedelta(days=5)])
    at_crawl = [f for f in of(score(session, r19, "s"), "C19-D4") if f.evidence.get("url") == url]
    assert len(at_crawl) == 1 and "晚于监测时间点" in at_crawl[0].message

    later = ASOF + dt.timedelta(days=6)
    session.add(m.Run(id="rescore1", kind="rescore", asof=later, rubric="inspection-2019", status="finished",
                      parent_run_id="run1", evidence_run_id="run1"))
    result = score_site(session, "rescore1", "s", r19, later, evidence_run_id="run1")
    assert not [f for f in of(result, "C19-D4") if f.evidence.get("url") == url]
    stored = session.scalars(select(m.Finding.evidence).where(m.Finding.run_id == "rescore1",
                                                              m.Finding.indicator == "C19-D4")).all()
    assert url not in {e.get("url") for e in stored}
