"""Reading Scrapy responses and failures the way the evidence needs them."""

from __future__ import annotations

from typing import Any

from twisted.python.failure import Failure


def charset(response: Any) -> str | None:
    """The charset the Content-Type header declares, if any (the HTML decoder weighs it against the body)."""
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if "charset=" in ctype:
        return ctype.split("charset=", 1)[1].split(";")[0].strip() or None
    return None


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
