"""Requests a site's audit did not get to read, as evidence on the site (a `pages` row each), not only a
log line: a request the ScopeGuard refused (out of scope, a private address, a redirect or a rendered page
leaving the scope, a non-http scheme: `meta["scope_blocked"]`), and a response the site rate-limited past
the waiting budget (`meta["rate_limited"]`, govaudit.crawl.ratelimit). Scoring reports them as 提示
(govaudit.scoring.checks.crawl_limits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from govaudit.items import PageItem

REFUSED = "refused"  # pages.kind of a request the guard refused
RATE_LIMITED = "rate-limited"  # pages.kind of a response rate-limited past the budget


def _what(meta: dict[str, Any]) -> str:
    """What the request was for: home | column | link | guide | article."""
    fn = str(meta.get("fn") or "")
    if fn == "check_link":
        return "article" if meta.get("article") else "link"
    return {"parse_home": "home", "parse_column": "column", "parse_guide": "guide"}.get(fn, fn or "page")


def refused_page(run_id: str, site_id: str, request: Any) -> PageItem | None:
    """The evidence of a request the scope guard refused, or None for any other failure."""
    blocked = request.meta.get("scope_blocked")
    if not isinstance(blocked, dict):
        return None
    return PageItem(run_id=run_id, site_id=site_id, url=request.url, kind=REFUSED, status=None,
                    features={"refused": {"code": str(blocked.get("code", "")), "target": str(blocked.get("url", "")),
                                          "for": _what(request.meta),
                                          "page_url": str(request.meta.get("page_url", ""))}},
                    error=str(blocked.get("message", "")) or "超出检查范围，未请求")


def rate_limited_page(run_id: str, site_id: str, response: Any) -> PageItem | None:
    """The evidence of a response the site rate-limited past the waiting budget, or None."""
    limited = response.meta.get("rate_limited")
    if not isinstance(limited, dict):
        return None
    info = {k: limited.get(k) for k in ("status", "retry_after", "tries", "waited")}
    return PageItem(run_id=run_id, site_id=site_id, url=response.url, kind=RATE_LIMITED, status=response.status,
                    features={"rate_limited": {**info, "for": _what(response.meta)}},
                    error=f"网站限制访问频率（HTTP {response.status}），已等待后放弃")


def refusal_of_run(conn: Any, run_id: str, site_id: str, url: str) -> dict[str, str] | None:
    """How run `run_id`'s crawl refused this request (the `scope_blocked` meta the guard set), or None: a
    replay of that crawl refuses it the same way instead of calling it a failed fetch."""
    from govaudit.store import models as m

    row = conn.execute(select(m.Page.error, m.Page.features).where(
        m.Page.run_id == run_id, m.Page.site_id == site_id, m.Page.url == url, m.Page.kind == REFUSED)).first()
    if row is None:
        return None
    info = (row.features or {}).get("refused") or {}
    return {"code": str(info.get("code", "")), "url": str(info.get("target") or url), "message": row.error}
