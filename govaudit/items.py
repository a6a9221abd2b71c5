"""Items: the evidence the spiders emit, one dataclass per kind.

The data flow is one way: spider -> these items -> pipelines -> SQL -> report.
Every item carries ``run_id`` and ``site_id`` so that a pipeline never needs
spider state to know where a row belongs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SiteItem:
    """One audited site's crawl outcome (emitted once the home page answered or failed)."""

    run_id: str
    site_id: str
    name: str
    url: str
    organizer: str = ""
    region: str = ""
    level: str = ""
    kind: str = "department"
    has_services: bool = True
    # ok | unreachable | blocked | error  (blocked = 403/429/WAF challenge: "could not audit")
    crawl_state: str = "ok"
    home_status: int | None = None
    final_url: str = ""
    error: str = ""


@dataclass
class PageItem:
    """A fetched page with the page-level features the rubric checks (footer identity, 找错 entry...)."""

    run_id: str
    site_id: str
    url: str
    kind: str  # home | column | article | guide | interaction
    status: int | None = None
    features: dict[str, Any] = field(default_factory=dict)
    error: str = ""


@dataclass
class ColumnItem:
    """One column (栏目) with its dated list gathered over its pages."""

    run_id: str
    site_id: str
    url: str
    name: str
    parent_url: str = ""
    depth: int = 1  # 1 = 一级栏目 (linked from the home page)
    source: str = "nav"  # nav | registry | subcolumn | home-block
    on_home: bool = False  # a block of the home page itself (首页栏目)
    http_status: int | None = None
    error: str = ""  # why the list could not be read ("" when it could)
    blank: bool = False
    blank_note: bool = False  # empty, but with an explanatory note (未产生信息说明)
    pages_fetched: int = 0
    rendered: bool = False  # list built by JavaScript, rendered in Chromium
    entries: list[dict[str, Any]] = field(default_factory=list)  # {"title", "url", "date"}
    # filled by pipelines:
    category: str = ""
    latest: str | None = None  # newest date not after the as-of date (YYYY-MM-DD)
    undated: int = 0
    future: list[dict[str, Any]] = field(default_factory=list)  # entries dated after as-of (forged-date evidence)


@dataclass
class LinkItem:
    """A link checked for availability (HEAD then GET)."""

    run_id: str
    site_id: str
    page_url: str
    link_url: str
    on_home: bool
    status: int | None = None
    ok: bool = True
    error: str = ""


@dataclass
class GuideItem:
    """A service-guide (办事指南) page and the element categories it has."""

    run_id: str
    site_id: str
    url: str
    title: str = ""
    elements: list[str] = field(default_factory=list)  # element keys present
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {"url", "ok", "status"}


@dataclass
class LetterItem:
    """A published citizen letter (留言) with its submission and reply dates."""

    run_id: str
    site_id: str
    url: str
    column_url: str = ""
    title: str = ""
    submitted: str | None = None
    replied: str | None = None


@dataclass
class SiteDoneItem:
    """Marks that every request of a site has finished: score it now."""

    run_id: str
    site_id: str


@dataclass
class ProbeItem:
    """One availability probe of a home page (the `probe` spider)."""

    site_id: str
    url: str
    at: str  # ISO datetime, UTC
    ok: bool
    status: int | None = None
    elapsed: float | None = None
    error: str = ""
