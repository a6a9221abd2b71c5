"""Rendering safety: what a page rendered in Chromium may reach, how much memory it may take, and how many
render at once.

* Every request with `meta["playwright"]` gets (from ScopeGuard.process_request) one shared browser context
  that refuses downloads and blocks service workers, a page-init callback, and its site's scope as plain
  data (`meta["govaudit_render_policy"]`: JSON-safe, so the request still queues without pickle).
* `abort_request` (PLAYWRIGHT_ABORT_REQUEST) aborts what the page asks for outside that scope: other hosts,
  loopback/private/link-local/metadata addresses (IP literals and resolved names), non-http(s) schemes, and
  the resource types not needed to read a page (GOVAUDIT_RENDER_SKIP_TYPES). What was aborted is listed in
  `meta["render_aborted"]` (evidence: a script that tried to reach another host). The data requests it lets
  through (XHR and fetch: method, address, form fields) are listed in `meta["render_requests"]`, so a list
  built from one can have its later pages asked for directly (crawl.feedlists).
* A page whose script navigated to another host is dropped by ScopeGuard.process_response
  (`final_url_ok` says the same for a spider that checks itself).
* Memory: Chromium runs under the limits of govaudit.crawl.browser (one driver and one browser per process,
  shared with the screenshots). Concurrent renders are capped by PLAYWRIGHT_MAX_PAGES_PER_CONTEXT on the one
  context (GOVAUDIT_MAX_RENDERS).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from govaudit.archive.fetch import META_REQUESTS  # the archive keeps them with the rendered page
from govaudit.crawl.addresses import address_kind, parse_ip
from govaudit.crawl.scope import SiteScope, check_url, url_netloc

logger = logging.getLogger(__name__)

CONTEXT = "govaudit"
CONTEXT_KWARGS = {"accept_downloads": False, "service_workers": "block", "ignore_https_errors": True}
META_POLICY = "govaudit_render_policy"
META_ABORTED = "render_aborted"
MAX_REQUESTS_RECORDED = 20
MAX_RECORDED_URL = 2000  # a longer address is not recorded (cut, it would name another request)
DATA_TYPES = ("xhr", "fetch")
INIT_CALLBACK = "govaudit.crawl.render.init_page"
MAX_ABORTED_RECORDED = 50
IN_PAGE_SCHEMES = ("data", "blob", "about")
BROWSER_ERROR_PAGE = "chrome-error:"  # where Chromium lands after an aborted navigation


@dataclass(frozen=True)
class RenderPolicySettings:
    skip_types: tuple[str, ...] = ("image", "media", "font")

    @classmethod
    def from_settings(cls, settings: Any) -> RenderPolicySettings:
        raw = settings.get("GOVAUDIT_RENDER_SKIP_TYPES", "image,media,font")
        items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        return cls(skip_types=tuple(t.strip() for t in items if t.strip()))


def prepare_request(request: Any, scope: SiteScope | None, policy: RenderPolicySettings, *,
                    allow_private: bool) -> None:
    """Set the render meta of a playwright request (its context, init callback and scope as plain data)."""
    meta = request.meta
    meta["playwright_context"] = CONTEXT
    meta["playwright_context_kwargs"] = dict(CONTEXT_KWARGS)
    meta["playwright_page_init_callback"] = INIT_CALLBACK
    meta[META_POLICY] = {
        "scoped": scope is not None,
        "hosts": sorted(scope.admitted) if scope is not None else [],
        "named": sorted([h, p] for h, p in scope.named) if scope is not None else [],
        "allow_private": allow_private,
        "skip_types": list(policy.skip_types),
    }
    meta[META_ABORTED] = []


class PagePolicy:
    """What one rendered page may request."""

    def __init__(self, data: dict[str, Any], aborted: list[str], requests: list[dict[str, Any]] | None = None
                 ) -> None:
        self.requests = requests if requests is not None else []
        self.scoped = bool(data.get("scoped"))
        self.hosts = set(data.get("hosts") or ())
        self.named = {(h, p) for h, p in data.get("named") or ()}
        self.allow_private = bool(data.get("allow_private"))
        self.skip_types = set(data.get("skip_types") or ())
        self.aborted = aborted
        self._resolved: dict[str, bool] = {}

    def _record(self, why: str, resource_type: str, url: str) -> None:
        if len(self.aborted) < MAX_ABORTED_RECORDED:
            self.aborted.append(f"{why} {resource_type} {url[:300]}")

    async def should_abort(self, resource_type: str, url: str) -> bool:
        scheme, host, port = url_netloc(url)
        if scheme in IN_PAGE_SCHEMES:
            return False
        if scheme not in ("http", "https") or not host:
            self._record("scheme", resource_type, url)
            return True
        if resource_type in self.skip_types:
            return True  # not needed to read the page; not evidence of anything
        if self.scoped and host not in self.hosts:
            self._record("offsite", resource_type, url)
            return True
        if not self.allow_private and (host, port) not in self.named and (host, None) not in self.named \
                and await self._private(host):
            self._record("private-address", resource_type, url)
            return True
        return False

    async def _private(self, host: str) -> bool:
        ip = parse_ip(host)
        if ip is not None:
            return address_kind(ip) is not None
        if host not in self._resolved:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, None)
            except OSError:
                self._resolved[host] = False  # the browser will not reach it either
            else:
                self._resolved[host] = any(_not_public(str(info[4][0])) for info in infos)
        return self._resolved[host]

    def record(self, pw_request: Any) -> None:
        """A data request the page was let make (plain data: it travels in the response's meta)."""
        if pw_request.resource_type not in DATA_TYPES or len(self.requests) >= MAX_REQUESTS_RECORDED \
                or len(pw_request.url) > MAX_RECORDED_URL:
            return
        try:
            method, url = pw_request.method, pw_request.url
            form: list[list[str]] | None = None
            if method == "POST":
                ctype = (pw_request.headers or {}).get("content-type", "")
                body = pw_request.post_data or ""
                if "application/x-www-form-urlencoded" in ctype.lower() and len(body) <= 4000:
                    form = [[k, v] for k, v in parse_qsl(body, keep_blank_values=True)]
        except Exception:  # a request whose body cannot be read as text is no form
            return
        self.requests.append({"url": url, "method": method, "form": form})


def _not_public(address: str) -> bool:
    ip = parse_ip(address.split("%", 1)[0])  # fe80::1%eth0
    return ip is None or address_kind(ip) is not None


_PAGES: weakref.WeakKeyDictionary[Any, PagePolicy] = weakref.WeakKeyDictionary()


async def init_page(page: Any, request: Any) -> None:
    """playwright_page_init_callback: bind the request's policy to its page before it navigates.
    A script that moves the page out of scope (location.href) has that navigation aborted; Chromium then
    shows its error page, and ScopeGuard drops the render as "rendered-offsite" (a visitor would have
    left the site too), naming the address the script went for."""
    aborted = request.meta.setdefault(META_ABORTED, [])
    _PAGES[page] = PagePolicy(request.meta.get(META_POLICY) or {}, aborted, request.meta.setdefault(META_REQUESTS, []))


_FALLBACK = PagePolicy({"scoped": False, "allow_private": False, "skip_types": []}, [])


async def abort_request(pw_request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: True to abort what a rendered page asks for."""
    try:
        page = pw_request.frame.page
    except Exception:  # a service worker's request has no frame: nothing of ours needs it
        return True
    policy = _PAGES.get(page)
    if policy is None:  # a page rendered without ScopeGuard: at least no private addresses, no other schemes
        policy = _FALLBACK
    if await policy.should_abort(pw_request.resource_type, pw_request.url):
        return True
    if policy is not _FALLBACK:
        policy.record(pw_request)
    return False


def final_url_ok(crawler: Any, site_id: str, url: str) -> bool:
    """Is the page a render ended on (response.url) still inside the site's scope?"""
    from govaudit.crawl.scope import scope_book

    return not url.startswith(BROWSER_ERROR_PAGE) and check_url(scope_book(crawler).scope(site_id), url).ok


def attempted_navigation(meta: dict[str, Any]) -> str:
    """The out-of-scope address a rendered page's script tried to open, from meta["render_aborted"]."""
    for entry in meta.get(META_ABORTED) or ():
        _why, kind, url = [*entry.split(" ", 2), "", ""][:3]
        if kind == "document":
            return url
    return ""
