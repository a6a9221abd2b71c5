"""Lines a site crosses, from what daily monitoring knows on a day (the column map's last readings, the
probes, the open date flags), and the alerts they open and clear: one open alert per site, condition and
subject (a key column's URL) until the condition clears.

Conditions (thresholds: govaudit/data/monitoring.yaml; windows: the rubric's, through govaudit.asof):
  home_stale     the home page's newest dated entry is older than `alerts.home_stale.after`
  key_column     a key column (the rubric's rules) would be out of its window `margin` from now
  blank_columns  at least `alerts.blank_columns.at` blank columns
  unreachable    the last `alerts.unreachable.probes` probes all failed
  forged_date    the site has suspected forged dates nobody has reviewed yet
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.asof import age_days, window
from govaudit.monitoring.rules import Rules
from govaudit.store import models as m

CHUNK = 400


@dataclass(frozen=True)
class Crossing:
    site_id: str
    condition: str
    subject: str
    details: dict[str, Any] = field(hash=False, compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.site_id, self.condition, self.subject


@dataclass
class AlertChanges:
    opened: list[m.MonitorAlert] = field(default_factory=list)
    cleared: list[m.MonitorAlert] = field(default_factory=list)
    still_open: list[m.MonitorAlert] = field(default_factory=list)


def _chunks(ids: list[str]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def monitored_sites(session: Session) -> list[str]:
    return sorted(session.scalars(select(m.MonitorSite.site_id)))


def crossings(session: Session, rules: Rules, day: dt.date, site_ids: list[str]) -> list[Crossing]:
    out: list[Crossing] = []
    columns: dict[str, list[m.MonitorColumn]] = defaultdict(list)
    for chunk in _chunks(site_ids):
        for col in session.scalars(select(m.MonitorColumn).where(m.MonitorColumn.site_id.in_(chunk))):
            columns[col.site_id].append(col)
    for site_id in site_ids:
        out += _content_crossings(rules, day, site_id, columns.get(site_id, []))
        out += _unreachable(session, rules, site_id)
    flags: dict[str, list[m.DateFlag]] = defaultdict(list)
    for chunk in _chunks(site_ids):
        for flag in session.scalars(select(m.DateFlag).where(m.DateFlag.site_id.in_(chunk),
                                                             m.DateFlag.status == "open", m.DateFlag.day <= day)
                                    .order_by(m.DateFlag.day, m.DateFlag.id)):
            flags[flag.site_id].append(flag)
    for site_id, open_flags in sorted(flags.items()):
        out.append(Crossing(site_id, "forged_date", "", {
            "indicator": rules.indicators["forged_date"], "count": len(open_flags),
            "flags": [{"id": f.id, "kind": f.kind, "url": f.url, "title": f.title,
                       "list_date": _iso(f.list_date), "other_date": _iso(f.other_date), "day": _iso(f.day)}
                      for f in open_flags[:20]]}))
    return out


def _content_crossings(rules: Rules, day: dt.date, site_id: str, cols: list[m.MonitorColumn]) -> list[Crossing]:
    out: list[Crossing] = []
    homes = [c for c in cols if c.role == "home" and c.last_read is not None]
    if homes:
        home = max(homes, key=lambda c: c.last_read or dt.date.min)
        if home.latest is None or home.latest not in window(day, rules.home_after):
            out.append(Crossing(site_id, "home_stale", "", {
                "indicator": rules.indicators["home_stale"], "url": home.url, "latest": _iso(home.latest),
                "days": age_days(home.latest, day) if home.latest else None, "after": str(rules.home_after),
                "window": str(rules.home_window)}))
    lists = [c for c in cols if c.role == "list" and c.gone_day is None and c.last_read is not None]
    for col in sorted(lists, key=lambda c: c.url):
        rule = rules.key_rule(col.category, col.depth)
        if rule is None:
            continue
        # the column must still be inside its window `margin` from now
        limit = window(rule.margin.after(day), rule.window).start
        if col.latest is None or col.latest < limit:
            out.append(Crossing(site_id, "key_column", col.url, {
                "indicator": rules.indicators["key_column"], "name": col.name, "category": col.category,
                "latest": _iso(col.latest), "days": age_days(col.latest, day) if col.latest else None,
                "window": str(rule.window), "margin": str(rule.margin),
                "stale": col.latest is None or col.latest not in window(day, rule.window)}))
    blank = [c for c in lists if c.blank and not c.blank_note]
    if len(blank) >= rules.blank_at:
        out.append(Crossing(site_id, "blank_columns", "", {
            "indicator": rules.indicators["blank_columns"], "count": len(blank), "at": rules.blank_at,
            "threshold": rules.blank_threshold, "names": sorted(c.name for c in blank),
            "urls": sorted(c.url for c in blank)}))
    return out


def _unreachable(session: Session, rules: Rules, site_id: str) -> list[Crossing]:
    n = rules.unreachable_probes
    probes = list(session.execute(select(m.Probe.ok, m.Probe.at, m.Probe.error, m.Probe.status)
                                  .where(m.Probe.site_id == site_id).order_by(m.Probe.at.desc(), m.Probe.id.desc())
                                  .limit(n)))
    if len(probes) < n or any(p.ok for p in probes):
        return []
    return [Crossing(site_id, "unreachable", "", {
        "indicator": rules.indicators["unreachable"], "probes": n,
        "since": probes[-1].at.isoformat(timespec="minutes"), "last": probes[0].at.isoformat(timespec="minutes"),
        "error": probes[0].error or (f"HTTP {probes[0].status}" if probes[0].status else "")})]


def evaluate(session: Session, rules: Rules, day: dt.date, site_ids: list[str] | None = None) -> AlertChanges:
    """Open an alert for every new crossing and clear the open alerts whose condition is gone, for the sites
    `site_ids` (default: every monitored site). The caller commits."""
    scope = sorted(site_ids) if site_ids is not None else monitored_sites(session)
    now = {c.key: c for c in crossings(session, rules, day, scope)}
    changes = AlertChanges()
    open_rows: dict[tuple[str, str, str], m.MonitorAlert] = {}
    for chunk in _chunks(scope):
        for row in session.scalars(select(m.MonitorAlert).where(m.MonitorAlert.site_id.in_(chunk),
                                                               m.MonitorAlert.cleared.is_(None))
                                   .order_by(m.MonitorAlert.id)):
            open_rows.setdefault((row.site_id, row.condition, row.subject), row)
    for key, crossing in now.items():
        known = open_rows.get(key)
        if known is None:
            row = m.MonitorAlert(site_id=crossing.site_id, condition=crossing.condition, subject=crossing.subject,
                                 opened=day, details=crossing.details, last_details=crossing.details)
            session.add(row)
            changes.opened.append(row)
        else:
            known.last_details = crossing.details
            changes.still_open.append(known)
    for key, row in open_rows.items():
        if key not in now and row.opened <= day:
            row.cleared = day
            row.cleared_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            changes.cleared.append(row)
    session.flush()
    return changes


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
