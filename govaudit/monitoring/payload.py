"""Lists fed by a data endpoint: a page that builds its list in the browser fetches it as JSON; once a render
has shown which request that is, a daily pass asks the endpoint directly (conditionally, like any page)
instead of starting a browser.

`DataRecorder` collects the same-site JSON answers a rendered page received (scrapy-playwright page event
handler); `entries_from_payload` reads the list of a JSON answer: the longest array of objects that carry
a link and a date (keys as CMSs name them: url/link/href/path, title/name, date/time/pubDate...)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urljoin

from govaudit.crawl.urls import clean, host_of
from govaudit.extract.dates import parse_date

URL_KEYS = ("url", "link", "href", "path", "linkurl", "docurl", "articleurl")
TITLE_KEYS = ("title", "name", "doctitle", "subject", "text")
DATE_KEYS = ("date", "pubdate", "publishdate", "pubtime", "publishtime", "time", "docreltime", "createtime",
             "releasedate", "fbrq")


class DataRecorder:
    """Same-site JSON responses a rendered page received, in order (a page event handler)."""

    def __init__(self, page_url: str) -> None:
        self.host = host_of(page_url)
        self.urls: list[str] = []

    def __call__(self, response: Any) -> None:
        try:
            kind = response.request.resource_type
            ctype = (response.headers or {}).get("content-type", "")
        except Exception:
            return
        if kind in ("xhr", "fetch") and "json" in ctype and host_of(response.url) == self.host:
            self.urls.append(response.url)


def _pick(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {str(k).lower(): v for k, v in obj.items()}
    for key in keys:
        if key in lowered and lowered[key] not in (None, ""):
            return lowered[key]
    return None


def _rows(node: Any) -> list[list[dict[str, Any]]]:
    """Every array of objects in the document."""
    out: list[list[dict[str, Any]]] = []
    if isinstance(node, list):
        if node and all(isinstance(x, dict) for x in node):
            out.append(node)
        for x in node:
            out += _rows(x)
    elif isinstance(node, dict):
        for v in node.values():
            out += _rows(v)
    return out


def entries_from_payload(body: bytes, base_url: str, asof: dt.date) -> list[dict[str, Any]] | None:
    """The entries ({"url", "title", "date"}) of a JSON list answer, links resolved against `base_url` (the
    column's page); [] for a document whose list is empty; None when the body is no such JSON."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    best: list[dict[str, Any]] | None = None
    for rows in _rows(doc):
        found = []
        for row in rows:
            link = _pick(row, URL_KEYS)
            if not isinstance(link, str) or not link.strip():
                continue
            raw_date = _pick(row, DATE_KEYS)
            day = parse_date(str(raw_date), asof) if raw_date is not None else None
            title = _pick(row, TITLE_KEYS)
            found.append({"url": clean(urljoin(base_url, link.strip())), "title": str(title or "")[:300],
                          "date": day.isoformat() if day else None})
        if found and (best is None or len(found) > len(best)):
            best = found
    if best is not None:
        return best
    return [] if _has_empty_list(doc) else None


def _has_empty_list(doc: Any) -> bool:
    return isinstance(doc, dict) and any(isinstance(v, list) and not v for v in doc.values())
