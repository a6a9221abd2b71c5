"""URL helpers of the crawl plan: host of a URL, same-site test, fragment removal."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

# links whose target is a file (a link check, never a page to parse)
ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".rar", ".et", ".ofd", ".txt")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def same_site(url: str, host: str) -> bool:
    """`url` is on `host`, its bare domain (without www.) or a sub-domain of it."""
    h = host_of(url)
    if not h or not host:
        return False
    base = host[4:] if host.startswith("www.") else host
    return h in (host, base) or h.endswith("." + base)


def clean(url: str) -> str:
    return urldefrag(url)[0]


def is_attachment(url: str) -> bool:
    return url.lower().endswith(ATTACHMENT_EXT)
