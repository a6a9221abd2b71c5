"""Home pages that move without an HTTP redirect: ``<meta http-equiv="refresh">`` and script redirects
(``window.location = ...``, ``location.href = ...``, ``location.replace(...)``, ``top.location...``), the way
CMS stubs send ``index.html`` to ``index.shtml`` or ``/portal/``.

A script redirect counts only on a stub page (little text, few links): a full home page that mentions
``location.href`` in a click handler is not a redirect."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

_META_RE = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?refresh[\"']?[^>]*>", re.IGNORECASE)
_CONTENT_RE = re.compile(r"content\s*=\s*([\"'])(.*?)\1", re.IGNORECASE | re.DOTALL)
_META_URL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[;,]?\s*(?:url\s*=\s*)?[\"']?([^\"'\s]*)", re.IGNORECASE)
_SCRIPT_RE = re.compile(r"<script\b[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_JS_RES = (
    re.compile(r"(?:window\.|self\.|top\.|document\.|parent\.)?location(?:\.href)?\s*=\s*([\"'])([^\"']+)\1"),
    re.compile(r"(?:window\.|self\.|top\.|document\.|parent\.)?location\.(?:replace|assign)\s*\(\s*([\"'])([^\"']+)\1"),
    re.compile(r"window\.open\s*\(\s*([\"'])([^\"']+)\1\s*,\s*[\"']_self[\"']"),
)
_MOBILE_RE = re.compile(r"/(?:wap|mobile|m|h5|phone)(?:/|$|\.|index)|//(?:m|wap|h5)\.", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]+>")
_STUB_TEXT = 400  # characters of visible text a redirect stub may have
_STUB_LINKS = 5  # links a redirect stub may have
_MAX_DELAY = 10.0  # seconds: a slower refresh is a page reloading itself, not a move


@dataclass(frozen=True)
class Hop:
    url: str  # absolute target
    how: str  # meta-refresh | script


def _visible_text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.IGNORECASE | re.DOTALL)
    return " ".join(_TAG_RE.sub(" ", body).split())


def _is_stub(html: str) -> bool:
    return len(_visible_text(html)) <= _STUB_TEXT and len(re.findall(r"<a\b", html, re.IGNORECASE)) <= _STUB_LINKS


def _usable(target: str, url: str) -> str | None:
    target = target.strip()
    if not target or target.lower().startswith(("javascript:", "#", "mailto:", "about:")):
        return None
    absolute = urljoin(url, target)
    return absolute if absolute.split("#")[0] != url.split("#")[0] else None


def home_hop(html: str, url: str) -> Hop | None:
    """Where a page sends its visitor without an HTTP redirect, or None."""
    for tag in _META_RE.findall(html):
        m = _CONTENT_RE.search(tag)
        if not m:
            continue
        parsed = _META_URL_RE.match(m.group(2))
        if parsed and parsed.group(2) and float(parsed.group(1)) <= _MAX_DELAY:
            target = _usable(parsed.group(2), url)
            if target:
                return Hop(target, "meta-refresh")
    if not _is_stub(html):
        return None
    found: list[tuple[int, str]] = []  # (position, target) in script order
    for script in _SCRIPT_RE.findall(html):
        for rx in _JS_RES:
            for m in rx.finditer(script):
                target = _usable(m.group(2), url)
                if target:
                    found.append((m.start(), target))
        if found:
            break
    # a stub that sends phones to /wap/ and desktops to the portal: the desktop visitor's target
    targets = [t for _, t in sorted(found)]
    desktop = [t for t in targets if not _MOBILE_RE.search(t)]
    return Hop((desktop or targets)[0], "script") if targets else None


def http_hops(response: Any) -> list[dict[str, str]]:
    """The HTTP redirects the downloader followed to this response (evidence of where the home page moved)."""
    urls = [*response.meta.get("redirect_urls", []), response.url]
    reasons = response.meta.get("redirect_reasons", [])
    hows = ["meta-refresh" if r == "meta refresh" else f"http {r}" for r in reasons]
    hows += ["http"] * (len(urls) - 1 - len(hows))
    return [{"from": a, "to": b, "how": how} for a, b, how in zip(urls, urls[1:], hows, strict=False)]
