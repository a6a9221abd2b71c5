"""One fetched response as plain data: what the archive writes (built on the reactor thread from Scrapy's
objects, written on the archive's own thread)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# a rendered page's record names the data requests the browser was seen making for it (JSON; crawl.render):
# a replay gives them back, so a list read from one is read the same way offline
RENDER_REQUESTS_HEADER = "Govaudit-Render-Requests"
META_REQUESTS = "render_requests"  # the request meta that lists them (written by crawl.render)

# hop-by-hop framing the body no longer has once Scrapy hands it over (it is de-chunked)
_DROP_HEADERS = {"transfer-encoding"}


def _pairs(headers: Any) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        if key.lower() in _DROP_HEADERS:
            continue
        for value in values if isinstance(values, list | tuple) else [values]:
            pairs.append((key, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return pairs


@dataclass
class Fetch:
    url: str  # the response's URL (the request's, for a plain fetch; the page's after scripts, rendered)
    request_url: str
    method: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    site_id: str = ""
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    rendered: bool = False  # the DOM after scripts (scrapy-playwright), not bytes from the network
    encoding: str = ""  # of a rendered body
    render_requests: list[dict[str, Any]] = field(default_factory=list)  # of a rendered page (crawl.render)
    ip_address: str = ""
    fetched_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))

    @classmethod
    def from_scrapy(cls, response: Any, request: Any) -> Fetch:
        rendered = bool(request.meta.get("playwright"))
        ip = getattr(response, "ip_address", None)
        return cls(
            url=response.url if rendered else request.url,
            request_url=request.url,
            method=request.method,
            status=response.status,
            headers=_pairs(response.headers),
            body=response.body,
            site_id=str(request.meta.get("site_id") or ""),
            request_headers=_pairs(request.headers),
            request_body=request.body or b"",
            rendered=rendered,
            encoding=getattr(response, "encoding", "") if rendered else "",
            render_requests=list(request.meta.get(META_REQUESTS) or []) if rendered else [],
            ip_address=str(ip) if ip else "",
        )

    def header(self, name: str) -> str:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return ""
