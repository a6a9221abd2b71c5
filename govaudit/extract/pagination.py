"""Next-page discovery from links: 下一页/尾页/末页, numbered pagers, ``?page=N``, base64-encoded pagers.

Script-generated pagers of a CMS family (TRS ``createPageHTML``, Hanweb datastore) live in the family
modules under :mod:`govaudit.extract.cms`; :func:`link_pagination` covers what the markup shows.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import lxml.etree

from govaudit.extract.joinurl import join_url
from govaudit.extract.tree import text_of

_NEXT_TEXTS = {"下一页", "下页", "后一页", "后页", "下一頁", "next", "next page", ">", "›", "»", ">>", "下一页>", "下一页>>",
               "下一页 >", "下一页 >>", "下一页»"}
_SYMBOL_TEXTS = {">", "›", "»", ">>", ">|", "next"}
_LAST_TEXTS = {"尾页", "末页", "最后一页", "最后页", "last", "尾页>>", "末页>>", ">|"}
_PAGER_HINT_RE = re.compile(r"pag|fenye|pager|pnav|page_nav|pageNav|turnpage|pages", re.IGNORECASE)
_B64_RE = re.compile(r"^[A-Za-z0-9+/=\s]{40,}$")
_NUM_IN_URL_RE = re.compile(r"(?:_|/|=)(\d{1,5})(?:\.s?html?|/?$|&)")
_TOTAL_PAGES_RE = re.compile(r"共\s*(\d{1,5})\s*页|/\s*(\d{1,5})\s*页|页次\s*[:：]?\s*\d+\s*/\s*(\d{1,5})")
_TOTAL_RECORDS_RE = re.compile(r"共\s*(\d{1,7})\s*(?:条|篇|个|项)|(\d{1,7})\s*条(?:记录|信息|数据)?")
_PAGE_PARAMS = ("page", "pageno", "pagenum", "pageindex", "currentpage", "curpage", "pn", "p", "page_no",
                "pageNo", "pageNum", "pageIndex", "currentPage")


@dataclass
class PageInfo:
    """What is known about a list's pagination."""

    next_pages: list[str] = field(default_factory=list)
    total_pages: int | None = None
    current_page: int | None = None
    total_records: int | None = None
    mechanism: str = ""

    def merge(self, other: PageInfo | None) -> None:
        """Fill unknowns from ``other`` (self wins where both know)."""
        if other is None:
            return
        for url in other.next_pages:
            if url not in self.next_pages:
                self.next_pages.append(url)
        self.total_pages = self.total_pages or other.total_pages
        self.current_page = self.current_page or other.current_page
        if self.total_records is None:
            self.total_records = other.total_records
        if not self.mechanism:
            self.mechanism = other.mechanism


def _clean_text(el: Any) -> str:
    return " ".join(text_of(el).split()).lower()


def _usable(href: str | None) -> bool:
    if not href:
        return False
    h = href.strip().lower()
    return not (h.startswith(("javascript", "#", "mailto:")))


def _page_number(url: str) -> int | None:
    m = _NUM_IN_URL_RE.search(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))
    return int(m.group(1)) if m else None


def _query_page(url: str) -> tuple[str, int] | None:
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in {p.lower() for p in _PAGE_PARAMS} and value.isdigit():
            return key, int(value)
    return None


def decode_base64_pager(text: str) -> str | None:
    """HTML of a pager stored as base64 (optionally URL-encoded) text, as some CMSs do; else None."""
    compact = "".join(text.split())
    if len(compact) < 40 or not _B64_RE.match(compact):
        return None
    try:
        raw = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=False)
        decoded = raw.decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None
    if "%3C" in decoded or "%3c" in decoded:
        decoded = unquote_plus(decoded)
    return decoded if "<a" in decoded.lower() else None


def _pager_links(root: Any) -> list[Any]:
    """Links of pager-looking containers plus every link whose text says next/last page."""
    out: list[Any] = []
    for a in root.iter("a"):
        text = _clean_text(a)
        if text in _NEXT_TEXTS or text in _LAST_TEXTS:
            if text in _SYMBOL_TEXTS and not _in_pager(a):
                continue  # a bare arrow is only a pager link inside a pager-looking block
            out.append(a)
    return out


def _in_pager(a: Any, levels: int = 3) -> bool:
    el = a
    for _ in range(levels + 1):
        if el is None:
            return False
        if _PAGER_HINT_RE.search(f"{el.get('id') or ''} {el.get('class') or ''}"):
            return True
        el = el.getparent()
    return False


