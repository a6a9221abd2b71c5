"""The monthly report (运行情况月报) of daily monitoring: figures of one calendar month read from SQL (the
daily passes' site days, the first-seen ledger, alerts, date flags, probes), as plain data. Rendering:
govaudit.reporting.monthly_render; wording: reports/templates/monthly/."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from govaudit.asof import Period, Window
from govaudit.monitoring.cadence import column_cadence
from govaudit.monitoring.rules import CONDITIONS, Rules
from govaudit.reporting.stats import percent
from govaudit.store import models as m


class MonthNotMonitored(LookupError):
    """No daily pass of the month is in the store."""


@dataclass
class SiteMonth:
    site_id: str
    name: str
    url: str
    region: str
    organizer: str
    days_checked: int
    days_reachable: int
    probes: int
    probes_ok: int
    availability: Decimal | None  # % of probes that opened the home page
    new_entries: int
    home_update_days: int  # days on which the home page showed an entry not seen before
    removed_entries: int
    flags: int
    alerts_opened: int
    alerts_open_at_end: int
    slowest_column: str  # the key column with the longest stretch without a new entry
    longest_gap: int | None
    per_week: float | None


@dataclass
class AlertLine:
    site_id: str
    name: str
    condition: str
    subject: str
    detail: str  # a column's name, or ""
    opened: dt.date
    cleared: dt.date | None  # None: still open at the month's end


@dataclass
class DayPoint:
    day: dt.date
    sites_checked: int
    reachable: int
    new_entries: int
    removed: int
    open_alerts: int
    probes: int
    probes_ok: int
    availability: Decimal | None


@dataclass
class MonthlyReport:
    month: str  # YYYY-MM
    start: dt.date
    end: dt.date
    timezone: str
    generated_at: dt.datetime
    passes: int
    days_monitored: int
    sites_monitored: int
    totals: dict[str, int]  # registry totals as of the month's last pass
    probes: int
    probes_ok: int
    availability: Decimal | None
    availability_threshold: float | None  # the rubric's share of failed probes that is a veto (%)
    sites_below: int  # sites whose failed share reached that threshold
    new_entries: int
    removed_entries: int
    sites_without_updates: list[str]  # names
    alerts: dict[str, Any]
    rectification: dict[str, Any]
    flags: dict[str, Any]
    sites: list[SiteMonth]
    crossed: list[AlertLine]
    daily: list[DayPoint]
    conditions: tuple[str, ...] = CONDITIONS
    flag_lines: list[dict[str, Any]] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        """The figures as JSON-ready data (data.json of the report folder)."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of "YYYY-MM"."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ValueError(f"--monthly {month!r}: expected a month as YYYY-MM") from None
    return first, Period(months=1).after(first) - dt.timedelta(days=1)


