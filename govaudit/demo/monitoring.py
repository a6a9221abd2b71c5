"""The demo province's planted monitoring log: the week of home-page probes before the as-of date that the
probe spider would have recorded (「监测1周，每天间隔性访问20次以上」), for the sites whose spec plants one.

``down``: every probe of the week failed (15 s timeout), 24 a day, one an hour; the availability veto
(C19-V2 / P15-V1) then applies even though the audit crawl cannot open the site. Sites without a planted log
have none: their availability is "not enough data"."""

from __future__ import annotations

import datetime as dt

from govaudit import asof as asof_rules
from govaudit.demo.model import SiteSpec
from govaudit.records import Probe

WEEK_DAYS = 7
PROBES_PER_DAY = 24
TIMEOUT_S = 15.0


def planted_probes(spec: SiteSpec, home_url: str, asof: dt.date, tz: str = asof_rules.DEFAULT_TIMEZONE) -> list[Probe]:
    """The probe records of the site's planted log (naive UTC instants, like the probe spider's)."""
    if spec.monitoring != "down":
        return []
    out = []
    for day in range(WEEK_DAYS, 0, -1):
        midnight = asof_rules.local_midnight_utc(asof - dt.timedelta(days=day), tz)
        for hour in range(PROBES_PER_DAY):
            at = midnight + dt.timedelta(hours=hour, minutes=7)
            out.append(Probe(site_id=spec.site_id, url=home_url, at=at, ok=False, status=None,
                             elapsed=TIMEOUT_S, error=f"timeout {TIMEOUT_S:g}s"))
    return out


def write_planted_probes(db_url: str, specs: list[SiteSpec], base_urls: dict[str, str], asof: dt.date,
                         tz: str = asof_rules.DEFAULT_TIMEZONE) -> int:
    """Store the planted logs in the database at `db_url` (replacing the planted sites' probes of that week,
    so writing twice stores them once). Returns the number of probes stored."""
    from sqlalchemy import delete
    from sqlalchemy.orm import Session

    from govaudit.store import models as m
    from govaudit.store.db import get_engine

    win = asof_rules.window(asof, WEEK_DAYS, tz)
    stored = 0
    engine = get_engine(db_url)  # a new database gets the current schema
    with Session(engine) as session, session.begin():
        for spec in specs:
            probes = planted_probes(spec, base_urls.get(spec.site_id, ""), asof, tz)
            if not probes:
                continue
            session.execute(delete(m.Probe).where(m.Probe.site_id == spec.site_id, m.Probe.at >= win.start_utc,
                                                  m.Probe.at < win.end_utc))
            session.add_all(m.Probe(site_id=p.site_id, url=p.url, at=p.at, ok=p.ok, status=p.status,
                                    elapsed=p.elapsed, error=p.error) for p in probes)
            stored += len(probes)
    engine.dispose()  # no pooled connection left open (a test database is dropped afterwards)
    return stored
