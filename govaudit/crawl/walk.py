"""The crawl plan's reach decisions over saved pages, without a network: follow a page's hops, read its
frame's list, follow its pager (links or form posts) and collect entries and letters. Used by
scripts/accuracy.py to measure reach on hand-checked pages; the spider makes the same decisions with
requests (govaudit/spiders/audit.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govaudit.crawl.frames import frame_sources
from govaudit.crawl.hops import home_hop
from govaudit.extract.encoding import decode_html
from govaudit.extract.letters import extract_letters
from govaudit.extract.listpage import extract_list
from govaudit.extract.pagination import form_next_page

Fetch = Callable[[str], bytes | None]  # "URL" or "POST URL <event argument>" -> body, None when not there


@dataclass
class Walk:
    final: str  # the URL whose document was read as the page (after hops and frames)
    pages_read: int = 0
    entries: list[Any] = field(default_factory=list)
    letters: list[Any] = field(default_factory=list)
    home_html: str = ""


def walk(start: str, fetch: Fetch, asof: dt.date, *, max_pages: int = 5, max_hops: int = 3) -> Walk:
    url = start
    body = fetch(url)
    if body is None:
        return Walk(final=url)
    for _ in range(max_hops):
        hop = home_hop(decode_html(body, None)[0], url)
        nxt = fetch(hop.url) if hop else None
        if hop is None or nxt is None:
            break
        url, body = hop.url, nxt
    text = decode_html(body, None)[0]
    listing = extract_list(body, url, None, asof)
    if not listing.entries:
        for src in frame_sources(text, url):
            framed = fetch(src)
            if framed is not None:
                url, body = src, framed
                text = decode_html(body, None)[0]
                listing = extract_list(body, url, None, asof)
                break
    result = Walk(final=url, home_html=text)
    page_url = url
    while True:
        result.pages_read += 1
        known = {e.url for e in result.entries}
        result.entries += [e for e in listing.entries if e.url not in known]
        result.letters += extract_letters(text, page_url, asof)
        if result.pages_read >= max_pages:
            break
        key = listing.next_pages[0] if listing.next_pages else None
        if key is None:
            form = form_next_page(text, page_url)
            if form is not None:
                arg = dict(form.formdata).get("__EVENTARGUMENT", "")
                key = f"{form.method} {form.url} {arg}" if form.method == "POST" else form.url
        nxt = fetch(key) if key else None
        if nxt is None or key is None:
            break
        page_url = key.split(" ")[1] if key.startswith("POST ") else key
        body = nxt
        text = decode_html(body, None)[0]
        listing = extract_list(body, page_url, None, asof)
    return result
