"""Dated-list extraction from column pages, home pages and datastore payloads (no Scrapy).

Generic algorithm (the fallback under per-site selectors; CMS modules add pagination and record lists):

1. Every short text node that is essentially a date (``2026-09-16``, ``[08-05]``, ``发布日期：2026年9月16日``)
   is a *date node*. Text inside scripts, styles, comments and link labels is ignored.
2. A date node's *row* is its nearest ancestor holding a usable link, widened while the parent has no other
   child. A row must carry at most three distinct links outside nested lists (so footers, link farms and
   whole blocks are rejected); "相关解读" links nested in a row's own sub-list are not rows (no own date).
3. Rows are grouped by their container (sibling containers of the same tag/class are merged).
   A list page takes the best-scoring group (size, penalised inside hot/side/related/footer/nav blocks);
   a home page (or a channel hub: several comparable dated blocks, no pager) takes every group.
4. Without visible dates, rows whose links carry a date in the URL (``/art/2026/8/28/``, ``t20260828_``)
   are used (``date_source="url"``); then, on list pages, repeated article-looking links (undated).
"""

from __future__ import annotations

import contextlib
import datetime
import re
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
from lxml.cssselect import CSSSelector

from govaudit import asof as asof_rules
from govaudit.extract import dates
from govaudit.extract.cms import datastore, detect_cms, generic
from govaudit.extract.encoding import decode_html
from govaudit.extract.pagination import PageInfo, link_pagination

MAX_PARSE_BYTES = 3_000_000  # larger pages are cut (and the cut reported in ``errors``)
_FAR_ASOF_YEARS = 30  # dates up to this many years ahead are read (future-dated entries are findings)

_SKIP_TAGS = frozenset({"script", "style", "noscript", "textarea", "select", "option", "head", "title",
                        "template", "iframe", "object"})