def _in(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def build_monthly(session: Session, month: str, rules: Rules, tz: str, availability_threshold: float | None) -> MonthlyReport:
    start, end = month_bounds(month)
    days = list(session.scalars(select(m.MonitorSiteDay).where(m.MonitorSiteDay.day >= start,
                                                              m.MonitorSiteDay.day <= end)))
    if not days:
        raise MonthNotMonitored(f"no daily monitoring between {start} and {end}")
    site_ids = sorted({d.site_id for d in days})
    run_ids = sorted({d.run_id for d in days})
    runs = {r.id: r for r in session.scalars(select(m.Run).where(m.Run.id.in_(run_ids)))}
    last_run = max(runs.values(), key=lambda r: (r.asof, r.started))
    infos = {r.site_id: r for r in session.scalars(select(m.RunSite).where(m.RunSite.run_id.in_(run_ids))
                                                   .order_by(m.RunSite.run_id))}
    ledger_new = new_articles(session, start, end)
    ledger_gone = removed_articles(session, start, end)
    alerts = list(session.scalars(select(m.MonitorAlert).where(m.MonitorAlert.opened <= end)
                                  .order_by(m.MonitorAlert.opened, m.MonitorAlert.id)))
    alerts = [a for a in alerts if a.cleared is None or a.cleared >= start]  # open at some time of the month
    flags = list(session.scalars(select(m.DateFlag).where(m.DateFlag.day >= start, m.DateFlag.day <= end)
                                 .order_by(m.DateFlag.day, m.DateFlag.id)))
    homes = {c.site_id: c.url for c in session.scalars(select(m.MonitorColumn).where(m.MonitorColumn.role == "home"))}
    home_days: dict[str, set[dt.date]] = defaultdict(set)
    for sid, col_url, first in session.execute(select(m.LedgerEntry.site_id, m.LedgerEntry.column_url,
                                                      m.LedgerEntry.first_seen).where(
            m.LedgerEntry.seeded.is_(False), m.LedgerEntry.first_seen >= start, m.LedgerEntry.first_seen <= end)):
        if homes.get(sid) == col_url:
            home_days[sid].add(first)
    month_window = Window(start, Period(months=1).after(start), tz)  # probes from local midnight to midnight
    probes = list(session.execute(select(m.Probe.site_id, m.Probe.at, m.Probe.ok).where(
        m.Probe.at >= month_window.start_utc, m.Probe.at < month_window.end_utc)))

    # --- per site ----------------------------------------------------------------------------------------------
    probe_by_site: dict[str, list[bool]] = defaultdict(list)
    for sid, _at, ok in probes:
        probe_by_site[sid].append(bool(ok))
    cadence = defaultdict(list)
    watched_to = max(d.day for d in days)  # cadence over the days actually watched
    for c in column_cadence(session, site_ids, start, watched_to):
        if rules.key_rule(c.category, c.depth) is not None:
            cadence[c.site_id].append(c)
    sites: list[SiteMonth] = []
    for sid in site_ids:
        mine = [d for d in days if d.site_id == sid]
        info = infos.get(sid)
        oks = probe_by_site.get(sid, [])
        slow = max(cadence.get(sid, []), key=lambda c: (c.longest_gap, -c.per_week), default=None)
        opened = [a for a in alerts if a.site_id == sid and _in(a.opened, start, end)]
        sites.append(SiteMonth(
            site_id=sid, name=info.name if info else sid, url=info.url if info else "",
            region=info.region if info else "", organizer=info.organizer if info else "",
            days_checked=len(mine), days_reachable=sum(1 for d in mine if d.reachable),
            probes=len(oks), probes_ok=sum(oks), availability=percent(sum(oks), len(oks)),
            new_entries=sum(1 for e in ledger_new if e.site_id == sid),
            home_update_days=len(home_days.get(sid, set())),
            removed_entries=sum(1 for e in ledger_gone if e.site_id == sid),
            flags=sum(1 for f in flags if f.site_id == sid), alerts_opened=len(opened),
            alerts_open_at_end=sum(1 for a in alerts if a.site_id == sid and (a.cleared is None or a.cleared > end)),
            slowest_column=slow.name if slow else "", longest_gap=slow.longest_gap if slow else None,
            per_week=slow.per_week if slow else None))

    # --- the month -----------------------------------------------------------------------------------------------
    opened = [a for a in alerts if _in(a.opened, start, end)]
    carried = [a for a in alerts if a.opened < start]
    rectified = [a for a in alerts if _in(a.cleared, start, end)]
    by_condition = {c: {"opened": sum(1 for a in opened if a.condition == c),
                        "recovered": sum(1 for a in opened if a.condition == c and _in(a.cleared, start, end)),
                        "sites": len({a.site_id for a in opened if a.condition == c})} for c in CONDITIONS}
    names = {s.site_id: s.name for s in sites}
    crossed = [AlertLine(a.site_id, names.get(a.site_id, a.site_id), a.condition, a.subject,
                         str((a.details or {}).get("name") or ""), a.opened, a.cleared if _in(a.cleared, start, end) else None)
               for a in alerts]
    due = len(alerts)
    left = [a for a in alerts if a.cleared is None or a.cleared > end]
    probe_ok = sum(1 for _s, _a, ok in probes if ok)
    below = 0
    if availability_threshold is not None:
        below = sum(1 for s in sites if s.probes and (s.probes - s.probes_ok) * 100 >= availability_threshold * s.probes)
    return MonthlyReport(
        month=month, start=start, end=end, timezone=tz,
        generated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        passes=len(run_ids), days_monitored=len({d.day for d in days}), sites_monitored=len(site_ids),
        totals=dict(last_run.totals or {}), probes=len(probes), probes_ok=probe_ok,
        availability=percent(probe_ok, len(probes)), availability_threshold=availability_threshold, sites_below=below,
        new_entries=len(ledger_new), removed_entries=len(ledger_gone),
        sites_without_updates=[s.name for s in sites if s.new_entries == 0],
        alerts={"opened": len(opened), "recovered": sum(1 for a in opened if _in(a.cleared, start, end)),
                "open_at_end": len(left), "sites": len({a.site_id for a in opened}), "by_condition": by_condition},
        rectification={"carried_over": len(carried), "new": len(opened), "due": due, "rectified": len(rectified),
                       "left": len(left), "rate": percent(len(rectified), due),
                       "left_sites": sorted({names.get(a.site_id, a.site_id) for a in left})},
        flags={"total": len(flags), "confirmed": sum(1 for f in flags if f.status == "confirmed"),
               "dismissed": sum(1 for f in flags if f.status == "dismissed"),
               "open": sum(1 for f in flags if f.status == "open"),
               "by_kind": dict(Counter(f.kind for f in flags)), "sites": len({f.site_id for f in flags})},
        sites=sites, crossed=crossed, daily=_daily(start, end, days, ledger_new, ledger_gone, alerts, probes, tz),
        flag_lines=[{"site": names.get(f.site_id, f.site_id), "kind": f.kind, "title": f.title, "url": f.url,
                     "list_date": f.list_date, "other_date": f.other_date, "day": f.day, "status": f.status}
                    for f in flags],
    )


@dataclass(frozen=True)
class Article:
    """An article URL of a site with the day that matters (first seen, or taken off)."""

    site_id: str
    url: str
    first_seen: dt.date | None = None
    gone: dt.date | None = None


def new_articles(session: Session, start: dt.date, end: dt.date) -> list[Article]:
    """Article URLs that first appeared (in any column, never known from a full audit) within [start, end]."""
    rows = session.execute(
        select(m.LedgerEntry.site_id, m.LedgerEntry.url, func.min(m.LedgerEntry.first_seen))
        .group_by(m.LedgerEntry.site_id, m.LedgerEntry.url)
        .having(func.max(case((m.LedgerEntry.seeded.is_(True), 1), else_=0)) == 0)
        .having(func.min(m.LedgerEntry.first_seen) >= start).having(func.min(m.LedgerEntry.first_seen) <= end))
    return [Article(sid, url, first_seen=first) for sid, url, first in rows]


def removed_articles(session: Session, start: dt.date, end: dt.date) -> list[Article]:
    """Article URLs taken off a list within [start, end] (once each, on the first such day)."""
    rows = session.execute(
        select(m.LedgerEntry.site_id, m.LedgerEntry.url, func.min(m.LedgerEntry.gone))
        .where(m.LedgerEntry.gone >= start, m.LedgerEntry.gone <= end)
        .group_by(m.LedgerEntry.site_id, m.LedgerEntry.url))
    return [Article(sid, url, gone=gone) for sid, url, gone in rows]


def _daily(start: dt.date, end: dt.date, days: list[m.MonitorSiteDay], ledger_new: list[Article],
           ledger_gone: list[Article], alerts: list[m.MonitorAlert], probes: list[Any], tz: str) -> list[DayPoint]:
    out = []
    day = start
    while day <= end:
        nxt = Period(days=1).after(day)
        span = Window(day, nxt, tz)  # the local calendar day, in UTC
        mine = [d for d in days if d.day == day]
        oks = [bool(ok) for _sid, at, ok in probes if span.holds(at)]
        out.append(DayPoint(
            day=day, sites_checked=len(mine), reachable=sum(1 for d in mine if d.reachable),
            new_entries=sum(1 for e in ledger_new if e.first_seen == day),
            removed=sum(1 for e in ledger_gone if e.gone == day),
            open_alerts=sum(1 for a in alerts if a.opened <= day and (a.cleared is None or a.cleared > day)),
            probes=len(oks), probes_ok=sum(oks), availability=percent(sum(oks), len(oks))))
        day = nxt
    return out
