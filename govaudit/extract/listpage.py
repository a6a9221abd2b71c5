"""Dated-list extraction from column pages, home pages and datastore payloads (no Scrapy).

Generic algorithm (the fallback under per-site selectors; CMS modules add pagination and record lists):

1. Every short text node that is essentially a date (``2026-09-16``, ``[08-05]``, ``发布日期：2026年9月16日``,
   ``12月28日``, ``17-12-28``, ``3小时前``) is a *date node*; so is a bracketed date closing a link's title
   (``…的通知（2017-12-28）``) and date-shaped text that is not a valid date (kept as evidence). Text inside
   scripts, styles, comments and link labels is ignored, and so are the page's own clock and stamps
   (``今天是：2018年1月3日 星期三``, ``最后更新``: data/list_phrases.yaml).
2. A date node's *row* is its nearest ancestor holding a usable link, widened while the parent has no other
   child. A row must carry at most three distinct links outside nested lists (so footers, link farms and
   whole blocks are rejected); "相关解读" links nested in a row's own sub-list are not rows (no own date).
   A date right after its own link inside a shared container (``<a/><span>date</span><br>``) pairs with it.
3. Rows are grouped by their container (sibling containers of the same tag/class are merged).
   A list page takes the best-scoring group (size, penalised inside hot/side/related/footer/nav blocks) and
   the groups built from the same template next to it (one block per year); a home page (or a channel hub:
   several comparable dated blocks, no pager) takes every group.
4. Without visible dates, rows whose links carry a date in the URL (``/art/2026/8/28/``, ``t20260828_``)
   are used (``date_source="url"``); then, on list pages, repeated article-looking or guide-like links
   (undated): a list of links is content, not a blank column.
5. A page that shows one document (a long running text, at most a publication line and related links) is a
   content page: no entries, not blank.

Year-less dates take their year from the entry URL, then from a year heading of their group (``2016年``),
then the latest year not after the fetch day. Relative dates are read against the fetch time.

Parts: ``datenodes`` (step 1), ``pagestate`` (blank / note / one document), ``tree`` (shared lxml helpers),
``phrases`` (the phrase tables of govaudit/data/list_phrases.yaml).
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import re
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
from lxml.cssselect import CSSSelector

from govaudit import asof as asof_rules
from govaudit.extract import dates
from govaudit.extract.cms import datastore, detect_cms, generic
from govaudit.extract.datenodes import Ctx, DateNode, date_in_piece, document_date, scan_dates
from govaudit.extract.document import Document
from govaudit.extract.encoding import decode_html
from govaudit.extract.joinurl import join_url
from govaudit.extract.pagestate import one_document, placeholder_and_note
from govaudit.extract.pagination import PageInfo, link_pagination
from govaudit.extract.phrases import list_phrases
from govaudit.extract.scripts import builds_by_script, executable_text, site_script_files
from govaudit.extract.tree import (
    CHROME_RE,
    NO_HOME_RE,
    PENALTY_RE,
    main_text_chars,
    penalised,
    squash,
    text_of,
    usable,
)

MAX_PARSE_BYTES = 3_000_000  # larger pages are cut (and the cut reported in ``errors``)
_FAR_ASOF_YEARS = 30  # dates up to this many years ahead are read (future-dated entries are findings)

_LIST_TAGS = frozenset({"ul", "ol", "dl"})
_ARTICLE_URL_RE = re.compile(
    r"/t(?:19|20)\d{6}_\d+|/art/(?:19|20)\d{2}/|/content(?:_|/)|/(?:19|20)\d{2}[-/]?\d{2}/|/\d{5,}\.s?html?$"
    r"|/[0-9a-f]{16,}\.s?html?$|/[0-9a-f-]{32,36}\.s?html?$|[?&](?:id|articleid|infoid|docid)=",
    re.IGNORECASE,
)
_HOME_PATH_RE = re.compile(r"^/?(?:(?:index|default|main|home)\.(?:s?html?|jsp|php|aspx?))?$", re.IGNORECASE)
_COLUMN_PATH_RE = re.compile(
    r"/$|/(?:index|default|list|common_list)(?:_\d+)?\.(?:s?html?|jsp|php|aspx?)$|/col/col\d+/", re.IGNORECASE
)
_BINARY_MAGIC = (
    (b"%PDF", "pdf"), (b"PK\x03\x04", "zip/office"), (b"\x89PNG", "png"), (b"GIF8", "gif"),
    (b"\xff\xd8\xff", "jpeg"), (b"\xd0\xcf\x11\xe0", "ms-office"), (b"Rar!", "rar"), (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf", "7z"), (b"MZ", "executable"),
)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass
class Entry:
    title: str
    url: str
    date: datetime.date | None
    # how the date was read: "text" (shown with its year), "inferred" (shown without a year), "relative"
    # (``3小时前``, against the fetch time), "title" (inside the title text), "url" (only in the link) or ""
    date_source: str = ""
    date_text: str = ""  # the date as the page writes it (kept also when it is not a valid date)
    date_relative: bool = False  # the page wrote a relative date (刚刚, 昨天, 5天前): date is fetch day minus it
    date_invalid: bool = False  # date-shaped text that is no date (2017-13-45, 0000-00-00): date stays None
    pinned: bool = False  # marked 置顶, or an older row held above newer ones at the top of the list


@dataclass
class SubColumn:
    name: str
    url: str


@dataclass
class ListPage:
    entries: list[Entry] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    subcolumns: list[SubColumn] = field(default_factory=list)
    blank: bool = False
    blank_note: bool = False
    placeholder: str | None = None
    total_pages: int | None = None
    needs_render: bool = False
    content_page: bool = False  # no list, but an article-like body (e.g. 概况/机构职能 columns): not blank
    cms: str = "generic"
    encoding: str = ""
    errors: list[str] = field(default_factory=list)
    asof: datetime.date = field(default_factory=datetime.date.today)
    kind: str = "list"  # "list" | "home" (all dated blocks collected)
    total_records: int | None = None
    elapsed_ms: float = 0.0
    note_text: str | None = None  # the explanatory note (备注说明) when blank_note
    index_page: bool = False  # a list of links (guides, sub-columns) without dates: content, not blank
    document_date: datetime.date | None = None  # a content page's own publication date (not an entry date)
    fetched: datetime.datetime | None = None  # reference time of relative and year-less dates

    def latest(self) -> datetime.date | None:
        """Newest entry date not after the as-of date."""
        return asof_rules.latest((e.date for e in self.entries), self.asof)

    def oldest(self) -> datetime.date | None:
        found = [e.date for e in self.entries if e.date is not None and not asof_rules.is_future(e.date, self.asof)]
        return min(found) if found else None


@dataclass
class _Row:
    el: Any
    nodes: list[DateNode] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- helpers


def _sniff_binary(body: bytes) -> str | None:
    head = body[:16]
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            return name
    sample = body[:2048]
    if sample and sample.count(b"\x00") > len(sample) // 20:
        return "binary"
    return None


_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)


_END_TAGS_RE = re.compile(r"</\s*(?:html|body)\s*>", re.IGNORECASE)


def _parse(text: str) -> Any:
    text = _XML_DECL_RE.sub("", text, count=1)
    # stray </body></html> of server-side included fragments make libxml2 drop the rest of the page;
    # browsers ignore them, and so do we
    text = _END_TAGS_RE.sub(" ", text)
    root = lxml.etree.fromstring(text, parser=_PARSER)
    if root is None:
        raise ValueError("document is empty")
    return root


def _is_home_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and not parts.query and bool(_HOME_PATH_RE.match(parts.path or "/"))


# ------------------------------------------------------------------------------------ date-node scanning


def _row_links(row: Any) -> list[Any]:
    """Usable links of a row outside lists nested inside it."""
    links = []
    for a in row.iter("a"):
        if not usable(a.get("href")):
            continue
        nested = False
        for anc in a.iterancestors():
            if anc is row:
                break
            if anc.tag in _LIST_TAGS:
                nested = True
                break
        if not nested:
            links.append(a)
    if not links and row.tag == "a" and usable(row.get("href")):
        links.append(row)
    return links


def _hrefs(row: Any) -> set[str]:
    return {a.get("href").strip() for a in _row_links(row)}


def _has_link(el: Any) -> bool:
    if el.tag == "a" and usable(el.get("href")):
        return True
    return any(usable(a.get("href")) for a in el.iter("a"))


_ITEM_TAGS = frozenset({"li", "tr", "dd", "dt"})


def _widen(row: Any, stop: Any) -> Any:
    """Climb while the parent has no other element child (e.g. the <li> around a lone <a>), not past a list
    item (a one-item list is still a list: its <li> is the row, as in its sibling lists)."""
    parent = row.getparent()
    while (parent is not None and parent is not stop and parent.tag not in ("body", "html") and len(parent) == 1
           and row.tag not in _ITEM_TAGS):
        row, parent = parent, parent.getparent()
    return row


def _prev_element(el: Any) -> Any:
    sib = el.getprevious()
    while sib is not None and not isinstance(sib.tag, str):
        sib = sib.getprevious()
    return sib


def _link_before(el: Any) -> Any:
    """The single-link element right before ``el`` (skipping <br>/separators), else None."""
    sib = _prev_element(el)
    while sib is not None and sib.tag in ("br", "img", "i", "em", "b") and not _has_link(sib):
        sib = _prev_element(sib)
    if sib is None or not 1 <= len(_hrefs(sib)) <= 2:
        return None
    return sib


_MAX_ROW_CHARS = 400  # a title, a date and a summary; a longer block is a document holding a link, not a row


def _find_rows(root: Any, ctx: Ctx) -> list[_Row]:
    rows: dict[Any, _Row] = {}
    order: list[Any] = []

    def add(key: Any, node: DateNode) -> None:
        if key not in rows:
            rows[key] = _Row(key)
            order.append(key)
        rows[key].nodes.append(node)

    counts: dict[Any, int] = {}

    def nlinks(el: Any) -> int:
        n = counts.get(el)
        if n is None:
            n = counts[el] = len(_hrefs(el))
        return n

    for owner, node, tail_of in scan_dates(root, ctx):
        if node.meta and node.date is not None:
            ctx.meta_dates.append(node.date)
        if tail_of is not None and nlinks(owner) > 1:
            # "<a>title</a>(2017-12-28)<br>" inside a block of several links: the date closes its own link
            pair = tail_of if 1 <= nlinks(tail_of) <= 2 else None
            if pair is None:
                continue
            node.depth = 1
            add(pair, node)
            continue
        el, depth, below = owner, 0, None
        while el is not None and el is not root and depth <= 6:
            if _has_link(el):
                break
            below, el, depth = el, el.getparent(), depth + 1
        if el is None or el is root or depth > 6:
            continue
        row = _widen(el, root)
        n_row = nlinks(row) if below is not None else 0
        if n_row > 1:
            # <dt><a/></dt><dd>date</dd> pairs, <a/><span>date</span> runs: a link-holding previous sibling
            node.pair = _link_before(below)
        if n_row > 3:
            if node.pair is None:
                continue
            row, depth = node.pair, 1
        elif row.tag in ("body", "html"):
            continue
        node.depth = depth
        add(row, node)
    out = []
    for key in order:
        r = rows[key]
        pairs = [n.pair for n in r.nodes]
        if len(r.nodes) > 1 and all(p is not None for p in pairs) and len({id(p) for p in pairs}) == len(pairs):
            # one container, several link+date runs: each run is a row
            for n in r.nodes:
                n.depth = 1
                out.append(_Row(n.pair, [n]))
            continue
        if 1 <= nlinks(r.el) <= 3 and len(r.nodes) <= 4:
            out.append(r)
    return out


def _group(rows: list[_Row]) -> list[list[_Row]]:
    """Rows grouped by container; sibling containers with the same tag and class are merged."""
    groups: dict[tuple[Any, ...], list[_Row]] = {}
    for r in rows:
        container = r.el.getparent()
        if container is None:
            continue
        grand = container.getparent()
        # keys hold the elements themselves: an lxml proxy's id() can be reused once it is collected
        key = (grand, container.tag, container.get("class") or "", r.el.tag) if grand is not None else (
            container,)
        groups.setdefault(key, []).append(r)
    return list(groups.values())


_PAGER_WORDS = frozenset({"下一页", "下页", "尾页", "末页", "上一页"})


def _pager_zone(root: Any) -> set[Any]:
    """ids of the near ancestors of the pager (the main list sits next to its pager)."""
    for a in root.iter("a", "span"):
        if squash(text_of(a)) in _PAGER_WORDS and (a.tag == "span" or a.get("href")):
            zone: set[Any] = set()
            el = a.getparent()
            for _ in range(4):
                if el is None or el.tag in ("body", "html"):
                    break
                zone.add(el)
                el = el.getparent()
            if len(zone) > 0:
                return zone
    return set()


def _score(group: list[_Row], zone: set[Any] | None = None) -> float:
    score = float(len(group))
    if penalised(group[0].el, PENALTY_RE):
        score *= 0.4
    if zone:
        el = group[0].el.getparent()
        for _ in range(3):
            if el is None:
                break
            if el in zone:
                score *= 2.0
                break
            el = el.getparent()
    return score


# ------------------------------------------------------------------------------------------- entries


_TITLE_ASOF = datetime.date(2100, 1, 1)
_TITLE_CTX = Ctx(_TITLE_ASOF, _TITLE_ASOF, _TITLE_ASOF, datetime.datetime(2100, 1, 1))


def _link_text(a: Any) -> str:
    """Link text without date-only pieces (lists that put the date inside the <a>)."""
    pieces = list(a.itertext())
    if len(pieces) > 1:
        pieces = [p for p in pieces if date_in_piece(p, _TITLE_CTX) is None]
    return squash("".join(pieces))


def _title_of(a: Any) -> str:
    text = _link_text(a)
    attr = squash(a.get("title"))
    if attr and (not text or text.endswith(("...", "…", "..")) or len(attr) > len(text)):
        return attr
    return text


def _main_link(row: Any) -> Any | None:
    found = _main_link_title(row)
    return found[0] if found else None


def _main_link_title(row: Any) -> tuple[Any, str] | None:
    """The row's link with the longest title, and that title."""
    links = _row_links(row) or [a for a in row.iter("a") if usable(a.get("href"))]
    if not links:
        return None
    if len(links) == 1:
        return links[0], _title_of(links[0])
    return max(((a, _title_of(a)) for a in links), key=lambda pair: len(pair[1]))


