"""Lists fed by a data endpoint: a page that builds its list in the browser fetches it as JSON; once a render
has shown which request that is, a daily pass asks the endpoint directly (conditionally, like any page)
instead of starting a browser.

`DataRecorder` collects the same-site JSON answers a rendered page received (scrapy-playwright page event
handler); `entries_from_payload` reads the list of a JSON answer as the audit reads a script-fed list
(govaudit.extract.feeds: keys as CMSs name them, JSONP, epoch milliseconds)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urljoin

from govaudit.crawl.urls import clean, host_of
from govaudit.extract.encoding import decode_html
from govaudit.extract.feeds import parse_answer, read_records


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


def entries_from_payload(body: bytes, base_url: str, asof: dt.date) -> list[dict[str, Any]] | None:
    """The entries ({"url", "title", "date"}) of a JSON list answer, links resolved against `base_url` (the
    column's page); [] for a document whose list is empty; None when the body is no such JSON. The records are
    read as the audit reads a script-fed list (`extract.feeds.read_records`); records without a link are left
    out (a daily pass follows entries by their address)."""
    answer = parse_answer(decode_html(body, "utf-8")[0])
    if answer is None:
        return None
    records, understood, _pages, _total = read_records(answer, asof)
    if not understood:
        return None
    found = [{"url": clean(urljoin(base_url, link)), "title": title, "date": day.isoformat() if day else None}
             for title, link, day, _text, _pinned in records if link]
    return found if found or not records else None
