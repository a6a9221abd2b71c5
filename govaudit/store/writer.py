"""Buffered, idempotent writing of evidence records (govaudit.records) to SQL.

* Rows are derived from the records generically (`records.row_values`: the record's fields that are columns
  of its table) and upserted on their natural keys, so a resumed run (or a site crawled twice) never stores a
  row twice. Each table gets one executemany per flush (SQLAlchemy's insertmanyvalues), never a compiled
  giant VALUES statement.
* Each site's rows are written in one transaction of their own: one site's bad value never costs another
  site its evidence. When a site's transaction fails, its rows are written again one by one; a row that still
  fails is logged and recorded on the site (`run_sites.write_errors`), everything else is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from govaudit import records as rec
from govaudit.store import models as m
from govaudit.store.db import session_factory, table_of, upsert

logger = logging.getLogger(__name__)

MAX_WRITE_ERRORS = 50  # per site, in run_sites.write_errors


@cache
def _columns(model: type[m.Base]) -> frozenset[str]:
    return frozenset(model.__table__.columns.keys())


@dataclass(frozen=True)
class Table:
    """Where the records of one class go: the model and which columns an upsert may update."""

    model: type[m.Base]
    keyed: bool = True  # upserted on (run_id, site_id, key_hash); else appended (probes)

    @property
    def name(self) -> str:
        return str(self.model.__tablename__)

    def update_columns(self, row: dict[str, Any]) -> list[str]:
        return [c for c in row if c not in {"run_id", "site_id", "key_hash"}]


# record class -> its table (Site updates run_sites; Column also writes its entries to articles)
TABLES: dict[type, Table] = {
    rec.Page: Table(m.Page),
    rec.Column: Table(m.Column),
    rec.Link: Table(m.Link),
    rec.Guide: Table(m.Guide),
    rec.Letter: Table(m.Letter),
    rec.Probe: Table(m.Probe, keyed=False),
}
ARTICLES = Table(m.Article)


@dataclass
class _Op:
    """Rows of one table, or one site outcome, ready to execute."""

    table: Table | None  # None: a run_sites update
    rows: list[dict[str, Any]]
    label: Callable[[dict[str, Any]], str]


def _row_label(table: str) -> Callable[[dict[str, Any]], str]:
    def label(row: dict[str, Any]) -> str:
        url = row.get("url") or row.get("link_url") or row.get("site_id") or ""
        return f"{table} {str(url)[:200]}"

    return label


class EvidenceWriter:
    def __init__(self, database_url: str, batch: int = 200) -> None:
        self.Session = session_factory(database_url)
        self.batch = batch
        self._buffer: list[Any] = []
        self._asof: dict[str, dt.date] = {}

    # --- run sites (the run itself is opened and finished by govaudit.store.runs) ----------------
    def mark_done(self, run_id: str, site_id: str) -> None:
        with self.Session.begin() as s:
            s.execute(update(m.RunSite).where(m.RunSite.run_id == run_id, m.RunSite.site_id == site_id)
                      .values(done=True))

    # --- evidence --------------------------------------------------------------
    def add(self, item: Any) -> None:
        self._buffer.append(item)
        if len(self._buffer) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write the buffered records, one transaction per site."""
        if not self._buffer:
            return
        buf, self._buffer = self._buffer, []
        by_site: dict[tuple[str, str], list[Any]] = {}
        for item in buf:
            by_site.setdefault((getattr(item, "run_id", ""), item.site_id), []).append(item)
        for (run_id, site_id), items in by_site.items():
            self._write_site(run_id, site_id, items)

    def _run_asof(self, session: Session, run_id: str) -> dt.date:
        """The as-of date of the run (columns' summaries are as of it); a run not in SQL summarises all."""
        if run_id not in self._asof:
            run = session.get(m.Run, run_id) if run_id else None
            self._asof[run_id] = run.asof if run is not None else dt.date.max
        return self._asof[run_id]

    def _plan(self, session: Session, items: Iterable[Any]) -> list[_Op]:
        """The rows of a site's records, per table, in an order that keeps the natural keys unique."""
        rows: dict[str, list[dict[str, Any]]] = {}
        tables: dict[str, Table] = {}
        sites: list[dict[str, Any]] = []
        for item in items:
            if isinstance(item, rec.Site):
                sites.append(rec.row_values(item, _columns(m.RunSite)))
                continue
            table = TABLES.get(type(item))
            if table is None:
                logger.warning("no table for %s: not stored", type(item).__name__)
                continue
            context: dict[str, Any] = {}
            if isinstance(item, rec.Column):
                context = item.summary(self._run_asof(session, item.run_id))
                context["category"] = item.category or "other"
                tables[ARTICLES.name] = ARTICLES
                rows.setdefault(ARTICLES.name, []).extend(
                    self._keyed(ARTICLES, rec.row_values(e, _columns(m.Article), run_id=item.run_id,
                                                         site_id=item.site_id, column_url=item.url))
                    for e in item.entries)
            tables[table.name] = table
            row = rec.row_values(item, _columns(table.model), **context)
            rows.setdefault(table.name, []).append(self._keyed(table, row) if table.keyed else row)
        ops = [_Op(None, sites, _row_label("run_sites"))] if sites else []
        ops += [_Op(tables[name], table_rows, _row_label(name)) for name, table_rows in rows.items() if table_rows]
        return ops

    @staticmethod
    def _keyed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
        row["key_hash"] = m.row_key(table.name, row)
        return row

    @staticmethod
    def _execute(session: Session, op: _Op, rows: list[dict[str, Any]]) -> None:
        if op.table is None:
            for site in rows:
                values = {k: v for k, v in site.items() if k not in {"run_id", "site_id"}}
                session.execute(update(m.RunSite).where(m.RunSite.run_id == site["run_id"],
                                                        m.RunSite.site_id == site["site_id"]).values(**values))
        elif op.table.keyed:
            upsert(session, op.table.model, rows, keys=["run_id", "site_id", "key_hash"],
                   update=op.table.update_columns(rows[0]))
        else:
            session.execute(insert(table_of(op.table.model)), rows)  # Core executemany, no ORM bookkeeping

    def _write_site(self, run_id: str, site_id: str, items: list[Any]) -> None:
        try:
            with self.Session.begin() as s:
                for op in self._plan(s, items):
                    self._execute(s, op, op.rows)
            return
        except Exception:
            logger.exception("storing the evidence of site %s (run %s) failed; writing its rows one by one",
                             site_id, run_id)
        with self.Session() as s:
            ops = self._plan(s, items)
        failures: list[str] = []
        for op in ops:
            for row in op.rows:
                try:
                    with self.Session.begin() as s:
                        self._execute(s, op, [row])
                except Exception as exc:  # one bad row: logged and recorded, every other row kept
                    why = f"{op.label(row)}: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
                    logger.error("evidence row not stored: %s", why)
                    failures.append(rec.clean_text(why))
        if failures and run_id:
            self._record_failures(run_id, site_id, failures)

    def _record_failures(self, run_id: str, site_id: str, failures: list[str]) -> None:
        try:
            with self.Session.begin() as s:
                site = s.get(m.RunSite, (run_id, site_id))
                if site is not None:
                    site.write_errors = [*(site.write_errors or []), *failures][:MAX_WRITE_ERRORS]
        except Exception:
            logger.exception("could not record the write failures of site %s", site_id)


def get_writer(crawler: Any) -> EvidenceWriter:
    """The one writer of a crawler, shared by the store and scoring pipelines."""
    writer = getattr(crawler, "_govaudit_writer", None)
    if writer is None:
        settings = crawler.settings
        writer = EvidenceWriter(settings.get("GOVAUDIT_DATABASE_URL"), settings.getint("GOVAUDIT_STORE_BATCH", 200))
        crawler._govaudit_writer = writer
    return writer
