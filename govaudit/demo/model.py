"""Data model of the demo province: what is planted (specs) and what is served (pages).

A site is described declaratively (``SiteSpec`` / ``ColumnSpec`` in ``sites.py``); the generator turns it
into a ``DemoSite`` whose columns carry concrete dated entries and whose ``pages`` map every URL path to
the exact bytes served. Pages are rendered lazily (a site has hundreds of article pages) but each page is
a pure function of the province's (as-of date, seed), so the same inputs always give the same bytes.

Links to the "outside world" (中国政府网, the 找错 platform, 党政机关标识, ICP/公安 beian, other demo sites)
are written with the marker host ``demo-ext.invalid``: ``http://demo-ext.invalid/<target>/path``. The
demo server replaces ``http://demo-ext.invalid/<target>/`` by the loopback base URL of that target when it
serves a page, so a crawler never leaves this machine; unserved, the ``.invalid`` host never resolves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

EXT_HOST = "demo-ext.invalid"
NATIONAL = "national"  # the target key of the www.gov.cn-like loopback site


def ext_url(target: str, path: str = "/") -> str:
    """A marker URL for ``path`` on the external ``target`` (``national`` or a site id)."""
    return f"http://{EXT_HOST}/{target}{path if path.startswith('/') else '/' + path}"


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str  # the Content-Type header as sent (charset included or deliberately left out)
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


# endpoints addressed by query parameters: path -> the parameters that identify a page (first value wins,
# like a servlet's getParameter, so a client that repeats or reorders parameters still gets the page)
QUERY_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "/module/web/jpage/dataproxy.jsp": ("columnid", "startrecord"),
    "/api/list": ("channel", "page"),
}


def query_key(path: str) -> str | None:
    """Canonical key of a query-addressed endpoint URL (None for other paths)."""
    bare, _, query = path.partition("?")
    names = QUERY_ENDPOINTS.get(bare)
    if not names:
        return None
    params = parse_qs(query)
    if not all(params.get(n) for n in names):
        return None
    return bare + "?" + "&".join(f"{n}={params[n][0]}" for n in names)


class PageMap(Mapping[str, Response]):
    """URL path (with query when the page is addressed by one) -> Response, rendered on first access."""

    def __init__(self) -> None:
        self._makers: dict[str, Callable[[], Response]] = {}
        self._cache: dict[str, Response] = {}
        self._by_query: dict[str, str] = {}

    def add(self, path: str, maker: Callable[[], Response]) -> None:
        self._makers[path] = maker
        key = query_key(path)
        if key:
            self._by_query[key] = path

    def lookup_query(self, path: str) -> str | None:
        """The registered path a query-addressed request means, whatever its parameter order."""
        key = query_key(path)
        return self._by_query.get(key) if key else None

    def __getitem__(self, path: str) -> Response:
        if path not in self._cache:
            self._cache[path] = self._makers[path]()
        return self._cache[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)

    def __contains__(self, path: object) -> bool:
        return path in self._makers


# ------------------------------------------------------------------------------------------------------
# specs: what the province plants


@dataclass
class ColumnSpec:
    """A column (栏目) as planted. ``category`` is the rubric category its name should classify to."""

    name: str
    slug: str
    category: str
    kind: str = "list"  # list | hub | channel (only links to its sub-columns) | page | letters | guides
    on_home: bool = False
    count: int | None = None  # entries; None = the category's default
    newest_age: int | None = None  # days between the newest entry and the as-of date; None = fresh default
    blank: str = ""  # "" | "empty" (list with no rows) | "placeholder" (暂无信息) | "note" (explanatory note)
    status: int = 200  # 404 = the column's page does not exist
    js: bool = False  # list built in the browser from a JSON endpoint
    js_bundled: bool = False  # ... by the site's script file (/js/list.js), not by a script in the page
    no_charset: bool = False  # first list page sent with neither a header nor a meta charset
    children: list[ColumnSpec] = field(default_factory=list)
    unanswered: int = 0  # letters columns: letters older than 3 months without a reply, planted here
    # entries planted with a given title: (age in days, title); the title may name {year} and {quarter} (一..四),
    # the calendar quarter before the entry's date (a result published after its quarter ended)
    planted: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class SiteSpec:
    site_id: str
    name: str
    organizer: str
    region: str
    level: str
    kind: str  # portal | department
    domain: str  # the .gov.cn domain the site would have (shown in meta SiteDomain)
    family: str = "trs"  # trs | hanweb | table | jsapp
    status: str = "running"  # running | offline-temporary | offline-permanent
    behaviour: str = "ok"  # ok | refuse | blocked
    encoding: str = "utf-8"
    home_dates: str = "full"  # full (YYYY-MM-DD) | mmdd ([MM-DD]) | short (MM-DD)
    has_services: bool = True
    zhaocuo: bool = True
    shift_days: int = 0  # every entry of the site is this many days older (a site that stopped updating)
    columns: list[ColumnSpec] = field(default_factory=list)
    unanswered_letters: int = 0  # letters older than 3 months without a reply
    bad_guides: int = 0  # guides each missing >= 4 element categories
    forms: str = "ok"  # ok | missing (guides ask for a 申请表 but link none) | broken (the form link answers 404)
    monitoring: str = ""  # "" (no probe log) | down (a week of probes, every one failing: see demo.monitoring)
    phone: str = "0451-82620000"
    note: str = ""  # what this site is for (shown by `expected`)
    # how the site makes a crawler work to reach its pages: "home_hop" (/index.html refreshes to /index.shtml,
    # which script-redirects to /portal/), "frame_lists" (list columns show their list in an iframe),
    # "letters_paged" (letters listed a few per page, older ones on later pages)
    traits: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------------------
# generated content


@dataclass
class Entry:
    title: str
    date: dt.date
    path: str  # absolute URL path of the article (or letter / guide) page
    docid: int
    time: str = "09:00"
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Column:
    spec: ColumnSpec
    path: str  # absolute URL path of the first list page
    entries: list[Entry]  # newest first
    depth: int = 1
    parent: Column | None = None
    children: list[Column] = field(default_factory=list)
    colid: int = 0  # numeric id (Hanweb col ids, TRS channel ids)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def category(self) -> str:
        return self.spec.category

    @property
    def latest(self) -> dt.date | None:
        """Newest date the column shows (for letters: a submission or a reply, both are listed)."""
        dates = [e.date for e in self.all_entries()]
        dates += [e.extra["replied"] for e in self.all_entries() if e.extra.get("replied")]
        return max(dates) if dates else None

    def all_entries(self) -> list[Entry]:
        """The entries a reader sees on this column: its own, or for a hub its sub-columns'."""
        if self.spec.kind in ("hub", "channel"):
            merged = [e for c in self.children for e in c.entries]
            return sorted(merged, key=lambda e: (e.date, e.docid), reverse=True)
        return self.entries

    def walk(self) -> Iterator[Column]:
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class DemoSite:
    spec: SiteSpec
    columns: list[Column]  # first-level columns (sub-columns under .children)
    pages: PageMap
    fallback: Response | None = None  # answer for every path not in pages (the WAF challenge)
    not_found: Response | None = None  # the site's own 404 page
    address: str = ""  # its loopback address, 127.0.x.y

    # registry fields
    @property
    def site_id(self) -> str:
        return self.spec.site_id

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def organizer(self) -> str:
        return self.spec.organizer

    @property
    def region(self) -> str:
        return self.spec.region

    @property
    def level(self) -> str:
        return self.spec.level

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def status(self) -> str:
        return self.spec.status

    @property
    def encoding(self) -> str:
        return self.spec.encoding

    @property
    def behaviour(self) -> str:
        return self.spec.behaviour

    @property
    def served(self) -> bool:
        """Whether the demo server listens for this site (running and not the refusing one)."""
        return self.spec.status == "running" and self.spec.behaviour != "refuse"

    @property
    def home_path(self) -> str:
        """Where the home page a visitor lands on lives (after the "home_hop" trait's redirects)."""
        return "/portal/index.html" if "home_hop" in self.spec.traits else "/index.html"

    def all_columns(self) -> Iterator[Column]:
        for c in self.columns:
            yield from c.walk()

    def column(self, name: str) -> Column:
        for c in self.all_columns():
            if c.name == name:
                return c
        raise KeyError(name)

    def response(self, path: str) -> Response | None:
        """The response for a request path (query included); the 404 page (or None) when unknown."""
        if path in self.pages:
            return self.pages[path]
        by_query = self.pages.lookup_query(path)
        if by_query:
            return self.pages[by_query]
        bare = path.split("?", 1)[0]
        for candidate in (bare, bare + "index.html" if bare.endswith("/") else "",
                          bare + "index.htm" if bare.endswith("/") else ""):
            if candidate and candidate in self.pages:
                return self.pages[candidate]
        return self.fallback or self.not_found
