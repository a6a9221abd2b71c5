"""Column links of a channel page that belong to the column (shared by the audit and the monitor)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from govaudit.crawl.urls import clean
from govaudit.extract.joinurl import join_url
from govaudit.extract.navigation import discover_columns


def child_columns(listing: Any, text: str, url: str, doc: Any = None) -> list[tuple[str, str]]:
    """Sub-columns: what the list extractor saw, plus the column links of a channel page (left-nav menus,
    "更多" links of its blocks) that live below this column's folder. `doc`: the page's shared Document."""
    found = [(sub.name, join_url(url, sub.url)) for sub in listing.subcolumns]
    folder = urlsplit(url).path.rsplit("/", 1)[0] + "/"
    entries = {clean(e.url) for e in listing.entries}
    for link in discover_columns(text, url, doc=doc):
        path = urlsplit(link.url).path
        if path.startswith(folder) and path != urlsplit(url).path and clean(link.url) not in entries:
            found.append((link.name, link.url))
    return found
