"""Small lxml helpers shared by the list extractor's parts (no Scrapy): text, links and page regions."""

from __future__ import annotations

import re
from typing import Any

SKIP_TAGS = frozenset({"script", "style", "noscript", "textarea", "select", "option", "head", "title",
                        "template", "iframe", "object"})


def usable(href: str | None) -> bool:
    if not href:
        return False
    h = href.strip().lower()
    return bool(h) and not h.startswith(("javascript", "#", "mailto:", "tel:", "data:"))


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def ident(el: Any) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


def text_of(el: Any) -> str:
    """All text under an element (plain lxml.etree elements: no HtmlElement class-lookup overhead); an element
    without children (most links) is read without starting an iteration."""
    if len(el) == 0 and isinstance(el.tag, str):
        return el.text or ""
    return "".join(el.itertext())


def penalised(row_el: Any, pattern: re.Pattern[str], levels: int = 6) -> bool:
    """Whether the row or one of its ancestors (up to ``levels``) has an id/class matching ``pattern``."""
    el = row_el
    for _ in range(levels):
        if el is None or el.tag in ("body", "html"):
            return False
        if pattern.search(ident(el)):
            return True
        el = el.getparent()
    return False


PENALTY_RE = re.compile(
    r"hot|rank|paihang|remen|side|foot|friend|yqlj|links|nav|menu|tuijian|recommend|relat|xgxx|xgjd|xgwz"
    r"|tab-?title|banner|slide|lunbo|carousel|focus|scroll|marquee",
    re.IGNORECASE,
)


NO_HOME_RE = re.compile(r"foot|friend|yqlj|links|copyright|bottom", re.IGNORECASE)


CHROME_RE = re.compile(r"nav|menu|head|foot|top|banner|position|crumb|link|copyright|bottom|search|login|toolbar",
                        re.IGNORECASE)


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def count_cjk(text: str | None) -> int:
    return len(_CJK_RE.findall(text)) if text else 0


def main_text_chars(el: Any, depth: int = 0, exclude: set[Any] | frozenset[Any] = frozenset()) -> int:
    """CJK characters of running text outside page chrome (nav, header, footer), links and ``exclude``."""
    if not isinstance(el.tag, str) or el.tag in SKIP_TAGS or depth > 60 or el in exclude:
        return count_cjk(el.tail) if depth else 0
    marker = f"{el.get('class') or ''} {el.get('id') or ''}"
    total = 0
    if el.tag not in ("header", "footer", "nav", "a") and not CHROME_RE.search(marker):
        total += count_cjk(el.text)
        for child in el:
            total += main_text_chars(child, depth + 1, exclude)
    if depth:
        total += count_cjk(el.tail)
    return total

