"""Real update cadence of a column (what 「长期未更新」 means to an inspector): the entries govaudit saw
appear in it — their first-seen days from the ledger, not the dates the site prints — per week, and the
longest stretch without one, over the days it was watched."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govaudit.store import models as m


@dataclass
class Cadence:
    site_id: str
    column_url: str
    name: str
    category: str
    depth: int
    start: dt.date  # first day watched in the period
    end: dt.date
    entries: int  # entries that appeared (first seen) in the period
    per_week: float
    longest_gap: int  # days
    last_new: dt.date | None


def watched_since(session: Session, site_ids: list[str], start: dt.date, end: dt.date) -> dict[str, dt.date]:
    """The first day of daily monitoring of each site within [start, end]."""
    rows = session.execute(select(m.MonitorSiteDay.site_id, func.min(m.MonitorSiteDay.day))
                           .where(m.MonitorSiteDay.site_id.in_(site_ids), m.MonitorSiteDay.day >= start,
                                  m.MonitorSiteDay.day <= end)
                           .group_by(m.MonitorSiteDay.site_id))
    return dict(rows.tuples().all())


def column_cadence(session: Session, site_ids: list[str], start: dt.date, end: dt.date) -> list[Cadence]:
    """Cadence of every daily-read column of the sites over [start, end] (each from its first watched day)."""
    since = watched_since(session, site_ids, start, end)
    out: list[Cadence] = []
    for i in range(0, len(site_ids), 400):
        chunk = [s for s in site_ids[i:i + 400] if s in since]
        if not chunk:
            continue
        cols = list(session.scalars(select(m.MonitorColumn).where(
            m.MonitorColumn.site_id.in_(chunk), m.MonitorColumn.role == "list").order_by(m.MonitorColumn.id)))
        days: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
        for sid, col_url, first in session.execute(
                select(m.LedgerEntry.site_id, m.LedgerEntry.column_url, m.LedgerEntry.first_seen)
                .where(m.LedgerEntry.site_id.in_(chunk), m.LedgerEntry.seeded.is_(False),
                       m.LedgerEntry.first_seen >= start, m.LedgerEntry.first_seen <= end)):
            days[(sid, col_url)].append(first)
        for col in cols:
            first_day = max(since[col.site_id], col.first_day or since[col.site_id])
            seen = sorted(d for d in days.get((col.site_id, col.url), []) if d >= first_day)
            out.append(cadence_of(col.site_id, col.url, col.name, col.category, col.depth, first_day, end, seen))
    return out


def cadence_of(site_id: str, url: str, name: str, category: str, depth: int, start: dt.date, end: dt.date,
               seen: list[dt.date]) -> Cadence:
    marks = [start, *sorted(set(seen)), end]
    gap = max((b - a).days for a, b in pairwise(marks))
    weeks = max((end - start).days + 1, 1) / 7
    return Cadence(site_id, url, name, category, depth, start, end, len(seen), round(len(seen) / weeks, 2), gap,
                   max(seen) if seen else None)