def link_pagination(root: Any, url: str) -> PageInfo:
    """Pagination from the links of a parsed page (including base64 pagers decoded in place)."""
    info = PageInfo()
    roots = [root]
    for el in root.iter("div", "span", "p", "td", "nav"):
        if len(el) or not el.text:  # a base64 pager is a childless block holding only the encoded links
            continue
        ident = (el.get("id") or "") + " " + (el.get("class") or "")
        if _PAGER_HINT_RE.search(ident):
            html = decode_base64_pager(el.text)
            if html:
                try:
                    roots.append(lxml.etree.fromstring(f"<div>{html}</div>", parser=lxml.etree.HTMLParser()))
                    info.mechanism = "base64"
                except (ValueError, lxml.etree.ParserError):
                    pass
    next_url: str | None = None
    last_number: int | None = None
    numbers: list[int] = []
    for r in roots:
        local_parent = None
        for a in _pager_links(r):
            href = a.get("href")
            text = _clean_text(a)
            if not _usable(href):
                continue
            absolute = join_url(url, href.strip())
            if text in _NEXT_TEXTS and absolute != url:
                if next_url is None:
                    next_url = absolute
                local_parent = a.getparent()
            elif text in _LAST_TEXTS:
                last_number = _page_number(absolute) or last_number
                if local_parent is None:
                    local_parent = a.getparent()
        container = r if r is not root else local_parent
        if container is None:
            continue
        for a in container.iter("a", "span", "b", "strong", "em"):
            t = _clean_text(a)
            if t.isdigit() and len(t) <= 5:
                numbers.append(int(t))
        text_all = text_of(container)
        for m in _TOTAL_PAGES_RE.finditer(text_all):
            info.total_pages = int(next(g for g in m.groups() if g))
        for m in _TOTAL_RECORDS_RE.finditer(text_all):
            info.total_records = int(next(g for g in m.groups() if g))
    if next_url:
        info.next_pages.append(next_url)
        info.mechanism = info.mechanism or "links"
    if info.total_pages is None:
        candidates = [n for n in numbers if n > 0]
        if candidates:
            info.total_pages = max(candidates)
        elif last_number:
            info.total_pages = last_number
    if not info.next_pages:
        guess = _query_next(root, url)
        if guess:
            info.next_pages.append(guess)
            info.mechanism = info.mechanism or "query"
    return info


def _query_next(root: Any, url: str) -> str | None:
    """?page=N pagers without a 下一页 link: the link to the current page number + 1."""
    current = _query_page(url)
    want = (current[1] if current else 1) + 1
    for a in root.iter("a"):
        href = a.get("href")
        if not _usable(href) or "=" not in href:
            continue
        absolute = join_url(url, href.strip())
        qp = _query_page(absolute)
        if qp and qp[1] == want and _clean_text(a) == str(want):
            return absolute
    return None


def with_page(url: str, key: str, number: int) -> str:
    """``url`` with its page query parameter set to ``number``."""
    parts = urlsplit(url)
    query = [(k, (str(number) if k == key else v)) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    if key not in {k for k, _ in query}:
        query.append((key, str(number)))
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- pagers that are not links: a request description -------------------------------------------------------

_POSTBACK_RE = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")


@dataclass(frozen=True)
class PageRequest:
    """The next list page as a request: ``method`` GET or POST, the URL, and the form data of a POST."""

    url: str
    method: str = "GET"
    formdata: tuple[tuple[str, str], ...] = ()


def _form_of(el: Any) -> Any:
    while el is not None and el.tag != "form":
        el = el.getparent()
    return el


def postback_next(root: Any, url: str) -> PageRequest | None:
    """ASP.NET WebForms pagers: a 下一页 link (or button) that calls ``__doPostBack(target, argument)``; the next
    page is the page's form POSTed back with its hidden fields (__VIEWSTATE, __EVENTVALIDATION...) and
    __EVENTTARGET / __EVENTARGUMENT set as the script would."""
    for a in root.iter("a", "input", "span", "button"):
        text = _clean_text(a) or (a.get("value") or "").strip().lower()
        if text not in _NEXT_TEXTS:
            continue
        call = _POSTBACK_RE.search(f"{a.get('href') or ''} {a.get('onclick') or ''}")
        if not call:
            continue
        form = _form_of(a)
        if form is None:
            forms = [f for f in root.iter("form") if any(i.get("name") == "__VIEWSTATE" for i in f.iter("input"))]
            form = forms[0] if forms else None
        if form is None:
            return None
        fields = [(i.get("name"), i.get("value") or "") for i in form.iter("input")
                  if i.get("name") and (i.get("type") or "text").lower() == "hidden"]
        fields = [(k, v) for k, v in fields if k not in ("__EVENTTARGET", "__EVENTARGUMENT")]
        fields += [("__EVENTTARGET", call.group(1)), ("__EVENTARGUMENT", call.group(2))]
        action = join_url(url, (form.get("action") or "").strip() or url)
        return PageRequest(action, "POST", tuple(fields))
    return None


def form_next_page(html: str, url: str, *, doc: Any = None) -> PageRequest | None:
    """The next page of a list whose pager is a form post (None when the page has no such pager). `doc`: the
    page's shared Document (govaudit.extract.document), whose tree is used instead of parsing again."""
    if "__doPostBack" not in html:
        return None
    if doc is not None and doc.url == url:
        return postback_next(doc.root, url) if doc.root is not None else None
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    try:
        root = lxml.etree.fromstring(html, parser=lxml.etree.HTMLParser())
    except (ValueError, lxml.etree.ParserError):
        return None
    return postback_next(root, url) if root is not None else None
