"""Findings that are artefacts of the demo's loopback addressing, not problems of the site (see
`loopback_artefact`). The notice leaves them out of its text; a recheck does not ask a site to rectify them."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit


def _loopback_host(url_or_host: object) -> str | None:
    """The host when it is an IP-literal loopback address (127.0.0.0/8, ::1), else None."""
    text = str(url_or_host or "")
    host = urlsplit(text).hostname if "//" in text else text.split(":")[0]
    if not host:
        return None
    try:
        return host if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


def loopback_artefact(evidence: Any) -> bool:
    """A finding about the demo's loopback addressing rather than about the site: a domain finding whose host
    is an IP-literal loopback address (「应使用.gov.cn后缀」), or a link finding whose target is a loopback host
    other than the page's own (a link to another demo site or to the www.gov.cn stand-in, which the crawl
    refuses to request). A real site never has either; the demo has both on every site. Kept in the site
    pages and attachments; left out of the notice's text and of what a site must rectify."""
    if not isinstance(evidence, dict):
        return False
    if _loopback_host(evidence.get("host")):
        return True
    target = _loopback_host(evidence.get("link_url"))
    if target is None:
        return False
    page = urlsplit(str(evidence.get("page_url") or "")).hostname
    return target != page
