"""Date nodes of a page: every short text that is a date as Chinese government sites write it.

A date node is a short text piece that is essentially a date (``2026-09-16``, ``[08-05]``, ``发布日期：2026年9月16日``,
``12月28日``, ``17-12-28``, ``3小时前``), a bracketed date closing a link's title (``…的通知（2017-12-28）``), or
date-shaped text that is not a valid date (kept as evidence, ``date`` None). The page's own clock and stamps
(``今天是：2018年1月3日 星期三``, ``最后更新``: data/list_phrases.yaml) are not date nodes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from govaudit.extract import dates
from govaudit.extract.phrases import list_phrases
from govaudit.extract.tree import SKIP_TAGS, text_of, usable

DATEISH_RE = re.compile(r"\d{1,4}\s*[-/.年月－／．]\s*[\d０-９]|[〇○零][一二三四五六七八九〇○零]|^[\[(（【]?\s*[0-3]\d[-/]")


@dataclass
class Ctx:
    """Reference dates of one extraction."""

    asof: datetime.date
    far: datetime.date  # upper bound of readable years (future-dated entries are findings, not noise)
    ref: datetime.date  # the fetch day: year-less dates are the latest such day not after it
    now: datetime.datetime  # the fetch time: relative dates count back from it
    meta_dates: list[datetime.date] = field(default_factory=list)  # dates after a publication-line label


@dataclass
class DateNode:
    date: datetime.date | None  # None: date-shaped text that is not a valid date
    inferred: bool
    depth: int
    text: str = ""
    relative: bool = False
    title: bool = False  # read from the end of a link's title text
    meta: bool = False  # after a publication-line label (发布日期：)
    pair: Any = None  # the link element this date follows inside a shared container


_RELATIVE_HINT_RE = re.compile(r"前|刚|今天|今日|昨|前天")
# a piece date_in_piece could read holds a digit, a 〇 of a written-out year or a relative word's character:
# the others (most text of a page) are passed over without a call
_CANDIDATE = re.compile(r"[\d〇○零前刚天日昨]").search


_TITLE_DATE_RE = re.compile(r"[(\[【〔]\s*([^()\[\]【】〔〕]{6,16}?)\s*[)\]】〕]\s*$")


_TITLE_END = frozenset(")]】〕）］")


def _chrome_before(prefix: str) -> bool:
    return bool(prefix) and list_phrases().chrome_label.search(prefix) is not None


def date_in_piece(piece: str, ctx: Ctx) -> DateNode | None:
    s = piece.strip()
    n = len(s)
    if n < 2 or n > 44:
        return None
    if not DATEISH_RE.search(s):
        if n <= 16 and ("前" in s or "刚" in s or "天" in s or "日" in s) and _RELATIVE_HINT_RE.search(s):
            found = dates.parse_relative(s, ctx.now)
            if found is not None:
                return DateNode(found, False, 0, s, relative=True)
        return None
    if n < 4:
        return None
    phrases = list_phrases()
    for m in dates.iter_dates(s, ctx.far):
        if n - (m.end - m.start) > 20:
            return None
        prefix, suffix = s[:m.start], s[m.end:]
        if _chrome_before(prefix):
            return None
        found = m.date
        if m.inferred:
            found = dates.infer_year(found.month, found.day, ctx.ref) or found
        if suffix and phrases.chrome_suffix.search(suffix) and abs((found - ctx.ref).days) <= 1:
            return None  # a header clock: 2018年01月03日 星期三 on the fetch day
        meta = bool(prefix) and phrases.meta_label.search(prefix) is not None
        return DateNode(found, m.inferred, 0, s[m.start:m.end], meta=meta)
    bad = dates.invalid_date_text(s, ctx.far)
    if bad is not None and n - len(bad) <= 12 and not _chrome_before(s[:s.find(bad)]):
        return DateNode(None, False, 0, bad)
    return None


def title_date(a: Any, ctx: Ctx) -> DateNode | None:
    """A bracketed date closing a link's title text: ``…公示（2017-12-28）``, ``…[2017-12-26]``."""
    if len(a) == 0:
        last = a.text
    else:
        child = a[-1]
        last = child.tail if child.tail and child.tail.strip() else child.text if len(child) == 0 else None
    if not last:
        return None
    last = last.rstrip()
    if not last or last[-1] not in _TITLE_END:
        return None
    text = (a.text if len(a) == 0 else text_of(a)).rstrip()
    m = _TITLE_DATE_RE.search(dates.normalize(text))
    if m is None:
        return None
    found = next(dates.iter_dates(m.group(1), ctx.far), None)
    if found is None or found.inferred or found.end - found.start < len(m.group(1).strip()) - 6:
        return None
    return DateNode(found.date, False, 0, m.group(1).strip(), title=True)


