"""Migration 0005 on SQLite and PostgreSQL: findings stored before it get their check kind (moved out of the
evidence JSON), subject URL and evidence references, resolved against the evidence run of their run; a rescore
of a rescore is pointed at the crawl. Downgrading puts the check kind back into the evidence."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from govaudit.store import migrate
from govaudit.store import models as m

BEFORE = "0004_evidence_records"
HOME = "http://a1.gov.cn/"
NEWS = HOME + "xw/"

runs = sa.table("runs", *(sa.column(c) for c in ("id", "kind", "asof", "rubric", "registry_source", "started",
                                                  "status", "parent_run_id", "evidence_run_id", "timezone")),
                sa.column("totals", sa.JSON), sa.column("params", sa.JSON))
findings = sa.table("findings", *(sa.column(c) for c in ("id", "run_id", "site_id", "indicator", "category", "title",
                                                          "points", "message", "manual")),
                    sa.column("evidence", sa.JSON))

# `columns` as the revision before 0005 has it: the model's columns without those later revisions added
LATER_COLUMNS = {"feed_url"}  # 0012_column_feed
OLD_COLUMNS = sa.Table("columns", sa.MetaData(),
                       *(c._copy() for c in m.Column.__table__.columns if c.name not in LATER_COLUMNS))


def _old_rows(url: str) -> None:
    """A crawl, a rescore of it and a rescore of that rescore (as 0003 left them), with findings of the last
    one in the old shape: the check kind inside the evidence JSON."""
    engine = create_engine(url)
    now = dt.datetime(2024, 7, 1, 8, 0)
    base = {"asof": dt.date(2024, 6, 30), "rubric": "inspection-2019", "registry_source": "", "started": now,
            "status": "finished", "timezone": "Asia/Shanghai", "totals": {}, "params": {}}
    with engine.begin() as c:
        c.execute(sa.insert(runs), [
            {**base, "id": "crawl", "kind": "audit", "parent_run_id": None, "evidence_run_id": "crawl"},
            {**base, "id": "r1", "kind": "rescore", "parent_run_id": "crawl", "evidence_run_id": "crawl"},
            {**base, "id": "r2", "kind": "rescore", "parent_run_id": "r1", "evidence_run_id": "r1"},
        ])
        c.execute(OLD_COLUMNS.insert(), [
            {"run_id": "crawl", "site_id": "a1", "url": u, "name": n, "parent_url": HOME, "depth": d, "source": s,
             "on_home": True, "category": k, "http_status": 200, "error": "", "blank": False, "blank_note": False,
             "pages_fetched": 1, "rendered": False, "entries_count": 3, "undated": 0, "latest": dt.date(2024, 1, 2),
             "fetched_at": now}
            for u, n, d, s, k in ((HOME, "首页", 0, "home", "home"), (NEWS, "新闻", 1, "nav", "news"))])
        c.execute(m.Page.__table__.insert(), [{"run_id": "crawl", "site_id": "a1", "url": HOME, "kind": "home",
                                               "status": 200, "features": {}, "error": "", "fetched_at": now}])
        c.execute(m.Link.__table__.insert(), [{"run_id": "crawl", "site_id": "a1", "page_url": HOME,
                                               "link_url": HOME + "x.jpg", "on_home": True, "status": 404,
                                               "ok": False, "error": ""}])
        common = {"run_id": "r2", "site_id": "a1", "category": "deduction", "title": "t", "points": 1.0,
                  "message": "m", "manual": False}
        c.execute(sa.insert(findings), [
            {**common, "id": 1, "indicator": "C19-D4",
             "evidence": {"check": "column_freshness", "url": NEWS, "latest": "2024-01-02"}},
            {**common, "id": 2, "indicator": "C19-V4a",
             "evidence": {"check": "stale_columns_count", "columns": [{"url": NEWS, "name": "新闻"}], "count": 1}},
            {**common, "id": 3, "indicator": "C19-D22",
             "evidence": {"check": "broken_links", "link_url": HOME + "x.jpg", "page_url": HOME, "status": 404}},
            {**common, "id": 4, "indicator": "C19-D16", "evidence": {"author": "张三"}},
        ])
    engine.dispose()


def test_old_findings_are_typed(db_url: str) -> None:
    migrate.upgrade(db_url, BEFORE)
    _old_rows(db_url)
    migrate.upgrade(db_url)
    engine = create_engine(db_url)
    with Session(engine) as s:
        assert s.get(m.Run, "r2").evidence_run_id == "crawl"        # followed to the crawl
        rows = {f.id: f for f in s.scalars(sa.select(m.Finding))}
        assert [rows[i].check for i in (1, 2, 3, 4)] == ["column_freshness", "stale_columns_count", "broken_links", ""]
        assert all("check" not in f.evidence for f in rows.values())
        assert rows[4].evidence == {"author": "张三"}
        assert [rows[i].subject_url for i in (1, 2, 3, 4)] == [NEWS, "", HOME + "x.jpg", ""]
        assert rows[1].evidence_refs == [{"table": "columns", "url": NEWS}]
        assert rows[2].evidence_refs == [{"table": "columns", "url": NEWS}]
        assert rows[3].evidence_refs == [{"table": "links", "page_url": HOME, "link_url": HOME + "x.jpg"},
                                         {"table": "pages", "url": HOME}]
        assert rows[4].evidence_refs == []
    engine.dispose()
    migrate.downgrade(db_url, BEFORE)
    engine = create_engine(db_url)
    with engine.connect() as c:
        evidence = dict(c.execute(sa.select(findings.c.id, findings.c.evidence)).all())
    engine.dispose()
    assert evidence[1] == {"check": "column_freshness", "url": NEWS, "latest": "2024-01-02"}
    assert evidence[4] == {"author": "张三"}
