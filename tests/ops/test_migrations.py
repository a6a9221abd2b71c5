"""Alembic migrations on SQLite and PostgreSQL: a database created by the FIRST migration, with a run in it,
upgraded to head keeps its rows; the head schema is exactly models.Base.metadata; get_engine creates new
databases at head and refuses outdated ones."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from govaudit.commands.db import Command as DbCommand
from govaudit.store import migrate
from govaudit.store import models as m
from govaudit.store.db import get_engine

from .helpers import run_command

LATER_TABLES = {"registry_sites", "registry_events", "manual_findings", "rubric_snapshots", "zhaocuo_messages",
                "archive_records", "screenshots",
                "monitor_sites", "monitor_columns", "monitor_ledger", "monitor_flags", "monitor_site_days",
                "monitor_alerts", "monitor_notifications"}
RUN = "20261120-010000-abcd"
LONG_URL = "http://a1.gov.cn/xw/list.jsp?" + "&".join(f"p{i}=" + "x" * 40 for i in range(100))  # 4.4 KB


class _Rows:
    """Core inserts of the given columns only (typed as the models type them), so rows can be written into
    the first migration's schema with today's models."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def __call__(self, table: sa.Table, rows: list[dict]) -> None:
        cols = [sa.Column(k, table.c[k].type if k in table.c else sa.JSON()) for k in rows[0]]  # JSON: dropped since
        self.conn.execute(sa.Table(table.name, sa.MetaData(), *cols).insert(), rows)


