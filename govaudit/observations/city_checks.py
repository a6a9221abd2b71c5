"""Cities' own spot checks (接受监督): does each city/county portal publish its latest spot-check result on its
home page? Read from the home page's stored entries (the home page is stored as a column, source "home",
whose entries are its dated links): an entry whose title names a result (observations.yaml `city_checks`
link_words) dated in the as-of quarter or up to `quarters_back` quarters before it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from govaudit import asof as asof_rules
from govaudit.observations.config import section
from govaudit.store.models import Article, Column


@dataclass
class CityCheck:
    site_id: str
    published: bool
    title: str = ""
    url: str = ""
    date: dt.date | None = None


def in_scope(kind: str, level: str) -> bool:
    cfg = section("city_checks")
    return kind in cfg["kinds"] and level in cfg["levels"]


def first_day(asof: dt.date) -> dt.date:
    """First day a current result may be dated: the start of `quarters_back` quarters before the as-of one."""
    year, q = asof_rules.quarter_of(asof)
    for _ in range(int(section("city_checks").get("quarters_back", 0))):
        year, q = asof_rules.previous_quarter(year, q)
    return asof_rules.quarter_bounds(year, q)[0]


def city_checks(session: Session, evidence_run: str, site_ids: list[str], asof: dt.date) -> dict[str, CityCheck]:
    """site_id -> its home page's newest current spot-check result (or published=False)."""
    words = [str(w) for w in section("city_checks")["link_words"]]
    start = first_day(asof)
    stmt = (select(Article.site_id, Article.title, Article.url, Article.date)
            .join(Column, and_(Column.run_id == Article.run_id, Column.site_id == Article.site_id,
                               Column.url == Article.column_url))
            .where(Article.run_id == evidence_run, Article.site_id.in_(site_ids), Column.source == "home",
                   Article.date >= start, Article.date <= asof))
    out = {sid: CityCheck(sid, False) for sid in site_ids}
    for site_id, title, url, date in session.execute(stmt):
        if date is None or not any(w in (title or "") for w in words):
            continue
        cur = out[site_id]
        if not cur.published or cur.date is None or cur.date < date:
            out[site_id] = CityCheck(site_id, True, title or "", url, date)
    return out
