"""The evidence of one site, read from the SQL tables only (govaudit.store.models).

The same loader serves a live crawl (scoring pipeline) and `scrapy rescore`: the evidence run
(whose rows are read) is given separately from the run that receives the scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from govaudit.store import models as m

UNAUDITABLE_STATES = ("unreachable", "blocked", "error")
PROBE_LOOKBACK_DAYS = 31  # probes loaded before as-of; each check keeps its own (shorter) window


class EvidenceError(LookupError):
    pass


@dataclass
class SiteInfo:
    site_id: str
    name: str
    url: str
    final_url: str = ""
    organizer: str = ""
    kind: str = "department"
    level: str = ""
    has_services: bool = True
    crawl_state: str = "ok"
    home_status: int | None = None
    error: str = ""


@dataclass
class ArticleEv:
    url: str
    title: str = ""
    date: dt.date | None = None


@dataclass
class ColumnEv:
    url: str
    name: str
    parent_url: str = ""
    depth: int = 1
    source: str = "nav"
    on_home: bool = False
    category: str = "other"
    http_status: int | None = None
    error: str = ""
    blank: bool = False
    blank_note: bool = False
    entries_count: int = 0
    undated: int = 0
    latest: dt.date | None = None
    articles: list[ArticleEv] = field(default_factory=list)

    @property
    def is_home(self) -> bool:
        return self.source == "home" or self.category == "home"

    @property
    def unreachable(self) -> bool:
        """The list could not be read (HTTP error or fetch error with nothing extracted)."""
        if self.http_status is not None and self.http_status >= 400:
            return True
        return bool(self.error) and self.entries_count == 0 and not self.articles

    @property
    def truly_blank(self) -> bool:
        """空白栏目: fetched, nothing in it, and no explanatory note."""
        return self.blank and not self.blank_note and not self.unreachable

    def dates(self, asof: dt.date) -> list[dt.date]:
        """Entry dates not after the as-of date (dates after it are not updates as of then)."""
        return [a.date for a in self.articles if a.date is not None and a.date <= asof]

    def latest_at(self, asof: dt.date) -> dt.date | None:
        dates = self.dates(asof)
        if dates:
            return max(dates)
        if not self.articles and self.latest is not None and self.latest <= asof:
            return self.latest
        return None

    def entry_total(self) -> int:
        return max(self.entries_count, len(self.articles))


@dataclass
class PageEv:
    url: str
    kind: str
    status: int | None = None
    features: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and (self.status is None or 200 <= self.status < 400)


@dataclass
class LinkEv:
    page_url: str
    link_url: str
    on_home: bool
    status: int | None = None
    ok: bool = True
    error: str = ""


@dataclass
class GuideEv:
    url: str
    title: str = ""
    elements: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LetterEv:
    url: str
    column_url: str = ""
    title: str = ""
    submitted: dt.date | None = None
    replied: dt.date | None = None


@dataclass
class ProbeEv:
    at: dt.datetime  # UTC, naive
    ok: bool
    status: int | None = None
    elapsed: float | None = None
    error: str = ""


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
    site: SiteInfo
    columns: list[ColumnEv] = field(default_factory=list)
    pages: list[PageEv] = field(default_factory=list)
    links: list[LinkEv] = field(default_factory=list)
    guides: list[GuideEv] = field(default_factory=list)
    letters: list[LetterEv] = field(default_factory=list)
    probes: list[ProbeEv] = field(default_factory=list)
    manual: list[ManualEv] = field(default_factory=list)
    timezone: str = "Asia/Shanghai"

    @property
    def home_column(self) -> ColumnEv | None:
        for col in self.columns:
            if col.is_home:
                return col
        return None

    @property
    def content_columns(self) -> list[ColumnEv]:
        """Every column except the home page itself."""
        return [c for c in self.columns if not c.is_home]

    @property
    def home_page(self) -> PageEv | None:
        for page in self.pages:
            if page.kind == "home":
                return page
        return None

    def day_start_utc(self, day: dt.date) -> dt.datetime:
        """Local midnight of `day` (the as-of time zone) as a naive UTC datetime, like probes.at."""
        local = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(self.timezone))
        return local.astimezone(dt.UTC).replace(tzinfo=None)


# Evidence is loaded in natural-key order, never insertion order: a finding that lists columns reads the same
# whatever order the crawl happened to store them in (a resumed run equals an uninterrupted one).
def load_evidence(
    session: Session, run_id: str, site_id: str, asof: dt.date, *, timezone: str = "Asia/Shanghai"
) -> SiteEvidence:
    """Everything the checks need about one site of one (evidence) run, plus probes and manual findings."""
    rs = session.get(m.RunSite, (run_id, site_id))
    if rs is None:
        raise EvidenceError(f"site {site_id!r} is not part of run {run_id!r}")
    site = SiteInfo(
        site_id=rs.site_id,
        name=rs.name,
        url=rs.url,
        final_url=rs.final_url or "",
        organizer=rs.organizer or "",
        kind=rs.kind or "department",
        level=rs.level or "",
        has_services=bool(rs.has_services),
        crawl_state=rs.crawl_state or "pending",
        home_status=rs.home_status,
        error=rs.error or "",
    )
    ev = SiteEvidence(run_id=run_id, site=site, timezone=timezone)

    articles: dict[str, list[ArticleEv]] = {}
    q_art = select(m.Article).where(m.Article.run_id == run_id, m.Article.site_id == site_id).order_by(m.Article.column_url, m.Article.url)
    for a in session.scalars(q_art):
        articles.setdefault(a.column_url, []).append(ArticleEv(url=a.url, title=a.title or "", date=a.date))

    q_col = select(m.Column).where(m.Column.run_id == run_id, m.Column.site_id == site_id).order_by(m.Column.depth, m.Column.url)
    for c in session.scalars(q_col):
        ev.columns.append(
            ColumnEv(
                url=c.url,
                name=c.name,
                parent_url=c.parent_url or "",
                depth=c.depth if c.depth is not None else 1,
                source=c.source or "nav",
                on_home=bool(c.on_home),
                category=c.category or "other",
                http_status=c.http_status,
                error=c.error or "",
                blank=bool(c.blank),
                blank_note=bool(c.blank_note),
                entries_count=c.entries_count or 0,
                undated=c.undated or 0,
                latest=c.latest,
                articles=articles.get(c.url, []),
            )
        )

    q_page = select(m.Page).where(m.Page.run_id == run_id, m.Page.site_id == site_id).order_by(m.Page.url)
    ev.pages = [
        PageEv(url=p.url, kind=p.kind, status=p.status, features=dict(p.features or {}), error=p.error or "")
        for p in session.scalars(q_page)
    ]
    q_link = select(m.Link).where(m.Link.run_id == run_id, m.Link.site_id == site_id).order_by(m.Link.page_url, m.Link.link_url)
    ev.links = [
        LinkEv(page_url=x.page_url, link_url=x.link_url, on_home=bool(x.on_home), status=x.status, ok=bool(x.ok),
               error=x.error or "")
        for x in session.scalars(q_link)
    ]
    q_guide = select(m.Guide).where(m.Guide.run_id == run_id, m.Guide.site_id == site_id).order_by(m.Guide.url)
    ev.guides = [
        GuideEv(url=g.url, title=g.title or "", elements=list(g.elements or []), attachments=list(g.attachments or []))
        for g in session.scalars(q_guide)
    ]
    q_letter = select(m.Letter).where(m.Letter.run_id == run_id, m.Letter.site_id == site_id).order_by(m.Letter.url)
    ev.letters = [
        LetterEv(url=x.url, column_url=x.column_url or "", title=x.title or "", submitted=x.submitted,
                 replied=x.replied)
        for x in session.scalars(q_letter)
    ]

    start = ev.day_start_utc(asof - dt.timedelta(days=PROBE_LOOKBACK_DAYS))
    end = ev.day_start_utc(asof)
    q_probe = (
        select(m.Probe)
        .where(m.Probe.site_id == site_id, m.Probe.at >= start, m.Probe.at < end)
        .order_by(m.Probe.at)
    )
    ev.probes = [
        ProbeEv(at=p.at, ok=bool(p.ok), status=p.status, elapsed=p.elapsed, error=p.error or "")
        for p in session.scalars(q_probe)
    ]

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