_LIST_TAGS = frozenset({"ul", "ol", "dl"})
_DATEISH_RE = re.compile(r"\d{1,4}\s*[-/.年月－／．]\s*[\d０-９]|[〇○零][一二三四五六七八九〇○零]|^[\[(（【]?\s*[0-3]\d[-/]")
_PENALTY_RE = re.compile(
    r"hot|rank|paihang|remen|side|foot|friend|yqlj|links|nav|menu|tuijian|recommend|relat|xgxx|xgjd|xgwz"
    r"|tab-?title|banner|slide|lunbo|carousel|focus|scroll|marquee",
    re.IGNORECASE,
)
_NO_HOME_RE = re.compile(r"foot|friend|yqlj|links|copyright|bottom", re.IGNORECASE)
_ARTICLE_URL_RE = re.compile(
    r"/t(?:19|20)\d{6}_\d+|/art/(?:19|20)\d{2}/|/content(?:_|/)|/(?:19|20)\d{2}[-/]?\d{2}/|/\d{5,}\.s?html?$"
    r"|/[0-9a-f]{16,}\.s?html?$|/[0-9a-f-]{32,36}\.s?html?$|[?&](?:id|articleid|infoid|docid)=",
    re.IGNORECASE,
)
_PLACEHOLDER_RE = re.compile(
    r"暂无(?:相关)?(?:信息|数据|内容|记录|文章|公开信息|资料)|正在(?:建设|维护|更新)中|栏目建设中|建设中[，,.。!！…]*$|敬请期待"
    r"|没有(?:找到)?(?:相关|符合条件的)?(?:信息|数据|记录|内容)|无相关(?:信息|数据|记录|内容)|查询(?:结果)?为空"
)
_NOTE_RE = re.compile(
    r"(?:未|没有|无)(?:产生|形成|发生|制定|出台|开展|发布)(?:相关|此类|该类|新的)?|不涉及|无此类|无相关.{0,8}(?:产生|发生)"
    r"|本(?:机关|单位|部门|栏目).{0,30}(?:未|没有|无)"
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
    date_source: str = ""  # "text" | "url" | "inferred" | ""


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

    def latest(self) -> datetime.date | None:
        """Newest entry date not after the as-of date."""
        return asof_rules.latest((e.date for e in self.entries), self.asof)

    def oldest(self) -> datetime.date | None:
        found = [e.date for e in self.entries if e.date is not None and not asof_rules.is_future(e.date, self.asof)]
        return min(found) if found else None


@dataclass
class _DateNode:
    date: datetime.date
    inferred: bool
    depth: int


@dataclass
class _Row:
    el: Any
    nodes: list[_DateNode] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- helpers


def _usable(href: str | None) -> bool:
    if not href:
        return False
    h = href.strip().lower()
    return bool(h) and not h.startswith(("javascript", "#", "mailto:", "tel:", "data:"))


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _ident(el: Any) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


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


def _text(el: Any) -> str:
    """All text under an element (plain lxml.etree elements: no HtmlElement class-lookup overhead)."""
    return "".join(el.itertext())


def _parse(text: str) -> Any:
    text = _XML_DECL_RE.sub("", text, count=1)
    root = lxml.etree.fromstring(text, parser=_PARSER)
    if root is None:
        raise ValueError("document is empty")
    return root


def _is_home_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and not parts.query and bool(_HOME_PATH_RE.match(parts.path or "/"))


# ------------------------------------------------------------------------------------ date-node scanning


def _date_in_piece(piece: str, asof: datetime.date, far: datetime.date) -> _DateNode | None:
    s = piece.strip()
    if len(s) < 4 or len(s) > 44 or not _DATEISH_RE.search(s):
        return None
    for m in dates.iter_dates(s, far):
        if len(s) - (m.end - m.start) > 20:
            return None
        found = m.date
        if m.inferred:
            found = dates.infer_year(found.month, found.day, asof) or found
        return _DateNode(found, m.inferred, 0)
    return None


def _scan_dates(root: Any, asof: datetime.date, far: datetime.date) -> list[tuple[Any, _DateNode]]:
    """(owner element, date) for every date-only text node under ``root``."""
    out: list[tuple[Any, _DateNode]] = []
    skip_depth_el: set[Any] = set()
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag in _SKIP_TAGS:
            skip_depth_el.add(el)
        elif el.text and tag != "a":
            node = _date_in_piece(el.text, asof, far)
            if node is not None:
                out.append((el, node))
        if el.tail:
            parent = el.getparent()
            if parent is not None and parent.tag != "a":
                node = _date_in_piece(el.tail, asof, far)
                if node is not None:
                    out.append((parent, node))
    if not skip_depth_el:
        return out
    return [(owner, node) for owner, node in out if not any(a in skip_depth_el for a in owner.iterancestors())]


def _row_links(row: Any) -> list[Any]:
    """Usable links of a row outside lists nested inside it."""
    links = []
    for a in row.iter("a"):
        if not _usable(a.get("href")):
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
    if not links and row.tag == "a" and _usable(row.get("href")):
        links.append(row)
    return links


def _has_link(el: Any) -> bool:
    if el.tag == "a" and _usable(el.get("href")):
        return True
    return any(_usable(a.get("href")) for a in el.iter("a"))


def _widen(row: Any, stop: Any) -> Any:
    """Climb while the parent has no other element child (e.g. the <li> around a lone <a>)."""
    parent = row.getparent()
    while parent is not None and parent is not stop and parent.tag not in ("body", "html") and len(parent) == 1:
        row, parent = parent, parent.getparent()
    return row


def _find_rows(root: Any, asof: datetime.date, far: datetime.date) -> list[_Row]:
    rows: dict[Any, _Row] = {}
    order: list[Any] = []
    for owner, node in _scan_dates(root, asof, far):
        el, depth, below = owner, 0, None
        while el is not None and el is not root and depth <= 6:
            if _has_link(el):
                break
            below, el, depth = el, el.getparent(), depth + 1
        if el is None or el is root or depth > 6:
            continue
        row = _widen(el, root)
        if below is not None and len({a.get("href") for a in _row_links(row)}) > 3:
            # <dt><a/></dt><dd>date</dd> pairs: the date's own element has a link-holding previous sibling
            sib = below.getprevious()
            while sib is not None and not isinstance(sib.tag, str):
                sib = sib.getprevious()
            if sib is None or not 1 <= len({a.get("href") for a in _row_links(sib)}) <= 2:
                continue
            row, depth = sib, 1
        elif row.tag in ("body", "html"):
            continue
        key = row
        if key not in rows:
            rows[key] = _Row(row)
            order.append(key)
        node.depth = depth
        rows[key].nodes.append(node)
    out = []
    for key in order:
        r = rows[key]
        hrefs = {a.get("href").strip() for a in _row_links(r.el)}
        if 1 <= len(hrefs) <= 3 and len(r.nodes) <= 4:
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


def _penalised(row_el: Any, pattern: re.Pattern[str], levels: int = 6) -> bool:
    """Whether the row or one of its ancestors (up to ``levels``) has an id/class matching ``pattern``."""
    el = row_el
    for _ in range(levels):
        if el is None or el.tag in ("body", "html"):
            return False
        if pattern.search(_ident(el)):
            return True
        el = el.getparent()
    return False


_PAGER_WORDS = frozenset({"下一页", "下页", "尾页", "末页", "上一页"})


def _pager_zone(root: Any) -> set[Any]:
    """ids of the near ancestors of the pager (the main list sits next to its pager)."""
    for a in root.iter("a", "span"):
        if _squash(_text(a)) in _PAGER_WORDS and (a.tag == "span" or a.get("href")):
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
    if _penalised(group[0].el, _PENALTY_RE):
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


def _link_text(a: Any) -> str:
    """Link text without date-only pieces (lists that put the date inside the <a>)."""
    pieces = list(a.itertext())
    if len(pieces) > 1:
        pieces = [p for p in pieces if _date_in_piece(p, _TITLE_ASOF, _TITLE_ASOF) is None]
    return _squash("".join(pieces))


def _title_of(a: Any) -> str:
    text = _link_text(a)
    attr = _squash(a.get("title"))
    if attr and (not text or text.endswith(("...", "…", "..")) or len(attr) > len(text)):
        return attr
    return text


def _main_link(row: Any) -> Any | None:
    links = _row_links(row) or [a for a in row.iter("a") if _usable(a.get("href"))]
    if not links:
        return None
    return max(links, key=lambda a: len(_title_of(a)))


def _entry(row: _Row, base: str, asof: datetime.date) -> Entry | None:
    a = _main_link(row.el)
    if a is None:
        return None
    url = urljoin(base, a.get("href").strip())
    best = min(row.nodes, key=lambda n: (n.depth, -n.date.toordinal())) if row.nodes else None
    if best is None:
        return Entry(_title_of(a), url, None, "")
    when, source = best.date, "inferred" if best.inferred else "text"
    if best.inferred:
        from_url = dates.url_date(url, asof)
        if from_url and from_url.date.month == when.month:
            with contextlib.suppress(ValueError):
                when = when.replace(year=from_url.date.year)
    return Entry(_title_of(a), url, when, source)


def _url_rows(root: Any, asof: datetime.date, base: str) -> list[_Row]:
    """Rows of links whose URL carries a day-precise date (lists without visible dates)."""
    rows: dict[Any, _Row] = {}
    for a in root.iter("a"):
        href = a.get("href")
        if not _usable(href) or not _squash(_text(a) or a.get("title")):
            continue
        found = dates.date_from_url(urljoin(base, href.strip()), asof)
        if found is None:
            continue
        row = _widen(a, root)
        if row not in rows:
            rows[row] = _Row(row, [_DateNode(found, False, 99)])
    return list(rows.values())


def _article_rows(root: Any, base: str) -> list[_Row]:
    rows: dict[Any, _Row] = {}
    for a in root.iter("a"):
        href = a.get("href")
        if not _usable(href) or len(_squash(_text(a) or a.get("title"))) < 4:
            continue
        if not _ARTICLE_URL_RE.search(urljoin(base, href.strip())):
            continue
        row = _widen(a, root)
        if len({x.get("href") for x in _row_links(row)}) <= 2:
            rows.setdefault(row, _Row(row))
    return list(rows.values())


def _collect(groups: list[list[_Row]], home: bool, base: str, asof: datetime.date,
             zone: set[Any] | None = None) -> list[Entry]:
    if not groups:
        return []
    if home:
        chosen = [g for g in groups if not _penalised(g[0].el, _NO_HOME_RE, 8)] or groups
        rows = [r for g in chosen for r in g]
    else:
        rows = _with_undated_siblings(max(groups, key=lambda g: _score(g, zone)))
    entries: list[Entry] = []
    seen: set[str] = set()
    for r in rows:
        e = _entry(r, base, asof)
        if e is None:
            continue
        if home and e.url in seen:
            continue
        seen.add(e.url)
        entries.append(e)
    return entries


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
            a = _main_link(child)
            if a is None or len(_row_links(child)) > 2:
                continue
            title = _title_of(a)
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
    sizable = [g for g in groups if len(g) >= 3 and not _penalised(g[0].el, _PENALTY_RE)]
    total = sum(len(g) for g in sizable)
    return len(sizable) >= 3 and max(len(g) for g in sizable) < 0.5 * total


def _rows_by_selectors(root: Any, selectors: dict[str, str], asof: datetime.date, far: datetime.date,
                       base: str) -> list[Entry]:
    entries = []
    for item in CSSSelector(selectors["item"])(root):
        link_sel, title_sel, date_sel = selectors.get("link"), selectors.get("title"), selectors.get("date")
        links = CSSSelector(link_sel)(item) if link_sel else [_main_link(item)]
        a = links[0] if links and links[0] is not None else None
        if a is None or not _usable(a.get("href")):
            continue
        url = urljoin(base, a.get("href").strip())
        titles = CSSSelector(title_sel)(item) if title_sel else []
        title = _squash(_text(titles[0])) if titles else _title_of(a)
        date_text = " ".join(_squash(_text(d)) for d in CSSSelector(date_sel)(item)) if date_sel else ""
        match = next(dates.iter_dates(date_text, far), None) if date_text else None
        if match is None:
            nodes = [n for _, n in _scan_dates(item, asof, far)]
            match_node = min(nodes, key=lambda n: n.depth) if nodes else None
        else:
            when = dates.infer_year(match.date.month, match.date.day, asof) if match.inferred else match.date
            match_node = _DateNode(when or match.date, match.inferred, 0)
        if match_node is not None:
            r = _Row(item, [match_node])
            e = _entry(r, base, asof)
            if e is not None:
                e.url, e.title = url, title
                entries.append(e)
        else:
            found = dates.date_from_url(url, asof)
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
        if not _usable(href):
            continue
        if not _COLUMN_PATH_RE.search(href.split("?", 1)[0].split("#", 1)[0]):
            continue
        absolute = urljoin(base, href.strip())
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
        name = _squash(_text(a)) or _squash(a.get("title"))
        if not name or len(name) > 30 or name in ("更多", "更多>>", "more", ">>"):
            continue
        seen.add(absolute)
        out.append(SubColumn(name, absolute))
    return out


def _placeholder(root: Any) -> tuple[str | None, bool]:
    """A blank-column placeholder text and whether an explanatory "no information produced" note exists."""
    placeholder: str | None = None
    note = False
    body = root.find("body")
    scope = body if body is not None else root
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        for piece in (el.text, el.tail):
            s = _squash(piece)
            if not s or len(s) > 300:
                continue
            if placeholder is None and _PLACEHOLDER_RE.search(s):
                placeholder = s
            if _NOTE_RE.search(s) and ("信息" in s or "公开" in s or "数据" in s or "事项" in s):
                note = True
                placeholder = placeholder or s
    return placeholder, note


_CHROME_RE = re.compile(r"nav|menu|head|foot|top|banner|position|crumb|link|copyright|bottom|search|login|toolbar",
                        re.IGNORECASE)
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def _main_text_chars(el: Any, depth: int = 0) -> int:
    """CJK characters of running text outside page chrome (nav, header, footer) and outside links."""
    if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or depth > 60:
        return _count_cjk(el.tail) if depth else 0
    marker = f"{el.get('class') or ''} {el.get('id') or ''}"
    total = 0
    if el.tag not in ("header", "footer", "nav", "a") and not _CHROME_RE.search(marker):
        total += _count_cjk(el.text)
        for child in el:
            total += _main_text_chars(child, depth + 1)
    if depth:
        total += _count_cjk(el.tail)
    return total


def _count_cjk(text: str | None) -> int:
    return len(_CJK_RE.findall(text)) if text else 0


# ------------------------------------------------------------------------------------------- main API


def extract_list(body: bytes | str, url: str, encoding: str | None = None, asof: datetime.date | None = None,
                 selectors: dict[str, str] | None = None, kind: str | None = None) -> ListPage:
    """Entries, pagination, sub-columns and blank state of a list page, home page or list payload.

    ``kind`` forces "list" (one main list) or "home" (all dated blocks); by default a site root is a home
    page, and a page with several comparable dated blocks and no pager is treated as a hub. Never raises:
    problems are reported in ``errors``.
    """
    started = time.perf_counter()
    asof = asof or datetime.date.today()
    page = ListPage(asof=asof)
    try:
        _extract(page, body, url, encoding, asof, selectors, kind)
    except Exception as exc:  # noqa: BLE001 - one bad page must never stop a crawl
        page.errors.append(f"extraction failed: {type(exc).__name__}: {exc}")
        page.blank = False
    page.elapsed_ms = (time.perf_counter() - started) * 1000
    return page


def _extract(page: ListPage, body: bytes | str, url: str, encoding: str | None, asof: datetime.date,
             selectors: dict[str, str] | None, kind: str | None) -> None:
    far = datetime.date(asof.year + _FAR_ASOF_YEARS, 12, 31)
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
        text, page.encoding = decode_html(body, encoding)
    else:
        text, page.encoding = body, "unicode"
        if len(text) > MAX_PARSE_BYTES:
            page.errors.append(f"page too large ({len(text)} chars): only the first {MAX_PARSE_BYTES} parsed")
            text = text[:MAX_PARSE_BYTES]
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
        root = _parse(text_for_tree)
    except (lxml.etree.ParserError, ValueError) as exc:
        page.errors.append(f"unparseable HTML: {exc}")
        return
    base = url
    base_el = root.find(".//base[@href]")
    if base_el is not None and _usable(base_el.get("href")):
        base = urljoin(url, base_el.get("href").strip())

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
            if _usable(a.get("href")):
                info.next_pages.insert(0, urljoin(base, a.get("href").strip()))
    page.next_pages = list(dict.fromkeys(info.next_pages))
    page.total_pages = info.total_pages
    page.total_records = info.total_records
    has_pager = bool(info.next_pages or (info.total_pages and info.total_pages > 1) or info.total_records)

    # entries
    home = kind == "home" or (kind is None and _is_home_url(url))
    if selectors and selectors.get("item"):
        entries = _rows_by_selectors(root, selectors, asof, far, base)
    elif records:
        rows = []
        for rec in root.iter("div"):
            if rec.get("class") == "record":
                nodes = [n for _, n in _scan_dates(rec, asof, far)]
                if _main_link(rec) is not None:
                    rows.append(_Row(rec, nodes))
        entries = [e for e in (_entry(r, base, asof) for r in rows) if e is not None]
    else:
        groups = _group(_find_rows(root, asof, far))
        if groups and kind is None and not home and _is_hub(groups, has_pager):
            home = True
        entries = _collect(groups, home, base, asof, _pager_zone(root) if len(groups) > 1 else None)
        if not entries:
            url_groups = _group(_url_rows(root, asof, base))
            url_groups = [g for g in url_groups if home or len(g) >= 2]
            entries = _collect(url_groups, home, base, asof)
            for e in entries:
                e.date_source = "url" if e.date else ""
        if not entries and not home:
            art_groups = [g for g in _group(_article_rows(root, base)) if len(g) >= 3]
            entries = _collect(art_groups, False, base, asof)
    page.kind = "home" if home else "list"
    page.entries = entries

    taken = {e.url for e in entries} | set(page.next_pages)
    if not home:
        page.subcolumns = _subcolumns(root, url, base, taken)
    if not entries:
        page.placeholder, page.blank_note = _placeholder(root)
        body_el = root.find("body")
        scope = body_el if body_el is not None else root
        if page.placeholder is None and not page.subcolumns and not home and (
                _main_text_chars(scope) >= 30 or scope.xpath(".//form[.//textarea]")):
            page.content_page = True  # a single-page column with its content in place: not blank
            return
        page.blank = True
        # a server that states zero records (Hanweb <totalrecord>0</totalrecord>) has answered: no browser needed
        if page.placeholder is None and page.total_records != 0:
            dynamic = getattr(family, "dynamic", generic.dynamic)
            page.needs_render = bool(dynamic(text) or generic.dynamic(text))


def to_json(page: ListPage) -> dict[str, Any]:
    """The JSON shape printed by ``python -m govaudit.extract`` (dates as YYYY-MM-DD or null)."""

    def entry(e: Entry) -> dict[str, Any]:
        return {"title": e.title, "url": e.url, "date": dates.format_date(e.date), "date_source": e.date_source}

    return {
        "entries": [entry(e) for e in page.entries],
        "next_pages": page.next_pages,
        "subcolumns": [{"name": s.name, "url": s.url} for s in page.subcolumns],
        "blank": page.blank,
        "blank_note": page.blank_note,
        "placeholder": page.placeholder,
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
