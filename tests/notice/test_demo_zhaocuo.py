"""The demo province's 找错 export imported against the demo registry: the figures the notice states."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from govaudit.demo.province import build_province
from govaudit.demo.zhaocuo import LATE_SITE, planted, write_export
from govaudit.observations.zhaocuo import import_messages, quarter_stats
from govaudit.store.models import RegistrySite
from tests.reporting.factory import make_engine

ASOF = dt.date(2024, 11, 20)


def test_demo_export_gives_the_planted_figures(tmp_path: Path) -> None:
    province = build_province(ASOF)
    export = write_export(province, tmp_path / "zhaocuo.csv")
    engine = make_engine(tmp_path / "db.sqlite")
    with Session(engine) as session:
        for s in province.sites:
            session.add(RegistrySite(site_id=s.site_id, name=s.name, url=province.default_url(s), region=s.region,
                                     level=s.level, kind=s.kind, status=s.status))
        session.commit()
        count, unlinked = import_messages(session, export, limit=3, points=1.0)
        stats = quarter_stats(session, ASOF, 3)
    want = planted(province)
    assert (count, unlinked) == (want["received"], 0)
    assert stats is not None and (stats.year, stats.quarter) == (2024, 3)
    assert (stats.received, stats.handled, stats.overdue) == (want["received"], want["handled"], want["overdue"])
    assert stats.sites[0].site_id == LATE_SITE and stats.sites[0].overdue == want["overdue"]
