"""Reading Scrapy responses and failures the way the evidence needs them."""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import Any
from zoneinfo import ZoneInfo

from twisted.python.failure import Failure

from govaudit.extract.encoding import content_type_charset


def charset(response: Any) -> str | None:
    """The charset the Content-Type header declares, if any (the HTML decoder weighs it against the body)."""
    return content_type_charset(response.headers.get(b"Content-Type", b"").decode("latin-1"))


def failure_text(failure: Failure) -> str:
    """Why a fetch failed, as the report says it."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc).strip()
    if "Timeout" in name or "timeout" in text.lower():
        return f"超时（{name}）"
    if "ConnectionRefused" in name:
        return "连接被拒绝（ConnectionRefused）"
    if "DNSLookup" in name:
        return "域名无法解析（DNSLookupError）"
    return f"{name}: {text[:200]}" if text else name


def fetched_at(response: Any, timezone: str) -> dt.datetime:
    """When the page was fetched, as naive local time of the run's time zone: the server's `Date` header
    (so an archived response read again later, or a server living on another day, keeps its own "now"),
    unless it claims the future; else this machine's clock. Relative dates (3小时前, 昨天) count back from
    it and year-less dates ([12-28]) take the latest year not after it."""
    tz = ZoneInfo(timezone)
    now = dt.datetime.now(tz)
    raw = response.headers.get(b"Date")
    if raw:
        try:
            claimed = email.utils.parsedate_to_datetime(raw.decode("latin-1")).astimezone(tz)
        except (TypeError, ValueError, IndexError):
            claimed = None
        if claimed is not None and claimed <= now + dt.timedelta(days=1):
            return claimed.replace(tzinfo=None)
    return now.replace(tzinfo=None)


def capped(response: Any, max_bytes: int) -> Any:
    """The response with its body cut to `max_bytes` for parsing (HTML parsers read a cut page), so one huge
    page costs every extractor a bounded time on the reactor; the cut is recorded in meta["truncated"]."""
    if not max_bytes or len(response.body) <= max_bytes:
        return response
    cut = response.replace(body=response.body[:max_bytes])
    cut.meta["truncated"] = len(response.body)
    return cut
