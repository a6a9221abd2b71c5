"""Buffered, idempotent writing of evidence items to SQL.

Rows are keyed by their natural keys (run, site, url...) and upserted, so a resumed run
(or a site crawled twice) never stores a row twice."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict
from typing import Any

from sqlalchemy import select, update

from govaudit import items as it
from govaudit.store import models as m
from govaudit.store.db import session_factory, upsert

logger = logging.getLogger(__name__)


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class EvidenceWriter:
    def __init__(self, database_url: str, batch: int = 200) -> None:
        self.Session = session_factory(database_url)
        self.batch = batch
        self._buffer: list[Any] = []

    # --- run lifecycle -------------------------------------------------------
    def begin_run(self, run: dict[str, Any], sites: list[dict[str, Any]]) -> None:
        """Create the run (or keep it when resuming) and one pending row per site of the run."""
        with self.Session.begin() as s:
            existing = s.get(m.Run, run["id"])
            if existing is None:
                s.add(m.Run(**run))
            else:
                existing.status = "running"
                existing.finished = None
            rows = [{"run_id": run["id"], **site} for site in sites]
            upsert(s, m.RunSite, rows, keys=["run_id", "site_id"],
                   update=["name", "url", "organizer", "region", "level", "kind", "has_services"])

    def finish_run(self, run_id: str, status: str) -> None:
        with self.Session.begin() as s:
            s.execute(
                update(m.Run)
                .where(m.Run.id == run_id)
                .values(status=status, finished=dt.datetime.now(dt.UTC).replace(tzinfo=None))
            )

    def done_sites(self, run_id: str) -> set[str]:
        with self.Session() as s:
            return set(s.scalars(select(m.RunSite.site_id).where(m.RunSite.run_id == run_id, m.RunSite.done)))

    # --- evidence --------------------------------------------------------------
    def add(self, item: Any) -> None:
        self._buffer.append(item)
        if len(self._buffer) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        buf, self._buffer = self._buffer, []
        grouped: dict[type, list[Any]] = {}
        for item in buf:
            grouped.setdefault(type(item), []).append(item)
        with self.Session.begin() as s:
            for site in grouped.get(it.SiteItem, []):
                values = asdict(site)
                run_id, site_id = values.pop("run_id"), values.pop("site_id")
                s.execute(
                    update(m.RunSite).where(m.RunSite.run_id == run_id, m.RunSite.site_id == site_id).values(**values)
                )
            upsert(
                s, m.Page,
                [{**asdict(p)} for p in grouped.get(it.PageItem, [])],
                keys=["run_id", "site_id", "url"], update=["kind", "status", "features", "error"],
            )
            columns = grouped.get(it.ColumnItem, [])
            upsert(s, m.Column, [self._column_row(c) for c in columns], keys=["run_id", "site_id", "url"],
                   update=[k for k in self._column_row_keys() if k not in {"run_id", "site_id", "url"}])
            articles = [
                {"run_id": c.run_id, "site_id": c.site_id, "column_url": c.url, "url": e.get("url") or "",
                 "title": e.get("title") or "", "date": _date(e.get("date"))}
                for c in columns for e in c.entries
            ]
            upsert(s, m.Article, articles, keys=["run_id", "site_id", "column_url", "url"], update=["title", "date"])
            upsert(s, m.Link, [asdict(x) for x in grouped.get(it.LinkItem, [])],
                   keys=["run_id", "site_id", "page_url", "link_url"], update=["on_home", "status", "ok", "error"])
            upsert(s, m.Guide, [asdict(x) for x in grouped.get(it.GuideItem, [])],
                   keys=["run_id", "site_id", "url"], update=["title", "elements", "attachments"])
            letters = [{**asdict(x), "submitted": _date(x.submitted), "replied": _date(x.replied)}
                       for x in grouped.get(it.LetterItem, [])]
            upsert(s, m.Letter, letters, keys=["run_id", "site_id", "url"],
                   update=["column_url", "title", "submitted", "replied"])
            for probe in grouped.get(it.ProbeItem, []):
                row = asdict(probe)
                row["at"] = dt.datetime.fromisoformat(row["at"]).replace(tzinfo=None)
                s.add(m.Probe(**row))

    @staticmethod
    def _column_row_keys() -> list[str]:
        return ["run_id", "site_id", "url", "name", "parent_url", "depth", "source", "on_home", "category",
                "http_status", "error", "blank", "blank_note", "pages_fetched", "rendered", "entries_count",
                "undated", "latest", "future"]

    @staticmethod
    def _column_row(c: it.ColumnItem) -> dict[str, Any]:
        return {
            "run_id": c.run_id, "site_id": c.site_id, "url": c.url, "name": c.name[:300],
            "parent_url": c.parent_url, "depth": c.depth, "source": c.source, "on_home": c.on_home,
            "category": c.category or "other", "http_status": c.http_status, "error": c.error,
            "blank": c.blank, "blank_note": c.blank_note, "pages_fetched": c.pages_fetched,
            "rendered": c.rendered, "entries_count": len(c.entries), "undated": c.undated,
            "latest": _date(c.latest), "future": c.future,
        }

    def mark_done(self, run_id: str, site_id: str) -> None:
        with self.Session.begin() as s:
            s.execute(update(m.RunSite).where(m.RunSite.run_id == run_id, m.RunSite.site_id == site_id)
                      .values(done=True))


def get_writer(crawler: Any) -> EvidenceWriter:
    """The one writer of a crawler, shared by the store and scoring pipelines."""
    writer = getattr(crawler, "_govaudit_writer", None)
    if writer is None:
        settings = crawler.settings
        writer = EvidenceWriter(settings.get("GOVAUDIT_DATABASE_URL"), settings.getint("GOVAUDIT_STORE_BATCH", 200))
        crawler._govaudit_writer = writer
    return writer
