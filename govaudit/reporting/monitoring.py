"""Monitoring summary over the month before the as-of date (专人每天监测, 逐月报送)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from govaudit import asof as asof_rules
from govaudit.reporting.evidence import cited
from govaudit.reporting.labels import FRESHNESS_CHECKS, PROBLEM_CATEGORIES
from govaudit.reporting.safety import safe_href
from govaudit.reporting.stats import percent
from govaudit.reporting.views import RunInfo, SiteView
from govaudit.store.models import Finding, Probe, Run, Score

WINDOW = asof_rules.Period(months=1)  # the month before the as-of date (govaudit.asof: days and instants)


@dataclass
class StaleColumn:
    name: str
    url: str
    href: str | None
    runs_flagged: int
    last_flagged: dt.date


@dataclass
class MonitoringRow:
    site: SiteView
    probes: int
    probes_ok: int
    availability: object  # Decimal | None
    last_failure: dt.datetime | None
    home_latest: dt.date | None
    days_since_home_update: int | None
    runs_in_window: int
    stale_columns: list[StaleColumn] = field(default_factory=list)


@dataclass
class MonitoringView:
    start: dt.date
    end: dt.date
    rows: list[MonitoringRow]
    runs_in_window: int
    probes_total: int


def _month_runs(session: Session, run: RunInfo, start: dt.date, site_ids: list[str]) -> dict[str, list[tuple[str, dt.date]]]:
    out: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
    for i in range(0, len(site_ids), 400):
        chunk = site_ids[i : i + 400]
        stmt = (  # runs that scored the site (a rescore has no run_sites rows of its own)
            select(Score.site_id, Run.id, Run.asof)
            .join(Run, Run.id == Score.run_id)
            .where(Score.site_id.in_(chunk), Run.asof >= start, Run.asof <= run.asof)
        )
        for site_id, run_id, asof in session.execute(stmt):
            out[site_id].append((run_id, asof))
    return out


def build_monitoring(
    session: Session, run: RunInfo, sites: list[SiteView], tz: str = asof_rules.DEFAULT_TIMEZONE
) -> MonitoringView:
    win = asof_rules.window(run.asof, WINDOW, tz)
    start, end = win.start, win.end
    site_ids = [s.site_id for s in sites]
    lo, hi = win.start_utc, win.end_utc

    probe_stats: dict[str, tuple[int, int, dt.datetime | None]] = {}
    for i in range(0, len(site_ids), 400):
        chunk = site_ids[i : i + 400]
        stmt = (
            select(
                Probe.site_id,
                func.count(),
                func.sum(case((Probe.ok.is_(True), 1), else_=0)),
                func.max(case((Probe.ok.is_(False), Probe.at), else_=None)),
            )
            .where(Probe.site_id.in_(chunk), Probe.at >= lo, Probe.at < hi)
            .group_by(Probe.site_id)
        )
        for site_id, total, ok, last_fail in session.execute(stmt):
            probe_stats[site_id] = (int(total or 0), int(ok or 0), last_fail)

    month_runs = _month_runs(session, run, start, site_ids)
    run_asof = {rid: asof for runs in month_runs.values() for rid, asof in runs}
    flagged: dict[str, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    run_ids = sorted(run_asof)
    wanted = set(site_ids)
    for i in range(0, len(run_ids), 200):
        stmt = select(Finding.run_id, Finding.site_id, Finding.check, Finding.evidence_refs).where(
            Finding.run_id.in_(run_ids[i : i + 200]), Finding.category.in_(PROBLEM_CATEGORIES)
        )
        for run_id, site_id, check, refs in session.execute(stmt):
            if site_id not in wanted or (check and check not in FRESHNESS_CHECKS):
                continue  # columns cited by a freshness finding are the stale ones
            for url in cited(refs, "columns"):
                dates = flagged[site_id][url]
                if run_asof[run_id] not in dates:
                    dates.append(run_asof[run_id])

    rows: list[MonitoringRow] = []
    for site in sites:
        total, ok, last_fail = probe_stats.get(site.site_id, (0, 0, None))
        names = {c.url: c.name for c in site.columns}
        known_columns = {c.url for c in site.columns} | {c.url for c in site.columns if c.stale}
        stale: list[StaleColumn] = []
        for url, dates in flagged.get(site.site_id, {}).items():
            if url == site.url and url not in known_columns:
                continue  # a finding about the home page itself, not a column
            stale.append(StaleColumn(names.get(url, url), url, safe_href(url), len(dates), max(dates)))
        stale.sort(key=lambda s: (-s.runs_flagged, s.name))
        days = asof_rules.age_days(site.home_latest, run.asof) if site.home_latest else None
        rows.append(
            MonitoringRow(
                site=site,
                probes=total,
                probes_ok=ok,
                availability=percent(ok, total),
                last_failure=last_fail,
                home_latest=site.home_latest,
                days_since_home_update=days,
                runs_in_window=len({rid for rid, _ in month_runs.get(site.site_id, [])}),
                stale_columns=stale,
            )
        )
    return MonitoringView(
        start=start,
        end=end,
        rows=rows,
        runs_in_window=len(run_ids),
        probes_total=sum(s[0] for s in probe_stats.values()),
    )
