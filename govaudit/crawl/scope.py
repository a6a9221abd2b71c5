"""A site's crawl scope: the hosts its audit may reach, and why each was admitted.

Pure (no I/O). A site's scope starts with the host of its registry URL (and that host's www. variant), plus
the hosts its registry row lists (`hosts`). The crawl may admit more: a host reached from the site's
navigation whose pages carry the same 网站标识码 or 主办单位 (`admit(host, SITE_CODE, evidence)`).
Everything else is out of scope: a content request there is dropped, a redirect there is not followed.

A `ScopeBook` holds the scopes of one crawler (`scope_book(crawler)`); scopes are built on first use from the
run's registry sites (`govaudit.runs.current_run(crawler).targets`) or from sites added with `add_sites`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from govaudit.registry.model import Site

# why a host is in a site's scope
REGISTRY_URL = "registry-url"  # the host of the registry's 首页网址
REGISTRY_WWW = "registry-url-www"  # the same host with/without "www."
REGISTRY_HOSTS = "registry-hosts"  # listed in the registry's `hosts` field
SITE_CODE = "site-code"  # reached from the navigation; its pages carry the site's 网站标识码
ORGANIZER = "organizer"  # reached from the navigation; its pages carry the site's 主办单位
REASONS = {
    REGISTRY_URL: "登记的首页网址",
    REGISTRY_WWW: "登记的首页网址（www. 前缀变体）",
    REGISTRY_HOSTS: "登记的其他域名",
    SITE_CODE: "由导航到达，页面网站标识码相同",
    ORGANIZER: "由导航到达，页面主办单位相同",
}
SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


def norm_host(host: str) -> str:
    """Lower case, no trailing dot, IDNA (so 政府.cn and xn--...cn are one host), IPv6 without brackets."""
    h = host.strip().strip("[]").rstrip(".").lower()
    if h and not h.isascii():
        with contextlib.suppress(UnicodeError):
            h = h.encode("idna").decode("ascii")
    return h


def split_netloc(value: str) -> tuple[str, int | None]:
    """(host, port) of "host", "host:port", "[v6]:port" or a URL."""
    url = value if "://" in value else "http://" + value
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return norm_host(parts.hostname or ""), port


def url_netloc(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, effective port) of a URL; port None when the URL's port is not a number."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    return scheme, norm_host(parts.hostname or ""), port


def _www_variant(host: str) -> str | None:
    if not host or host.replace(".", "").isdigit() or ":" in host:
        return None
    if host.startswith("www."):
        rest = host[4:]
        return rest if "." in rest else None
    return "www." + host


@dataclass(frozen=True)
class Admission:
    host: str
    reason: str
    evidence: str = ""  # e.g. the page whose 网站标识码 matched

    @property
    def words(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass
class SiteScope:
    site_id: str
    admitted: dict[str, Admission] = field(default_factory=dict)
    # host:port the registry names (its URL and `hosts`): the only private/loopback destinations allowed
    named: set[tuple[str, int | None]] = field(default_factory=set)

    @classmethod
    def from_site(cls, site: Site) -> SiteScope:
        scope = cls(site_id=site.site_id)
        _scheme, host, port = url_netloc(site.url)
        if host:
            scope.admit(host, REGISTRY_URL, site.url)
            scope.named.add((host, port))
            www = _www_variant(host)
            if www:
                scope.admit(www, REGISTRY_WWW, site.url)
        for raw in getattr(site, "hosts", None) or []:
            h, p = split_netloc(str(raw))
            if h:
                scope.admit(h, REGISTRY_HOSTS, str(raw))
                scope.named.add((h, p))  # a listed host without a port names that host on any port
        return scope

    def admit(self, host: str, reason: str, evidence: str = "") -> Admission:
        """Add ``host`` to the scope (idempotent: the first reason is kept)."""
        h = split_netloc(host)[0] if "://" in host or host.count(":") == 1 else norm_host(host)
        if not h:
            raise ValueError(f"not a host: {host!r}")
        if h not in self.admitted:
            self.admitted[h] = Admission(h, reason, evidence)
        return self.admitted[h]

    def why(self, url_or_host: str) -> Admission | None:
        host = url_netloc(url_or_host)[1] if "://" in url_or_host else norm_host(url_or_host)
        return self.admitted.get(host)

    def admits(self, url_or_host: str) -> bool:
        return self.why(url_or_host) is not None

    def names(self, host: str, port: int | None) -> bool:
        """Does the registry name this very host (and port) for the site?"""
        return (host, port) in self.named or (host, None) in self.named

    def describe(self) -> list[dict[str, str]]:
        """The admitted hosts with their reasons, for evidence and reports."""
        return [{"host": a.host, "reason": a.reason, "why": a.words, "evidence": a.evidence}
                for a in self.admitted.values()]


@dataclass(frozen=True)
class Verdict:
    ok: bool
    code: str = ""  # scheme | offsite | private-address (+ redirect-/rendered- prefixes at the middleware)
    message: str = ""


def check_url(scope: SiteScope | None, url: str, *, offsite_ok: bool = False) -> Verdict:
    """The scheme and host rules for one URL (the address rule needs DNS: see the middleware).
    ``offsite_ok``: a status-only link check may reach any public host."""
    scheme, host, _port = url_netloc(url)
    if scheme not in SCHEMES:
        return Verdict(False, "scheme", f"只检查 http(s) 地址，不请求 {scheme or '无协议'}: 地址")
    if not host:
        return Verdict(False, "scheme", "地址没有主机名")
    if offsite_ok or scope is None or scope.admits(host):
        return Verdict(True)
    return Verdict(False, "offsite", f"{host} 不在本网站的检查范围内")


class ScopeBook:
    """The scopes of one crawler's sites, built on first use."""

    def __init__(self) -> None:
        self._sites: dict[str, Site] = {}
        self._scopes: dict[str, SiteScope] = {}
        self._run: Any = None  # the run whose targets were added last

    def add_sites(self, sites: Iterable[Site]) -> None:
        for site in sites:
            old = self._sites.get(site.site_id)
            self._sites[site.site_id] = site
            if old is not None and (old.url != site.url or old.hosts != site.hosts):
                self._rebuild(site)  # e.g. the demo province's real URLs, known once its servers run

    def _rebuild(self, site: Site) -> None:
        old = self._scopes.pop(site.site_id, None)
        new = SiteScope.from_site(site)
        if old is not None:  # keep what the crawl admitted
            for a in old.admitted.values():
                if a.reason not in (REGISTRY_URL, REGISTRY_WWW, REGISTRY_HOSTS):
                    new.admit(a.host, a.reason, a.evidence)
        self._scopes[site.site_id] = new

    def site(self, site_id: str) -> Site | None:
        return self._sites.get(site_id)

    def scope(self, site_id: str) -> SiteScope | None:
        if site_id not in self._scopes:
            site = self._sites.get(site_id)
            if site is None:
                return None
            self._scopes[site_id] = SiteScope.from_site(site)
        return self._scopes[site_id]

    def admit(self, site_id: str, host: str, reason: str, evidence: str = "") -> Admission:
        scope = self.scope(site_id)
        if scope is None:
            raise KeyError(f"site {site_id} is not part of this crawl")
        return scope.admit(host, reason, evidence)

    def names(self, host: str, port: int | None) -> bool:
        """Does any site's registry entry name this very host (and port)?"""
        for site_id in self._sites:
            scope = self.scope(site_id)
            if scope is not None and scope.names(host, port):
                return True
        return False

    @property
    def empty(self) -> bool:
        return not self._sites


_ATTR = "govaudit_scopes"


def scope_book(crawler: Any) -> ScopeBook:
    """The crawler's ScopeBook, created on first use and filled from the attached run's targets."""
    book = getattr(crawler, _ATTR, None)
    if book is None:
        book = ScopeBook()
        setattr(crawler, _ATTR, book)
    from govaudit.runs import current_run

    run = current_run(crawler)
    if run is not None and book._run is not run:
        book.add_sites(run.targets)  # a run replaced (e.g. demo URLs known) updates the scopes
        book._run = run
    return book