_YEAR_HEADING_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*年?度?\s*$")


def _context_year(row_el: Any) -> int | None:
    """The year of a year heading above the row's group (``<h4>2016年</h4><ul>…``, ``<caption>2016年``)."""
    el = row_el
    for _ in range(4):
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return None
        sib, steps = el.getprevious(), 0
        while sib is not None and steps < 60:
            steps += 1
            if isinstance(sib.tag, str) and sib.tag != el.tag:
                text = text_of(sib)
                if len(text) <= 12:
                    m = _YEAR_HEADING_RE.match(text)
                    if m:
                        return int(m.group(1))
                else:
                    return None  # a block of content, not a heading: stop looking upwards
            sib = sib.getprevious()
        el = parent
    return None


def _pinned_mark(row_el: Any) -> bool:
    """A 置顶 marker in the row: its text, an image's alt/title/src, or the class of the row or a child."""
    phrases = list_phrases()
    for piece in row_el.itertext():
        if "顶" in piece and len(piece) <= 12 and phrases.pinned_text.search(piece):
            return True
    for el in (row_el, *row_el):
        if isinstance(el.tag, str) and phrases.pinned_marker.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            return True
    for img in row_el.iter("img"):
        if (phrases.pinned_marker.search(img.get("src") or "")
                or phrases.pinned_text.search(f"{img.get('alt') or ''} {img.get('title') or ''}")):
            return True
    return False


