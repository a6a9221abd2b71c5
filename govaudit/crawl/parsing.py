"""What the audit reads from one fetched page, as one job: the page is decoded and parsed once (a shared
`Document`) and every extractor the spider's callback needs runs over it; the answer is plain data.

`analyse(job)` is a pure function of the job, so it runs equally in the crawl process (GOVAUDIT_PARSE_WORKERS=0)
or in a parse worker process (govaudit.crawl.parsepool), where a page that takes longer than the time limit
is abandoned and recorded, and no page stalls the downloads of the other sites. The body is cut to the size
limit before it is sent (`crawl.responses.capped`); results are capped per page (entries, links, columns,
letters), and the caps applied are listed in `Parsed.notes`.

What the site's reach needs from a page is read here too (the crawl/ modules own the logic, the job only runs
it over the shared Document): a home page's hop (meta refresh, script redirect), whether it runs scripts,
its navigation links to other hosts; a column page's frames, its form-post pager, its letters on every page,
and, for a page of another host fetched to see whose it is (a probe), the identity it carries. The spider's
callbacks only decide requests and items from `Parsed`."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from govaudit.crawl.columns import child_columns
from govaudit.crawl.frames import frame_sources
from govaudit.crawl.hops import Hop, home_hop
from govaudit.crawl.identity import identity_reason
from govaudit.extract.document import Document
from govaudit.extract.features import looks_blocked, page_features, page_links
from govaudit.extract.feeds import find_feeds, read_feed
from govaudit.extract.guides import GuideInfo, find_guide_links, guide_info
from govaudit.extract.letters import Letter, extract_letters
from govaudit.extract.listpage import ListPage, extract_list
from govaudit.extract.navigation import discover_columns, offsite_nav_links
from govaudit.extract.pagination import PageRequest, form_next_page
from govaudit.extract.scripts import runs_scripts, script_parts

HOME, COLUMN, GUIDE, ARTICLE = "home", "column", "guide", "article"


@dataclass(frozen=True)
class PageCaps:
    """Most results kept from one page (a link farm or a 40,000-row list page costs bounded work after it)."""

    entries: int = 1000
    links: int = 2000
    columns: int = 200
    letters: int = 500

    @classmethod
    def from_settings(cls, settings: Any) -> PageCaps:
        return cls(entries=settings.getint("GOVAUDIT_MAX_ENTRIES_PER_PAGE"),
                   links=settings.getint("GOVAUDIT_MAX_LINKS_PER_PAGE"),
                   columns=settings.getint("GOVAUDIT_MAX_COLUMNS_PER_PAGE"),
                   letters=settings.getint("GOVAUDIT_MAX_LETTERS_PER_PAGE"))


@dataclass(frozen=True)
class ParseJob:
    """One page and what to read from it. `kind`: home, column, guide or article."""

    kind: str
    body: bytes
    url: str
    charset: str | None
    status: int
    asof: dt.date
    fetched: dt.datetime | None = None
    site_name: str = ""
    site_url: str = ""  # scopes the home page's columns
    max_columns: int = 80  # columns discovered on the home page
    selectors: dict[str, str] | None = None  # the registry's CSS selectors for this site's lists
    parser: str | None = None  # the registry's parser override (a module slug) for this site's lists
    follow: bool = False  # a column's first page: its features, follow-up links, frames, sub-columns too
    category: str = ""  # the column's kind (classify_column): guide links for guide/service columns
    letters: bool = False  # a letters column (crawl.paging.LETTER_CATEGORIES): its letters, on every page
    sub_columns: bool = False  # look for sub-columns below this column's folder
    probe: bool = False  # a page of another host fetched to see whose it is: read its identity
    site_code: str = ""  # the site's 网站标识码 (the registry id), for a probe
    organizer: str = ""  # the site's 主办单位, for a probe
    feed: dict[str, Any] | None = None  # the page is a script-fed list's answer (extract.feeds), not HTML
    caps: PageCaps = field(default_factory=PageCaps)


@dataclass
class Parsed:
    """What a page said. `error` set: the page could not be read (time limit, parser crash) and nothing else is."""

    error: str = ""
    challenge: bool = False  # a bot challenge or block page (home pages)
    features: dict[str, Any] | None = None
    listing: ListPage | None = None
    columns: list[tuple[str, str]] = field(default_factory=list)  # (name, absolute url): home page columns
    offsite_columns: list[tuple[str, str]] = field(default_factory=list)  # nav links to other hosts (home)
    hop: Hop | None = None  # where the home page sends its visitor without an HTTP redirect
    runs_scripts: bool = False  # the home page runs scripts (that could write its menu)
    frames: list[str] = field(default_factory=list)  # a column page without entries: its frames' URLs
    next_form: PageRequest | None = None  # a column page whose pager posts a form: the next page's request
    identity: str | None = None  # a probe: why the page is the site's (crawl.scope SITE_CODE / ORGANIZER)
    links: list[tuple[str, str]] = field(default_factory=list)  # (kind, absolute url): link-check candidates
    guide_links: list[str] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    sub_columns: list[tuple[str, str]] = field(default_factory=list)  # (name, absolute url)
    guide: GuideInfo | None = None
    feeds: list[dict[str, Any]] = field(default_factory=list)  # a script-built list: the requests its script makes
    feed_understood: bool = False  # a feed's answer held a list (possibly empty): no browser needed
    notes: list[str] = field(default_factory=list)  # caps applied, in the report's language


def analyse(job: ParseJob) -> Parsed:
    """Every extractor `job` asks for, over one decoded and parsed page."""
    out = Parsed()
    if job.feed is not None:
        out.listing, out.feed_understood = read_feed(job.body, job.charset, job.feed, job.asof, job.fetched)
        _cap(out, job.caps)
        return out
    doc = Document(job.body, job.url, job.charset)
    if job.kind == HOME:
        out.challenge = looks_blocked(job.status, doc.text, doc=doc)
        if job.status >= 400 or out.challenge:
            return out
        out.hop = home_hop(doc.text, job.url)
        out.runs_scripts = runs_scripts(doc.text)
        out.features = page_features(doc.text, job.url, job.site_name, doc=doc)
        out.listing = extract_list(job.body, job.url, job.charset, job.asof, fetched=job.fetched, doc=doc)
        out.columns = [(c.name, c.url) for c in discover_columns(doc.text, job.url, max_columns=job.max_columns,
                                                                 site_url=job.site_url, doc=doc)]
        out.offsite_columns = [(c.name, c.url) for c in offsite_nav_links(doc.text, job.url, doc=doc)]
        out.links = page_links(doc.text, job.url, doc=doc)
    elif job.kind == COLUMN:
        out.listing = _column_list(job, doc)
        if job.follow or job.probe:
            out.features = page_features(doc.text, job.url, job.site_name, doc=doc)
        if job.probe:
            out.identity = identity_reason(doc.text, job.url, job.site_code, job.organizer,
                                           features=out.features, doc=doc)
        if out.listing.needs_render and out.listing.blank:
            out.feeds = find_feeds(script_parts(doc.text).code, job.url)
        if job.follow:
            if not out.listing.entries:
                out.frames = frame_sources(doc.text, job.url)
            if job.category in {"guide", "service"}:
                out.guide_links = find_guide_links(doc.text, job.url, doc=doc)
            out.links = page_links(doc.text, job.url, doc=doc)
            if job.sub_columns:
                out.sub_columns = child_columns(out.listing, doc.text, job.url, doc=doc)
        if job.letters:
            out.letters = extract_letters(doc.text, job.url, job.asof, doc=doc)
        if not out.listing.next_pages:
            out.next_form = form_next_page(doc.text, job.url, doc=doc)
    elif job.kind == GUIDE:
        out.guide = guide_info(doc.text, job.url, doc=doc)
    elif job.kind == ARTICLE:
        out.features = page_features(doc.text, job.url, job.site_name, doc=doc)
    _cap(out, job.caps)
    return out


def _column_list(job: ParseJob, doc: Document) -> ListPage:
    if job.parser:
        return _override(job.parser).extract_list(job.body, job.url, job.charset, job.asof)
    return extract_list(job.body, job.url, job.charset, job.asof, selectors=job.selectors, fetched=job.fetched,
                        doc=doc)


@functools.cache
def _override(slug: str) -> Any:
    from govaudit.overrides import load_override

    return load_override(slug)


def _cap(out: Parsed, caps: PageCaps) -> None:
    listing = out.listing
    if listing is not None and len(listing.entries) > caps.entries:
        out.notes.append(f"列表条目过多（{len(listing.entries)} 条），仅记录前 {caps.entries} 条")
        del listing.entries[caps.entries:]
    if len(out.links) > caps.links:
        out.notes.append(f"页面链接过多（{len(out.links)} 个），仅检查前 {caps.links} 个")
        del out.links[caps.links:]
    for name in ("columns", "sub_columns"):
        found = getattr(out, name)
        if len(found) > caps.columns:
            out.notes.append(f"栏目链接过多（{len(found)} 个），仅记录前 {caps.columns} 个")
            del found[caps.columns:]
    if len(out.letters) > caps.letters:
        out.notes.append(f"留言过多（{len(out.letters)} 条），仅记录前 {caps.letters} 条")
        del out.letters[caps.letters:]
    if len(out.guide_links) > caps.links:
        del out.guide_links[caps.links:]
    if len(out.frames) > caps.links:
        del out.frames[caps.links:]