def chrome_context(owner: Any, tail_of: Any) -> bool:
    """Whether the element (or text) right before a date is a chrome label (``<b>今天是：</b><span>date``)."""
    prev = tail_of if tail_of is not None else owner.getprevious()
    if prev is not None and isinstance(prev.tag, str):
        before = ""
        for piece in prev.itertext():
            before += piece
            if len(before) > 12:
                return False
        return bool(before) and _chrome_before(before.strip())
    parent = owner.getparent()
    if tail_of is None and parent is not None and parent.text:
        return _chrome_before(parent.text.strip())
    return False


def scan_dates(root: Any, ctx: Ctx) -> list[tuple[Any, DateNode, Any]]:
    """(owner element, date, element whose tail holds the date or None) for every date node under ``root``."""
    out: list[tuple[Any, DateNode, Any]] = []
    skip_depth_el: set[Any] = set()
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag in SKIP_TAGS:
            skip_depth_el.add(el)
        elif tag == "a":
            if usable(el.get("href")):
                node = title_date(el, ctx)
                if node is not None:
                    out.append((el, node, None))
        elif (text := el.text) and _CANDIDATE(text):  # each read of .text makes a new string: read once
            node = date_in_piece(text, ctx)
            if node is not None and not chrome_context(el, None):
                out.append((el, node, None))
        tail = el.tail
        if tail and _CANDIDATE(tail):
            parent = el.getparent()
            if parent is not None and parent.tag != "a":
                node = date_in_piece(tail, ctx)
                if node is not None and not chrome_context(parent, el):
                    out.append((parent, node, el))
    if not skip_depth_el:
        return out
    return [item for item in out if not any(a in skip_depth_el for a in item[0].iterancestors())]


_DOC_DATE_RE = re.compile(r"(?:发布|发文|印发|公开|成文|更新)?(?:日期|时间)\s*[：:]\s*(\S[^：:]{5,24})")


_BYLINE_RE = re.compile(r"来源\s*[：:]|作者\s*[：:]|浏览|点击|阅读")


_DOC_META_NAMES = frozenset({"pubdate", "publishdate", "firstpublishedtime", "publishtime", "releasedate"})


def document_date(root: Any, ctx: Ctx) -> datetime.date | None:
    """A document page's own date: its labelled publication line (发布时间：…), else its PubDate meta tag."""
    body = root.find("body")
    scope = body if body is not None else root
    bare: datetime.date | None = None  # a date alone in a line with 来源/作者 (no label of its own)
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            continue
        for piece in (el.text, el.tail):
            if not piece or len(piece) > 300:
                continue
            if "日期" in piece or "时间" in piece:
                for m in _DOC_DATE_RE.finditer(dates.normalize(piece)):
                    found = next(dates.iter_dates(m.group(1), ctx.far), None)
                    if found is not None and found.start == 0 and not found.inferred:
                        return found.date
            elif bare is None and len(piece.strip()) <= 24 and DATEISH_RE.search(piece):
                found = next(dates.iter_dates(piece, ctx.far), None)
                holder = el if piece is el.text else el.getparent()
                line = holder.getparent() if holder is not None else None
                if found is not None and not found.inferred and line is not None:
                    around = text_of(line)
                    if len(around) <= 200 and _BYLINE_RE.search(around):
                        bare = found.date
    if bare is not None:
        return bare
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() in _DOC_META_NAMES:
            found = next(dates.iter_dates(meta.get("content") or "", ctx.far), None)
            if found is not None:
                return found.date
    return None