def _entry(row: _Row, base: str, ctx: Ctx) -> Entry | None:
    found = _main_link_title(row.el)
    if found is None:
        return None
    a, title = found
    url = join_url(base, a.get("href").strip())
    entry = Entry(title, url, None, "")
    valid = [n for n in row.nodes if n.date is not None]
    if not valid:
        if row.nodes:  # only date-shaped text that is not a date: keep it as written
            entry.date_text, entry.date_invalid = row.nodes[0].text, True
        return entry
    # the row's own date (shallowest), not after the fetch day when it has one (截止日期 columns), newest
    best_key = min((n.depth, n.date > ctx.ref, -n.date.toordinal(), i) for i, n in enumerate(row.nodes)
                   if n.date is not None)
    best = row.nodes[best_key[3]]
    when = best.date
    assert when is not None
    source = "relative" if best.relative else "title" if best.title else "inferred" if best.inferred else "text"
    if best.inferred:
        from_url = dates.url_date(url, ctx.asof)
        year = from_url.date.year if from_url and from_url.date.month == when.month else _context_year(row.el)
        if year is not None:
            with contextlib.suppress(ValueError):
                when = when.replace(year=year)
    entry.date, entry.date_source, entry.date_text, entry.date_relative = when, source, best.text, best.relative
    return entry


