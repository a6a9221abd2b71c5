"""Plain data the templates and exports read (no HTML, no SQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from govaudit.reporting.evidence import EvidenceEntry


@dataclass
class RunInfo:
    id: str
    kind: str
    asof: dt.date
    rubric: str
    started: dt.datetime | None
    finished: dt.datetime | None
    status: str
    sample_share: float | None
    sample_seed: str | None
    totals: dict[str, Any]
    params: dict[str, Any]
    evidence_run_id: str = ""  # the run whose evidence rows this run scored (itself for a crawl)
    parent_run_id: str | None = None
    timezone: str = ""


@dataclass
class ArchivedCopy:
    """What the audit kept of one page: its screenshot and its archived copy (a WARC record). The bundle
    gets its own copies (`screenshot_file`, `archive_file`: paths inside the bundle, set when written)."""

    url: str
    key: str  # file stem inside the bundle's evidence/<site>/ folder
    warc_file: str = ""  # relative to GOVAUDIT_EVIDENCE_DIR; "" when the page is not archived
    offset: int = 0
    length: int = 0
    record_id: str = ""
    digest: str = ""
    kind: str = ""  # response | revisit | rendered | truncated
    status: int | None = None
    content_type: str = ""
    fetched_at: str = ""  # local time of the fetch
    body_file: str = ""  # the record holding the body (a revisit's original)
    body_offset: int = 0
    screenshot: str = ""  # relative to GOVAUDIT_EVIDENCE_DIR; "" without a screenshot
    captured_at: str = ""  # local time the screenshot was taken
    timezone: str = ""
    screenshot_file: str | None = None
    archive_file: str | None = None

    @property
    def warc_ref(self) -> str:
        return f"{self.warc_file}#offset={self.offset}" if self.warc_file else ""


@dataclass
class FindingView:
    id: int
    site_id: str
    indicator: str
    category: str
    category_label: str
    title: str
    points: float
    message: str
    evidence: Any
    entries: list[EvidenceEntry]
    refs: list[dict[str, str]]  # the evidence rows cited (findings.evidence_refs)
    subject_url: str  # what the finding is about ("" = the whole site)
    match_key: str | None  # site-relative subject URL: rectification pairs findings on it
    manual: bool = False
    check: str = ""  # the rubric check kind that made the finding ("" for findings stored without it)
    not_scored: bool = False  # a deduction/bonus of a vetoed site: a veto ends scoring
    copies: list[ArchivedCopy] = field(default_factory=list)  # the pages it cites, as archived and screenshotted


@dataclass
class ColumnView:
    name: str
    url: str
    href: str | None
    category: str
    category_label: str
    latest: dt.date | None
    entries: int
    undated: int
    blank: bool
    blank_note: bool
    stale: bool
    flagged_by: list[str]
    http_status: int | None
    error: str
    depth: int
    on_home: bool
    source: str
    latest_url: str | None = None
    latest_href: str | None = None
    latest_title: str = ""


@dataclass
class LinkView:
    page_url: str
    page_href: str | None
    link_url: str
    link_href: str | None
    on_home: bool
    status: int | None
    error: str


@dataclass
class GuideView:
    url: str
    href: str | None
    title: str
    present: list[str]
    missing: list[str]
    broken_attachments: list[dict[str, Any]]


@dataclass
class SiteView:
    site_id: str
    name: str
    url: str
    href: str | None
    organizer: str
    region: str
    level: str
    kind: str
    crawl_state: str
    crawl_state_label: str
    home_status: int | None
    error: str
    verdict: str
    verdict_label: str
    score: float | None
    deduction_score: float | None
    bonus: float
    vetoes: list[str]
    reason: str
    decided_by: str
    file: str  # path relative to the bundle root, e.g. "sites/abc-1a2b3c4d.html"
    findings: list[FindingView] = field(default_factory=list)
    columns: list[ColumnView] = field(default_factory=list)
    broken_links: list[LinkView] = field(default_factory=list)
    links_checked: int = 0
    guides: list[GuideView] = field(default_factory=list)
    home_latest: dt.date | None = None
    rectification: Any = None  # SiteRectification | None
    home_copy: ArchivedCopy | None = None  # the home page as archived and screenshotted

    @property
    def stem(self) -> str:
        return self.file.rsplit("/", 1)[-1].removesuffix(".html")

    @property
    def problems(self) -> list[FindingView]:
        return [f for f in self.findings if f.category in ("veto", "deduction", "requirement")]

    @property
    def stale_count(self) -> int:
        return sum(1 for c in self.columns if c.stale)

    @property
    def blank_count(self) -> int:
        return sum(1 for c in self.columns if c.blank)


@dataclass
class GroupStats:
    name: str
    checked: int = 0
    qualified: int = 0
    unqualified: int = 0
    unaudited: int = 0
    pass_rate: Decimal | None = None


@dataclass
class Summary:
    registered: int | None
    running: int | None
    offline: int | None
    offline_temporary: int | None
    offline_permanent: int | None
    checked: int
    qualified: int
    unqualified: int
    unaudited: int
    pass_rate: Decimal | None
    sample_share: float | None
    actual_share: Decimal | None


@dataclass
class Comparison:
    previous: RunInfo
    previous_checked: int
    previous_pass_rate: Decimal | None
    change: Decimal | None

    @property
    def direction(self) -> str:
        if self.change is None or self.change == 0:
            return "flat"
        return "up" if self.change > 0 else "down"


@dataclass
class TrendPoint:
    run_id: str
    asof: dt.date
    checked: int
    pass_rate: Decimal | None
    current: bool


@dataclass
class ProblemSite:
    site: SiteView
    findings: list[FindingView]


@dataclass
class ProblemGroup:
    indicator: str
    title: str
    category: str
    category_label: str
    sites: list[ProblemSite]


@dataclass
class RegionSites:
    region: str
    sites: list[SiteView]


@dataclass
class Report:
    run: RunInfo
    summary: Summary
    comparison: Comparison | None
    by_region: list[GroupStats]
    by_level: list[GroupStats]
    trend: list[TrendPoint]
    problems: list[ProblemGroup]
    qualified_by_region: list[RegionSites]
    unqualified_by_region: list[RegionSites]
    unaudited: list[SiteView]
    sites: list[SiteView]
    rectified: list[Any]  # SiteRectification, sites with a previous run
    monitoring: Any  # MonitoringView
    generated_at: dt.datetime
    notice: Any = None  # NoticeData (govaudit.reporting.notice)
    region: str | None = None  # a region bundle: only this region's sites
    recheck: Any = None  # RecheckSummary of a recheck run (-a recheck=RUN)
