"""Hosts admitted into a site's scope by identity: a host reached from the site's navigation (a separate
信息公开 platform ``xxgk.…``, a provincial 集约化 platform, a bare IP) is part of the site when its page carries
the site's 网站标识码 or names the site's 主办单位. Everything else stays out of the audit.

There is one notion of scope: the site's `SiteScope` in the crawler's `ScopeBook` (govaudit.crawl.scope).
The spider decides "is this link the site's" with it, and an admission adds the host to it (with its reason
and the page that showed it), so the ScopeGuard middleware admits the host's requests the same way. Requests
to an admitted host carry the admission in `meta["scope_admit"]`, so another worker or a resumed crawl
knows it too. The one page fetched to decide (the probe) is a `meta["scope"] = "probe"` request: the guard
lets it reach another public host (never a private address the registry does not name)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrapy.http import Response

from govaudit.crawl.accounting import SiteAccounting
from govaudit.crawl.scope import ORGANIZER, SITE_CODE, SiteScope, check_url, scope_book, url_netloc
from govaudit.extract.features import page_features
from govaudit.items import SiteItem

if TYPE_CHECKING:
    from govaudit.spiders.audit import SiteCrawl

MAX_WAITING = 200  # navigation links to one probed host held until its probe decides
CRAWL_REASONS = (SITE_CODE, ORGANIZER)  # admitted by the crawl (the others come from the registry)
_ORGANIZER_RE = r"(?:主办单位|主办|网站主办|主管单位)\s*[:：]?\s*{name}"


def identity_reason(html: str, url: str, site_code: str, organizer: str, *,
                    features: dict[str, Any] | None = None, doc: Any = None) -> str | None:
    """Why a page of another host belongs to the site (SITE_CODE / ORGANIZER), or None. `features`: the
    page's features when already read; `doc`: its shared Document (govaudit.extract.document)."""
    if features is None:
        features = page_features(html, url, doc=doc)
    code = features.get("site_code")
    if site_code and code and str(code).strip().upper() == site_code.strip().upper():
        return SITE_CODE
    name = " ".join(organizer.split())
    if len(name) >= 4 and re.search(_ORGANIZER_RE.format(name=re.escape(name)), re.sub(r"\s+", "", html)):
        return ORGANIZER
    return None


def crawl_admissions(scope: SiteScope | None) -> dict[str, str]:
    """host -> reason of the hosts the crawl admitted (by identity) into the scope."""
    if scope is None:
        return {}
    return {a.host: a.reason for a in scope.admitted.values() if a.reason in CRAWL_REASONS}


class IdentityScope:
    """Mixin of the audit spider: "is this URL the site's" (the site's SiteScope), and admission by identity."""

    crawler: Any
    accounting: SiteAccounting
    site_rows: dict[str, dict[str, Any]]

    _site_item: Callable[..., SiteItem]

    def _scope(self, site_id: str) -> SiteScope | None:
        return scope_book(self.crawler).scope(site_id)

    def _in_scope(self, url: str, sc: SiteCrawl) -> bool:
        """An http(s) URL on a host of the site's scope (registry URL, registry hosts, admitted by identity)."""
        scope = self._scope(sc.site.site_id)
        return scope is not None and check_url(scope, url).ok

    def _first_try(self, site_id: str, url: str) -> bool:
        """True once per (site, host): the first navigation link to a host outside the scope is fetched to see
        whose it is (a claim of the ledger, so a resumed or distributed crawl tries it once too). The other
        navigation links to that host wait for the probe's answer (`_wait_for_probe`)."""
        host = url_netloc(url)[1]
        if not host or not self.accounting.claim(site_id, f"identity-probe:{host}"):
            return False
        self._waiting().setdefault((site_id, host), [])
        return True

    def _waiting(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        waiting = self.__dict__.get("_identity_waiting")
        if waiting is None:
            waiting = self.__dict__["_identity_waiting"] = {}
        return waiting

    def _wait_for_probe(self, site_id: str, url: str, column: dict[str, Any]) -> bool:
        """Hold a navigation column of a host whose probe is in flight (True), else False (no probe pending:
        the host was refused, or is not the site's)."""
        queue = self._waiting().get((site_id, url_netloc(url)[1]))
        if queue is None:
            return False
        if len(queue) < MAX_WAITING:
            queue.append(column)
        return True

    def _probe_settled(self, site_id: str, probe_url: str, admitted: bool) -> list[dict[str, Any]]:
        """The columns that waited for this probe: to request when its host was admitted, else dropped."""
        queue = self._waiting().pop((site_id, url_netloc(probe_url)[1]), [])
        if not admitted and queue:
            self.crawler.stats.inc_value("govaudit/offsite_columns_left_out", len(queue))
        return queue if admitted else []

    @staticmethod
    def _moved_off_scope(request: Any) -> str:
        """Where a request's redirect went when the guard refused to follow it out of scope, else ""."""
        blocked = request.meta.get("scope_blocked") or {}
        return str(blocked.get("url") or "") if blocked.get("code") == "redirect-offsite" else ""

    def _scope_meta(self, site_id: str, url: str) -> dict[str, Any]:
        """The admission a request to an admitted host carries (for the guard of another worker or a resume)."""
        scope = self._scope(site_id)
        adm = scope.why(url) if scope is not None and "://" in url else None
        if adm is None or adm.reason not in CRAWL_REASONS:
            return {}
        return {"scope_admit": [[adm.host, adm.reason, adm.evidence]]}

    def _admit(self, response: Response, sc: SiteCrawl, reason: str | None) -> SiteItem | bool | None:
        """A page of another host reached from the navigation: part of the site when it carries the site's
        网站标识码 or 主办单位 (`reason`, read from the page by the parse job with `identity_reason`; its host is
        admitted into the site's scope; the site record, re-emitted, says why); else False."""
        if response.status >= 400 or reason is None:
            self.crawler.stats.inc_value("govaudit/offsite_columns_left_out")
            return False
        site_id = sc.site.site_id
        book = scope_book(self.crawler)
        book.admit(site_id, url_netloc(response.url)[1], reason, response.url)
        request = response.request
        if request is not None and url_netloc(request.url)[1] != url_netloc(response.url)[1]:
            book.admit(site_id, url_netloc(request.url)[1], reason, response.url)  # it redirected there
        self.crawler.stats.inc_value("govaudit/scope/admitted")
        row = self.site_rows.get(site_id)
        if row is None:
            return None
        row["reach"] = {**row["reach"], "hosts": crawl_admissions(self._scope(site_id)),
                        "scope": self._scope(site_id).describe()}  # type: ignore[union-attr]
        return self._site_item(sc, **row)