def _url_rows(root: Any, ctx: Ctx, base: str) -> list[_Row]:
    """Rows of links whose URL carries a day-precise date (lists without visible dates)."""
    rows: dict[Any, _Row] = {}
    for a in root.iter("a"):
        href = a.get("href")
        if not usable(href) or not squash(text_of(a) or a.get("title")):
            continue
        found = dates.date_from_url(join_url(base, href.strip()), ctx.asof)
        if found is None:
            continue
        row = _widen(a, root)
        if row not in rows:
            rows[row] = _Row(row, [DateNode(found, False, 99)])
    return list(rows.values())


_MIN_LINK_ITEM_CHARS = 5


def _article_rows(root: Any, base: str) -> list[_Row]:
    """Undated rows of a list of links: article-looking URLs, or item-like links (a guide list, 事项 list)
    that are neither column links nor short menu words."""
    rows: dict[Any, _Row] = {}
    for a in root.iter("a"):
        href = a.get("href")
        if not usable(href):
            continue
        text = squash(text_of(a) or a.get("title"))
        if len(text) < 4:
            continue
        absolute = join_url(base, href.strip())
        if not _ARTICLE_URL_RE.search(absolute):
            path = urlsplit(absolute).path
            if len(text) < _MIN_LINK_ITEM_CHARS or _COLUMN_PATH_RE.search(path) or _MORE_RE.match(text):
                continue
            if penalised(a, PENALTY_RE, 8) or penalised(a, CHROME_RE, 8):
                continue
        row = _widen(a, root)
        if row.tag == "td" and row.getparent() is not None and len(_hrefs(row.getparent())) <= 2:
            row = row.getparent()  # a table row whose cells link to the same item
        if len(_hrefs(row)) <= 2:
            rows.setdefault(row, _Row(row))
    return list(rows.values())


