"""The evidence of one site, read from the SQL tables only (govaudit.store.models) into the evidence records
(govaudit.records) the spiders emitted: one generic row -> record function, no per-table mapper.

The same loader serves a live crawl (scoring pipeline) and `scrapy rescore`: the evidence run
(whose rows are read) is given separately from the run that receives the scores. Every entry of a column is
loaded — future-dated and undated ones included — and what they mean is decided at the scoring as-of date
(govaudit.asof), so rescoring at a later as-of date counts entries that were future-dated at the crawl's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from govaudit import asof as asof_rules
from govaudit.records import Column, Entry, Guide, Letter, Link, Page, Probe, Site, from_row
from govaudit.store import models as m

UNAUDITABLE_STATES = ("unreachable", "blocked", "error")
PROBE_LOOKBACK = asof_rules.Period(months=1)  # probes loaded before as-of; each check keeps its own window

# The scoring names of the evidence records (kept for the checks and the verdict)
SiteInfo = Site
ArticleEv = Entry
ColumnEv = Column
PageEv = Page
LinkEv = Link
GuideEv = Guide
LetterEv = Letter
ProbeEv = Probe


class EvidenceError(LookupError):
    pass


@dataclass
class ManualEv:
    id: int
    indicator: str
    points: float | None
    message: str
    author: str
    evidence: dict[str, Any] = field(default_factory=dict)
    created: dt.datetime | None = None
    valid_from: dt.date | None = None


@dataclass
class SiteEvidence:
    run_id: str
    site: Site
    columns: list[Column] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    guides: list[Guide] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    manual: list[ManualEv] = field(default_factory=list)
    timezone: str = asof_rules.DEFAULT_TIMEZONE

    @property
    def home_column(self) -> Column | None:
        for col in self.columns:
            if col.is_home:
                return col
        return None

    @property
    def content_columns(self) -> list[Column]:
        """Every column except the home page itself."""
        return [c for c in self.columns if not c.is_home]

    @property
    def home_page(self) -> Page | None:
        for page in self.pages:
            if page.kind == "home":
                return page
        return None

    def window(self, asof: dt.date, period: asof_rules.Period | int | str) -> asof_rules.Window:
        """The rubric window `period` before `asof` in the run's time zone."""
        return asof_rules.window(asof, period, self.timezone)


# Evidence is loaded in natural-key order, never insertion order: a finding that lists columns reads the same
# whatever order the crawl happened to store them in (a resumed run equals an uninterrupted one).
_ORDER: dict[type[m.Base], tuple[str, ...]] = {
    m.Article: ("column_url", "url"), m.Column: ("depth", "url"), m.Page: ("url",),
    m.Link: ("page_url", "link_url"), m.Guide: ("url",), m.Letter: ("url",),
}


def _rows(session: Session, model: type[m.Base], run_id: str, site_id: str) -> list[Any]:
    """The site's rows of `model` as plain mappings (not ORM objects: scoring reads them once, and building
    ORM instances cost the crawl's thread most of the evidence's loading)."""
    table = model.__table__  # type: ignore[attr-defined]
    order = [table.c[name] for name in _ORDER[model]]
    q = select(table).where(table.c.run_id == run_id, table.c.site_id == site_id).order_by(*order)
    return list(session.execute(q).mappings())


def _attachment_status(ev: SiteEvidence) -> None:
    """Give each guide attachment the result of its link check (HEAD, then a ranged GET when HEAD is refused):
    the link row of the same guide page and URL. An attachment without a check keeps no status (unknown)."""
    checked = {(x.page_url, x.link_url): x for x in ev.links}
    for guide in ev.guides:
        for att in guide.attachments:
            if not isinstance(att, dict) or "ok" in att or not att.get("url"):
                continue
            link = checked.get((guide.url, att["url"]))
            if link is not None:
                att.update(ok=link.ok, status=link.status, error=link.error)


def load_evidence(
    session: Session, run_id: str, site_id: str, asof: dt.date, *, timezone: str | None = None
) -> SiteEvidence:
    """Everything the checks need about one site of one (evidence) run, plus probes and manual findings.
    `timezone` defaults to the evidence run's (runs.timezone)."""
    rs = session.get(m.RunSite, (run_id, site_id))
    if rs is None:
        raise EvidenceError(f"site {site_id!r} is not part of run {run_id!r}")
    if timezone is None:
        run = session.get(m.Run, run_id)
        timezone = (run.timezone if run is not None else None) or asof_rules.DEFAULT_TIMEZONE
    site = from_row(Site, rs, crawl_state=rs.crawl_state or "pending")
    ev = SiteEvidence(run_id=run_id, site=site, timezone=timezone)

    entries: dict[str, list[Entry]] = defaultdict(list)
    for a in _rows(session, m.Article, run_id, site_id):
        entries[a["column_url"]].append(from_row(Entry, a))
    ev.columns = [from_row(Column, c, entries=entries.get(c["url"], []))
                  for c in _rows(session, m.Column, run_id, site_id)]
    ev.pages = [from_row(Page, p) for p in _rows(session, m.Page, run_id, site_id)]
    ev.links = [from_row(Link, x) for x in _rows(session, m.Link, run_id, site_id)]
    ev.guides = [from_row(Guide, g) for g in _rows(session, m.Guide, run_id, site_id)]
    ev.letters = [from_row(Letter, x) for x in _rows(session, m.Letter, run_id, site_id)]
    _attachment_status(ev)

    lookback = ev.window(asof, PROBE_LOOKBACK)
    q_probe = (
        select(m.Probe)
        .where(m.Probe.site_id == site_id, m.Probe.at >= lookback.start_utc, m.Probe.at < lookback.end_utc)
        .order_by(m.Probe.at)
    )
    ev.probes = [from_row(Probe, p) for p in session.scalars(q_probe)]

    q_manual = (
        select(m.ManualFinding)
        .where(
            m.ManualFinding.site_id == site_id,
            or_(m.ManualFinding.valid_from.is_(None), m.ManualFinding.valid_from <= asof),
            or_(m.ManualFinding.valid_until.is_(None), m.ManualFinding.valid_until >= asof),
        )
        .order_by(m.ManualFinding.id)
    )
    ev.manual = [
        ManualEv(id=x.id, indicator=x.indicator, points=x.points, message=x.message, author=x.author,
                 evidence=dict(x.evidence or {}), created=x.created, valid_from=x.valid_from)
        for x in session.scalars(q_manual)
    ]
    return ev
