"""ScopeGuard: the downloader middleware that keeps every request of a site inside its scope.

It sees every request (and every redirect hop: RedirectMiddleware's and MetaRefreshMiddleware's new
requests come through process_request again) and every response:
* only http(s) (Scrapy's file/ftp/s3/data handlers are also disabled in settings);
* a content request (the default) must go to a host in the site's scope (govaudit.crawl.scope); a
  status-only link check (`meta["scope"] = "link"`) and an identity probe (`"probe"`) may go to any public
  host;
* no loopback, private, link-local, metadata or reserved destination (IP literal or resolved name) unless
  the registry names that very host and port, or GOVAUDIT_ALLOW_PRIVATE_HOSTS is on (tests on loopback);
* a 3xx whose Location leaves the scope is not followed, and a rendered page that navigated away
  (response.url on another host) is dropped.
A refused request raises `OutOfScope` (an IgnoreRequest) into the request's errback, with a Chinese message
for the finding, `meta["scope_blocked"]` = {code, url, message}, and stats `govaudit/scope/blocked/<code>`.

Request meta it reads: `site_id`; `scope` ("site" | "link" | "probe"); `scope_admit` ([[host, reason, evidence], ...]:
admissions travelling with the request, so that another worker or a resumed crawl knows them).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from govaudit.crawl import browser, render
from govaudit.crawl.addresses import KIND_WORDS, address_kind, parse_ip
from govaudit.crawl.scope import ScopeBook, SiteScope, check_url, scope_book, url_netloc

logger = logging.getLogger(__name__)

REDIRECT_CODES = (301, 302, 303, 307, 308)
META_SCOPE = "scope"
META_ADMIT = "scope_admit"
META_BLOCKED = "scope_blocked"
LINK = "link"
PROBE = "probe"  # one page of another public host reached from the navigation, read to see whose it is


def offsite_allowed(meta: dict[str, Any]) -> bool:
    """May this request (and its redirects) reach a public host outside the site's scope? A status-only link
    check, or an identity probe (govaudit.crawl.identity: its host joins the scope only when the page
    carries the site's 网站标识码 / 主办单位). The address rule still applies to both."""
    return is_link_check(meta) or meta.get(META_SCOPE) == PROBE


def is_link_check(meta: dict[str, Any]) -> bool:
    """A status-only request: `meta["scope"] == "link"`, or (until the audit spider sets it) its link checks
    that are not also article samples (`fn == "check_link"` without `article`)."""
    scope = meta.get(META_SCOPE)
    if scope is not None:
        return scope == LINK
    return meta.get("fn") == "check_link" and not meta.get("article")


class OutOfScope(IgnoreRequest):
    """A request (or a redirect hop, or a rendered navigation) outside the site's scope."""

    def __init__(self, code: str, url: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.url = url
        self.message = message


def _twisted_resolver(timeout: float) -> Callable[[str], Awaitable[str]]:
    async def resolve(host: str) -> str:
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor

        # the reactor's resolver is Scrapy's caching one: the connection then uses this very answer
        resolver: Any = reactor
        return str(await maybe_deferred_to_future(resolver.resolve(host, timeout=(max(1, int(timeout)),))))

    return resolve


class ScopeGuard:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.allow_private = settings.getbool("GOVAUDIT_ALLOW_PRIVATE_HOSTS")
        self.resolve: Callable[[str], Awaitable[str]] = _twisted_resolver(settings.getfloat("DNS_TIMEOUT", 10))
        self.render = render.RenderPolicySettings.from_settings(settings)
        browser.configure_browser_limits(settings)
        self._legacy_warned = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScopeGuard:
        return cls(crawler)

    @property
    def book(self) -> ScopeBook:
        return scope_book(self.crawler)

    # --- requests --------------------------------------------------------------------------------------
    async def process_request(self, request: Request) -> None:
        book = self.book
        site_id = request.meta.get("site_id")
        scope = book.scope(site_id) if site_id is not None else None
        for entry in request.meta.get(META_ADMIT) or ():
            if scope is not None and isinstance(entry, list | tuple) and len(entry) >= 2:
                scope.admit(str(entry[0]), str(entry[1]), str(entry[2]) if len(entry) > 2 else "")
        legacy = scope is None and book.empty
        if legacy and not self._legacy_warned:
            self._legacy_warned = True
            logger.warning("no run and no registry sites are attached to this crawler: only the http(s) rule "
                           "is enforced, not the site scope nor the address rule")
        offsite_ok = offsite_allowed(request.meta)
        verdict = check_url(scope, request.url, offsite_ok=offsite_ok or legacy)
        if not verdict.ok:
            self._block(request, verdict.code, f"{verdict.message}：{request.url}")
        if not legacy:
            await self._check_address(request, scope)
        if request.meta.get("playwright"):
            render.prepare_request(request, scope, self.render, allow_private=self.allow_private or legacy)
        return

    async def _check_address(self, request: Request, scope: SiteScope | None) -> None:
        if self.allow_private:
            return
        _scheme, host, port = url_netloc(request.url)
        ip = parse_ip(host)
        if ip is None:
            # a name that does not resolve fails here as it would in the download handler (DNSLookupError)
            ip = parse_ip(await self.resolve(host))
        kind = address_kind(ip) if ip is not None else None
        if kind is None or self._named(scope, host, port):
            return
        self._block(request, "private-address",
                    f"{host} 指向{KIND_WORDS.get(kind, kind)}（{ip}），不请求：{request.url}")

    def _named(self, scope: SiteScope | None, host: str, port: int | None) -> bool:
        if scope is not None:
            return scope.names(host, port)
        return self.book.names(host, port)

    def _block(self, request: Request, code: str, message: str, url: str | None = None) -> None:
        url = url or request.url
        request.meta[META_BLOCKED] = {"code": code, "url": url, "message": message}
        self.stats.inc_value("govaudit/scope/blocked")
        self.stats.inc_value(f"govaudit/scope/blocked/{code}")
        logger.info("out of scope (%s) for site %s: %s", code, request.meta.get("site_id", "-"), url)
        raise OutOfScope(code, url, message)

    # --- responses: redirect targets and rendered navigations -----------------------------------------
    def process_response(self, request: Request, response: Response) -> Response:
        site_id = request.meta.get("site_id")
        book = self.book
        scope = book.scope(site_id) if site_id is not None else None
        if scope is None and book.empty:
            return response
        offsite_ok = offsite_allowed(request.meta)
        if response.status in REDIRECT_CODES and self._follows_redirect(request, response):
            location = response.headers.get(b"Location")
            if location:
                raw = location.decode("latin-1")
                if raw.startswith("//"):
                    raw = url_netloc(request.url)[0] + ":" + raw
                target = urljoin(request.url, safe_url_string(raw))
                verdict = check_url(scope, target, offsite_ok=offsite_ok)
                if not verdict.ok:
                    self._block(request, f"redirect-{verdict.code}", f"跳转到{verdict.message}：{target}", target)
                _s, host, port = url_netloc(target)
                ip = parse_ip(host)
                kind = address_kind(ip) if ip is not None else None
                if kind and not self.allow_private and not self._named(scope, host, port):
                    self._block(request, "redirect-private-address",
                                f"跳转到{KIND_WORDS.get(kind, kind)} {host}，不跟随：{target}", target)
        if response.url != request.url and not offsite_ok:
            # a download handler that follows navigations itself (a rendered page whose script moved it)
            if response.url.startswith(render.BROWSER_ERROR_PAGE):
                tried = render.attempted_navigation(request.meta) or response.url
                self._block(request, "rendered-offsite", f"页面脚本试图转到检查范围以外的地址（已阻止）：{tried}", tried)
            verdict = check_url(scope, response.url)
            if not verdict.ok:
                self._block(request, f"rendered-{verdict.code}",
                            f"页面渲染后转到{verdict.message}：{response.url}", response.url)
        return response

    @staticmethod
    def _follows_redirect(request: Request, response: Response) -> bool:
        meta = request.meta
        return not (meta.get("dont_redirect") or meta.get("handle_httpstatus_all")
                    or response.status in meta.get("handle_httpstatus_list", ()))