def _signature(container: Any) -> tuple[str, ...]:
    """Template signature of a row container: tag/class of it and of its two ancestors."""
    parts: list[str] = []
    el = container
    for _ in range(3):
        if el is None:
            break
        parts.append(f"{el.tag}.{el.get('class') or ''}")
        el = el.getparent()
    return tuple(parts)


def _template_siblings(best: list[_Row], groups: list[list[_Row]]) -> list[_Row]:
    """The best group plus groups of the same template next to it (one block per year, per tab)."""
    container = best[0].el.getparent()
    if container is None:
        return best
    sig, row_tag = _signature(container), best[0].el.tag
    anchors = [anc for i, anc in enumerate(container.iterancestors()) if i < 3]
    merged = list(best)
    for g in groups:
        if g is best or g[0].el.tag != row_tag:
            continue
        other = g[0].el.getparent()
        if other is None or _signature(other) != sig:
            continue
        if any(anc in anchors for anc in other.iterancestors()):
            merged.extend(g)
    if len(merged) == len(best):
        return best
    order = {el: i for i, el in enumerate(container.getroottree().getroot().iter())}
    return sorted(merged, key=lambda r: order.get(r.el, 0))


def _collect(groups: list[list[_Row]], home: bool, base: str, ctx: Ctx,
             zone: set[Any] | None = None, used: list[Any] | None = None) -> list[Entry]:
    # a lone labelled date (更新时间：…, 发布日期：… under the banner) is the page's stamp, and a lone 今天 /
    # 昨天 (a weather or calendar widget) is no entry: a list of relative dates has more than one row
    groups = [g for g in groups if len(g) > 1 or not all(n.meta or n.relative for n in g[0].nodes)]
    if not groups:
        return []
    if home:
        chosen = [g for g in groups if not penalised(g[0].el, NO_HOME_RE, 8)] or groups
        rows = [r for g in chosen for r in g]
    else:
        best = max(groups, key=lambda g: _score(g, zone))
        rows = _with_undated_siblings(_template_siblings(best, groups))
    entries: list[Entry] = []
    seen: set[str] = set()
    for r in rows:
        e = _entry(r, base, ctx)
        if e is None:
            continue
        if (home or e.date is None) and e.url in seen:
            continue
        seen.add(e.url)
        if not home and len(entries) < _PINNED_SCAN_ROWS:  # pinned rows sit at the top of a list
            e.pinned = _pinned_mark(r.el)
        entries.append(e)
        if used is not None:
            used.append(r.el)
    if not home:
        _mark_held_up(entries)
    return entries


_PINNED_SCAN_ROWS = 6


def _mark_held_up(entries: list[Entry]) -> None:
    """Rows held above newer ones at the top of a newest-first list are pinned (置顶 without a marker)."""
    dated = [e for e in entries if e.date is not None]
    days = [e.date for e in dated if e.date is not None]
    if len(days) < 4:
        return
    for k in range(1, min(3, len(days) - 3) + 1):
        rest = days[k:]
        descending = all(a >= b for a, b in itertools.pairwise(rest))
        if descending and max(days[:k]) < rest[0]:
            for e in dated[:k]:
                e.pinned = True
            return


_MORE_RE = re.compile(r"^(?:更多|查看更多|more|>>|»)", re.IGNORECASE)


def _with_undated_siblings(group: list[_Row]) -> list[_Row]:
    """The main list plus same-tag sibling rows whose date is missing or unreadable (e.g. 2017-13-45)."""
    in_group = {r.el for r in group}
    tags = {r.el.tag for r in group}
    containers: list[Any] = []
    for r in group:
        parent = r.el.getparent()
        if parent is not None and all(parent is not c for c in containers):
            containers.append(parent)
    if len(group) < 2:
        return group
    extra = False
    out: list[_Row] = []
    for container in containers:
        for child in container:
            if child in in_group:
                continue
            if not isinstance(child.tag, str) or child.tag not in tags:
                continue
            found = _main_link_title(child)
            if found is None or len(_row_links(child)) > 2:
                continue
            title = found[1]
            if len(title) < 6 or _MORE_RE.match(title):
                continue
            out.append(_Row(child))
            extra = True
    if not extra:
        return group
    rows = group + out
    order = {el: i for i, el in enumerate(containers[0].getroottree().getroot().iter())}
    return sorted(rows, key=lambda r: order.get(r.el, 0))


