"""Link availability: broken links (links, images, attachments) on the home page and other pages, and
columns whose list could not be fetched (a broken column link, never counted as stale or blank)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urldefrag

from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding


def rate_limited(status: int | None, error: str = "") -> bool:
    """A "slow down" answer (429, or 503 with Retry-After, or a fetch the crawler marked rate-limited): the
    page was not tried to the end, so it is never a broken link nor an unopenable page."""
    text = (error or "").lower()
    if status == 429 or "rate-limited" in text or "rate limited" in text:
        return True
    return status == 503 and "retry-after" in text


def _norm(url: str) -> str:
    return urldefrag(url)[0].rstrip("/")


def _home_urls(ev: SiteEvidence) -> set[str]:
    urls = {ev.site.url, ev.site.final_url}
    if ev.home_page:
        urls.add(ev.home_page.url)
    if ev.home_column:
        urls.add(ev.home_column.url)
    return {_norm(u) for u in urls if u}


@register(
    "broken_links",
    {
        "scope": Param("enum:home|other|all"),
        "points_home": Param("number", scoring=True),
        "points_other": Param("number", scoring=True),
    },
    messages=("column", "where_home", "where_other"),
)
def broken_links(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    p = ind.params
    scope = p["scope"]
    home = _home_urls(ev)
    out: list[RawFinding] = []
    seen: set[str] = set()

    def wanted(on_home: bool) -> bool:
        return scope == "all" or (scope == "home") == on_home

    for link in ev.links:
        if link.ok or not wanted(link.on_home) or rate_limited(link.status, link.error):
            continue
        key = _norm(link.link_url)
        if key in seen:
            continue
        seen.add(key)
        where = ind.text("where_home") if link.on_home else ind.text("where_other")
        status = link.status if link.status is not None else (link.error or "—")
        points = p.get("points_home" if link.on_home else "points_other", 0.0)
        evidence = {"link_url": link.link_url, "page_url": link.page_url, "status": link.status,
                    "error": link.error, "on_home": link.on_home}
        out.append(RawFinding(ind.id, ind.text(where=where, link_url=link.link_url, page_url=link.page_url,
                                               status=status), points=points, evidence=evidence))
    for col in ev.content_columns:
        if not col.unreachable or rate_limited(col.http_status, col.error):
            continue
        on_home = col.depth <= 1 or _norm(col.parent_url) in home or not col.parent_url
        key = _norm(col.url)
        if key in seen or not wanted(on_home):
            continue
        seen.add(key)
        status = col.http_status if col.http_status is not None else (col.error or "—")
        points = p.get("points_home" if on_home else "points_other", 0.0)
        evidence = {"link_url": col.url, "column_url": col.url, "page_url": col.parent_url,
                    "status": col.http_status, "error": col.error, "on_home": on_home}
        out.append(RawFinding(ind.id, ind.text("column", name=col.name, link_url=col.url, status=status),
                              points=points, evidence=evidence))
    return out