def _insert_run(url: str) -> None:
    """A finished run with evidence at the FIRST schema, written with plain Core inserts of its columns."""
    engine = create_engine(url)
    now = dt.datetime(2026, 11, 20, 1, 0)
    with engine.begin() as conn:
        c = _Rows(conn)
        c(m.Run.__table__, [{
            "id": RUN, "kind": "monitor", "asof": dt.date(2026, 11, 20), "rubric": "inspection-2019",
            "registry_source": "registry.csv", "started": now, "finished": now, "status": "finished",
            "parent_run_id": None, "sample_share": None, "sample_seed": None,
            "totals": {"registered": 2, "running": 2}, "params": {"sites": []}}])
        c(m.RunSite.__table__, [
            {"run_id": RUN, "site_id": sid, "name": f"网站{sid}", "url": f"http://{sid}.gov.cn/", "organizer": "",
             "region": "江城市", "level": "市级", "kind": "department", "has_services": True, "crawl_state": "ok",
             "home_status": 200, "final_url": f"http://{sid}.gov.cn/", "error": "", "done": True}
            for sid in ("a1", "a2")])
        c(m.Article.__table__, [
            {"run_id": RUN, "site_id": "a1", "column_url": "http://a1.gov.cn/xw/", "url": f"http://a1.gov.cn/xw/{i}.html",
             "title": f"新闻{i}", "date": dt.date(2026, 11, i)} for i in range(1, 6)])
        c(m.Score.__table__, [{
            "run_id": RUN, "site_id": "a1", "rubric": "inspection-2019", "verdict": "qualified", "score": 92.5,
            "deduction_score": 92.5, "bonus": 0.0, "vetoes": [], "reason": "", "computed_at": now}])
        c(m.Finding.__table__, [{
            "run_id": RUN, "site_id": "a1", "indicator": "C1", "category": "deduction", "title": "栏目不更新",
            "points": 2.5, "message": "政务动态栏目超过2周未更新", "evidence": {"url": "http://a1.gov.cn/xw/"},
            "manual": False}])
        # a column whose future-dated entries were kept as JSON (before revision 0004)
        c(m.Column.__table__, [{
            "run_id": RUN, "site_id": "a1", "url": "http://a1.gov.cn/xw/", "name": "新闻", "parent_url": "",
            "depth": 1, "source": "nav", "on_home": False, "category": "news", "http_status": 200, "error": "",
            "blank": False, "blank_note": False, "pages_fetched": 1, "rendered": False, "entries_count": 5,
            "undated": 0, "latest": dt.date(2026, 11, 5), "fetched_at": now,
            "future": [{"title": "未来", "url": "http://a1.gov.cn/xw/99.html", "date": "2027-01-01"},
                       {"title": "重复", "url": "http://a1.gov.cn/xw/1.html", "date": "2027-01-02"}]}])
        c(m.Probe.__table__, [{
            "site_id": "a1", "url": "http://a1.gov.cn/", "at": now, "ok": True, "status": 200, "elapsed": 0.2,
            "error": ""}])
    engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_first_migration_keeps_runs(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    migrate.upgrade(db_url, migrate.BASELINE)
    assert migrate.current(db_url) == "0001_initial"
    tables = _tables(db_url)
    assert set(m.Base.metadata.tables) - tables == LATER_TABLES
    _insert_run(db_url)
    # the code refuses the outdated schema with the command to run
    with pytest.raises(migrate.SchemaOutdated, match="scrapy db upgrade"):
        get_engine(db_url)
    code, out = run_command(DbCommand, ["current"], db_url, capsys)
    assert code == 3 and "0001_initial" in out and "scrapy db upgrade" in out
    code, out = run_command(DbCommand, ["upgrade"], db_url, capsys)
    assert code == 0 and f"0001_initial -> {migrate.head_revision()}" in out
    assert _tables(db_url) >= LATER_TABLES
    code, out = run_command(DbCommand, ["current"], db_url, capsys)
    assert code == 0 and "up to date" in out
    with Session(get_engine(db_url)) as s:  # accepted now, and every row is still there
        run = s.get(m.Run, RUN)
        assert run is not None and run.status == "finished" and run.totals == {"registered": 2, "running": 2}
        assert s.scalar(select(func.count()).select_from(m.RunSite).where(m.RunSite.run_id == RUN)) == 2
        # the column's future-dated entry became an article like the others (its duplicate was not added)
        arts = {a.url: a for a in s.scalars(select(m.Article))}
        assert len(arts) == 6 and arts["http://a1.gov.cn/xw/99.html"].date == dt.date(2027, 1, 1)
        assert all(a.key_hash == m.row_key("articles", {"column_url": a.column_url, "url": a.url})
                   for a in arts.values())
        assert s.scalar(select(m.Column.entries_count)) == 6
        assert s.scalar(select(m.Score.score).where(m.Score.site_id == "a1")) == 92.5
        assert s.scalar(select(m.Finding.evidence)) == {"url": "http://a1.gov.cn/xw/"}
        # the new tables work
        s.add(m.RegistrySite(site_id="a1", name="网站a1", url="http://a1.gov.cn/"))
        s.add(m.ManualFinding(site_id="a1", indicator="C9", message="严重错别字", author="张三"))
        # URLs are unbounded now, and the unique key is a digest of them (PostgreSQL indexes stay small)
        s.add(m.Link(run_id=RUN, site_id="a1", page_url=LONG_URL, link_url=LONG_URL + "#x", on_home=True))
        s.add(m.RunSite(run_id=RUN, site_id="a3", name="网站a3", url=LONG_URL, final_url=LONG_URL))
        s.commit()
        assert s.scalar(select(func.count()).select_from(m.RegistrySite)) == 1
        assert s.scalar(select(m.Link.link_url)) == LONG_URL + "#x"
    code, out = run_command(DbCommand, ["upgrade"], db_url, capsys)
    assert code == 0 and f"already at revision {migrate.head_revision()}" in out


def _diff(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            return compare_metadata(ctx, m.Base.metadata)
    finally:
        engine.dispose()


def test_head_schema_equals_models(db_url: str) -> None:
    migrate.upgrade(db_url)
    assert migrate.current(db_url) == migrate.head_revision()
    assert _diff(db_url) == []


def test_downgrade_to_first_and_back(db_url: str) -> None:
    migrate.upgrade(db_url)
    migrate.downgrade(db_url, migrate.BASELINE)
    assert not LATER_TABLES & _tables(db_url)
    migrate.upgrade(db_url)
    assert _diff(db_url) == []


def test_new_database_is_created_at_head(db_url: str) -> None:
    engine = get_engine(db_url)
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    assert _diff(db_url) == []


def test_unversioned_databases_are_adopted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Databases created by create_all before migrations existed: complete ones are stamped at head by
    get_engine; one with the first shipped tables only is refused, then `scrapy db upgrade` adopts it."""
    complete = f"sqlite:///{tmp_path / 'complete.sqlite'}"
    engine = create_engine(complete)
    m.Base.metadata.create_all(engine)
    engine.dispose()
    with get_engine(complete).connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()

    old = f"sqlite:///{tmp_path / 'old.sqlite'}"
    migrate.upgrade(old, migrate.BASELINE)  # the first shipped tables, as create_all made them then
    engine = create_engine(old)
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE {migrate.VERSION_TABLE}"))
    engine.dispose()
    _insert_run(old)
    with pytest.raises(migrate.SchemaOutdated, match="lacks table"):
        get_engine(old)
    code, out = run_command(DbCommand, ["upgrade"], old, capsys)
    assert code == 0 and f"-> {migrate.head_revision()}" in out
    with Session(get_engine(old)) as s:
        assert s.get(m.Run, RUN) is not None
    assert _diff(old) == []


def test_unknown_revision_is_an_error(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_command(DbCommand, ["upgrade", "9999_nope"], sqlite_url, capsys)
    assert code == 1 and "9999_nope" in out


def test_the_schema_head_named_in_code_is_alembics() -> None:
    """A database at SCHEMA_HEAD is opened without Alembic: the constant must name the newest migration."""
    assert migrate.head_revision() == migrate.SCHEMA_HEAD


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'current.sqlite'}"
    get_engine(db).dispose()  # created at the head
    code = ("import sys; from govaudit.store.db import get_engine; get_engine(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako', 'pygments')))")
    out = subprocess.run([sys.executable, "-c", code, db], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