def _is_hub(groups: list[list[_Row]], has_pager: bool) -> bool:
    if has_pager:
        return False
    sizable = [g for g in groups if len(g) >= 3 and not penalised(g[0].el, PENALTY_RE)]
    total = sum(len(g) for g in sizable)
    return len(sizable) >= 3 and max(len(g) for g in sizable) < 0.5 * total


def _rows_by_selectors(root: Any, selectors: dict[str, str], ctx: Ctx, base: str) -> list[Entry]:
    entries = []
    for item in CSSSelector(selectors["item"])(root):
        link_sel, title_sel, date_sel = selectors.get("link"), selectors.get("title"), selectors.get("date")
        links = CSSSelector(link_sel)(item) if link_sel else [_main_link(item)]
        a = links[0] if links and links[0] is not None else None
        if a is None or not usable(a.get("href")):
            continue
        url = join_url(base, a.get("href").strip())
        titles = CSSSelector(title_sel)(item) if title_sel else []
        title = squash(text_of(titles[0])) if titles else _title_of(a)
        date_text = " ".join(squash(text_of(d)) for d in CSSSelector(date_sel)(item)) if date_sel else ""
        match_node = date_in_piece(date_text, ctx) if date_text else None
        if match_node is None and date_text:
            match = next(dates.iter_dates(date_text, ctx.far), None)
            if match is not None:
                when = dates.infer_year(match.date.month, match.date.day, ctx.ref) if match.inferred else match.date
                match_node = DateNode(when or match.date, match.inferred, 0, date_text)
        if match_node is None:
            nodes = [n for _, n, _t in scan_dates(item, ctx)]
            match_node = min(nodes, key=lambda n: n.depth) if nodes else None
        if match_node is not None:
            e = _entry(_Row(item, [match_node]), base, ctx)
            if e is not None:
                e.url, e.title = url, title
                entries.append(e)
        else:
            found = dates.date_from_url(url, ctx.asof)
            entries.append(Entry(title, url, found, "url" if found else ""))
    return entries


# ----------------------------------------------------------------------------------- page-level parts


def _subcolumns(root: Any, url: str, base: str, taken: set[str]) -> list[SubColumn]:
    parts = urlsplit(url)
    col_dir = parts.path.rsplit("/", 1)[0] + "/"
    out: list[SubColumn] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = a.get("href")
        if not usable(href):
            continue
        if not _COLUMN_PATH_RE.search(href.split("?", 1)[0].split("#", 1)[0]):
            continue
        absolute = join_url(base, href.strip())
        if absolute in taken or absolute in seen:
            continue
        p = urlsplit(absolute)
        if p.netloc != parts.netloc or not _COLUMN_PATH_RE.search(p.path):
            continue
        link_dir = p.path.rsplit("/", 1)[0] + "/"
        if not (link_dir.startswith(col_dir) and len(link_dir) > len(col_dir)):
            continue
        if re.search(r"_\d+\.s?html?$", p.path):  # pager pages are not sub-columns
            continue
        name = squash(text_of(a)) or squash(a.get("title"))
        if not name or len(name) > 30 or name in ("更多", "更多>>", "more", ">>"):
            continue
        seen.add(absolute)
        out.append(SubColumn(name, absolute))
    return out


# ------------------------------------------------------------------------------------------- main API


def extract_list(body: bytes | str, url: str, encoding: str | None = None, asof: datetime.date | None = None,
                 selectors: dict[str, str] | None = None, kind: str | None = None,
                 fetched: datetime.datetime | datetime.date | None = None, *,
                 doc: Document | None = None) -> ListPage:
    """Entries, pagination, sub-columns and blank state of a list page, home page or list payload.

    ``kind`` forces "list" (one main list) or "home" (all dated blocks); by default a site root is a home
    page, and a page with several comparable dated blocks and no pager is treated as a hub. ``fetched`` is
    when the page was fetched: relative dates (``3小时前``, ``昨天``) count back from it and year-less dates
    (``[12-28]``) take the latest year not after it; without it, the as-of date (at noon) stands in.
    Never raises: problems are reported in ``errors``. ``doc`` is the page's shared Document (decoded
    text and tree reused, see govaudit.extract.document); its URL must be ``url``.
    """
    started = time.perf_counter()
    asof = asof or datetime.date.today()
    page = ListPage(asof=asof)
    if isinstance(fetched, datetime.datetime):
        now = fetched.replace(tzinfo=None) if fetched.tzinfo is not None else fetched
    elif isinstance(fetched, datetime.date):
        now = datetime.datetime.combine(fetched, datetime.time(12, 0))
    else:
        now = datetime.datetime.combine(asof, datetime.time(12, 0))
    page.fetched = now
    ctx = Ctx(asof, datetime.date(asof.year + _FAR_ASOF_YEARS, 12, 31), now.date(), now)
    try:
        _extract(page, body, url, encoding, ctx, selectors, kind, doc if doc is not None and doc.url == url else None)
    except Exception as exc:
        page.errors.append(f"extraction failed: {type(exc).__name__}: {exc}")
        page.blank = False
    page.elapsed_ms = (time.perf_counter() - started) * 1000
    return page


def _extract(page: ListPage, body: bytes | str, url: str, encoding: str | None, ctx: Ctx,
             selectors: dict[str, str] | None, kind: str | None, doc: Document | None = None) -> None:
    if isinstance(body, bytes):
        if not body.strip():
            page.errors.append("empty body")
            page.blank = True
            return
        binary = _sniff_binary(body)
        if binary:
            page.errors.append(f"binary content ({binary}) served as a page")
            return
        if len(body) > MAX_PARSE_BYTES:
            page.errors.append(f"page too large ({len(body)} bytes): only the first {MAX_PARSE_BYTES} parsed")
            body = body[:MAX_PARSE_BYTES]
            doc = None  # the shared Document holds the whole page
        if doc is not None:
            text, page.encoding = doc.text, doc.encoding
        else:
            text, page.encoding = decode_html(body, encoding)
    else:
        text, page.encoding = body, "unicode"
        if len(text) > MAX_PARSE_BYTES:
            page.errors.append(f"page too large ({len(text)} chars): only the first {MAX_PARSE_BYTES} parsed")
            text = text[:MAX_PARSE_BYTES]
            doc = None
    if not text.strip():
        page.errors.append("empty body")
        page.blank = True
        return
    if text.count("\ufffd") > max(20, len(text) // 50):
        page.errors.append("undecodable text (many invalid characters)")

    family: ModuleType = detect_cms(text, url)
    page.cms = family.NAME
    records = datastore.records_html(text) if "record" in text else None
    if records:
        page.cms = family.NAME if family.NAME != "generic" else "datastore"
        text_for_tree = "<html><body><div class='records'>" + "".join(
            f"<div class='record'>{r}</div>" for r in records) + "</div></body></html>"
    else:
        text_for_tree = text
        low_tail = text[-2000:].lower()
        if "<html" in text[:5000].lower() and "</html>" not in low_tail and "</body>" not in low_tail:
            page.errors.append("truncated HTML (no closing </html>)")
    try:
        if doc is not None and not records:
            root = doc.root
            if root is None:
                raise ValueError("document is empty")
        else:
            root = _parse(text_for_tree)
    except (lxml.etree.ParserError, ValueError) as exc:
        page.errors.append(f"unparseable HTML: {exc}")
        return
    base = url
    base_el = root.find(".//base[@href]")
    if base_el is not None and usable(base_el.get("href")):
        base = join_url(url, base_el.get("href").strip())

    # pagination: family scripts first, then what the links show
    info = PageInfo()
    family_pager = getattr(family, "pagination", None)
    if family_pager is not None:
        info.merge(family_pager(text, url))
    if "record" in text and family is not datastore:
        info.merge(datastore.pagination(text, url))
    if "createPageHTML" in text and family.NAME not in ("trs", "xhtml"):
        from govaudit.extract.cms import trs

        info.merge(trs.pagination(text, url))
    info.merge(link_pagination(root, url))
    if selectors and selectors.get("next"):
        for a in CSSSelector(selectors["next"])(root):
            if usable(a.get("href")):
                info.next_pages.insert(0, join_url(base, a.get("href").strip()))
    page.next_pages = list(dict.fromkeys(info.next_pages))
    page.total_pages = info.total_pages
    page.total_records = info.total_records
    has_pager = bool(info.next_pages or (info.total_pages and info.total_pages > 1) or info.total_records)

    # entries
    home = kind == "home" or (kind is None and _is_home_url(url))
    used: list[Any] = []  # row elements of the entries (for the content-page test)
    if selectors and selectors.get("item"):
        entries = _rows_by_selectors(root, selectors, ctx, base)
    elif records:
        rows = []
        for rec in root.iter("div"):
            if rec.get("class") == "record":
                nodes = [n for _, n, _t in scan_dates(rec, ctx)]
                if _main_link(rec) is not None:
                    rows.append(_Row(rec, nodes))
        entries = [e for e in (_entry(r, base, ctx) for r in rows) if e is not None]
    else:
        # a lone "row" with a long text is a document holding a link (a share button), not a list
        groups = [g for g in _group(_find_rows(root, ctx)) if len(g) > 1 or len(text_of(g[0].el)) <= _MAX_ROW_CHARS]
        if groups and kind is None and not home and _is_hub(groups, has_pager):
            home = True
        entries = _collect(groups, home, base, ctx, _pager_zone(root) if len(groups) > 1 else None, used)
        visible = bool(entries)
        if not entries:
            url_groups = _group(_url_rows(root, ctx, base))
            url_groups = [g for g in url_groups if home or (len(g) >= 2 and not penalised(g[0].el, NO_HOME_RE, 8))]
            entries = _collect(url_groups, home, base, ctx, None, used)
            for e in entries:
                e.date_source = "url" if e.date else ""
        if not entries and not home:
            art_groups = [g for g in _group(_article_rows(root, base))
                          if len(g) >= 3 and not penalised(g[0].el, NO_HOME_RE, 8)]
            entries = _collect(art_groups, False, base, ctx, None, used)
            page.index_page = bool(entries)
        if not home and not has_pager and one_document(root, used, visible):
            # a column that shows one document (信息公开指南, 概况): its publication line and related links
            # are not a list
            page.document_date = ctx.meta_dates[0] if ctx.meta_dates else document_date(root, ctx)
            page.entries, page.content_page, page.index_page = [], True, False
            return
    page.kind = "home" if home else "list"
    page.entries = entries

    taken = {e.url for e in entries} | set(page.next_pages)
    if not home:
        page.subcolumns = _subcolumns(root, url, base, taken)
    if not entries:
        page.placeholder, page.note_text = placeholder_and_note(root)
        page.blank_note = page.note_text is not None
        body_el = root.find("body")
        scope = body_el if body_el is not None else root
        if page.placeholder is None and page.note_text is None and page.subcolumns and not home:
            page.index_page = True  # a channel page whose content is its sub-columns: not blank by itself
            return
        if page.placeholder is None and not page.subcolumns and not home and (
                main_text_chars(scope) >= 30 or scope.xpath(".//form[.//textarea]")):
            page.content_page = True  # a single-page column with its content in place: not blank
            return
        page.blank = True
        # a server that states zero records (Hanweb <totalrecord>0</totalrecord>) has answered: no browser needed
        if page.placeholder is None and page.note_text is None and page.total_records != 0:
            # what a browser runs and shows decides, not a comment that mentions fetch( (extract/scripts.py)
            dynamic = getattr(family, "dynamic", None) if family is not generic else None
            page.needs_render = builds_by_script(text) or bool(dynamic is not None and dynamic(executable_text(text))) \
                or (_empty_container(scope) and bool(site_script_files(text)))


_CONTAINER_NAME = re.compile(r"list|news|article|info|data|content|items|rows|records|xxgk|gk|wz|doc", re.IGNORECASE)


def _empty_container(scope: Any) -> bool:
    """An empty element a script fills with the list: an empty <ul>/<ol>/<tbody>, or an empty block named
    like a list (id or class: list, news, article, info, data, content…)."""
    for el in scope.iter("ul", "ol", "tbody", "div", "table", "section"):
        if len(el) or (el.text or "").strip():
            continue
        if el.tag in ("ul", "ol", "tbody"):
            return True
        if _CONTAINER_NAME.search(f"{el.get('id') or ''} {el.get('class') or ''}"):
            return True
    return False


def to_json(page: ListPage) -> dict[str, Any]:
    """The JSON shape printed by ``python -m govaudit.extract`` (dates as YYYY-MM-DD or null)."""

    def entry(e: Entry) -> dict[str, Any]:
        out: dict[str, Any] = {"title": e.title, "url": e.url, "date": dates.format_date(e.date),
                               "date_source": e.date_source, "date_text": e.date_text}
        if e.date_relative:
            out["date_relative"] = True
        if e.date_invalid:
            out["date_invalid"] = True
        if e.pinned:
            out["pinned"] = True
        return out

    return {
        "entries": [entry(e) for e in page.entries],
        "next_pages": page.next_pages,
        "subcolumns": [{"name": s.name, "url": s.url} for s in page.subcolumns],
        "blank": page.blank,
        "blank_note": page.blank_note,
        "note_text": page.note_text,
        "placeholder": page.placeholder,
        "content_page": page.content_page,
        "index_page": page.index_page,
        "document_date": dates.format_date(page.document_date),
        "future": [entry(e) for e in page.entries if asof_rules.is_future(e.date, page.asof)],
        "latest": dates.format_date(page.latest()),
        "total_pages": page.total_pages,
        "total_records": page.total_records,
        "needs_render": page.needs_render,
        "kind": page.kind,
        "cms": page.cms,
        "encoding": page.encoding,
        "errors": page.errors,
    }
