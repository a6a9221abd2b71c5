"""Hosts admitted into a site's scope by identity: a host reached from the site's navigation (a separate
信息公开 platform ``xxgk.…``, a provincial 集约化 platform, a bare IP) is part of the site when its page carries
the site's 网站标识码 or names the site's 主办单位. Everything else stays out of the audit.

The reasons match govaudit.crawl.scope's (SITE_CODE, ORGANIZER) so a SiteScope can record them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy.http import Response

from govaudit.crawl.urls import host_of, same_site
from govaudit.extract.features import page_features
from govaudit.items import SiteItem

if TYPE_CHECKING:
    from govaudit.spiders.audit import SiteCrawl

SITE_CODE = "site-code"  # its pages carry the site's 网站标识码
ORGANIZER = "organizer"  # its pages name the site's 主办单位
_ORGANIZER_RE = r"(?:主办单位|主办|网站主办|主管单位)\s*[:：]?\s*{name}"


def identity_reason(html: str, url: str, site_code: str, organizer: str) -> str | None:
    """Why a page of another host belongs to the site (SITE_CODE / ORGANIZER), or None."""
    code = page_features(html, url).get("site_code")
    if site_code and code and str(code).strip().upper() == site_code.strip().upper():
        return SITE_CODE
    name = " ".join(organizer.split())
    if len(name) >= 4 and re.search(_ORGANIZER_RE.format(name=re.escape(name)), re.sub(r"\s+", "", html)):
        return ORGANIZER
    return None


@dataclass
class AdmittedHosts:
    """Per site: the hosts admitted by identity (host -> reason) and the hosts already tried."""

    hosts: dict[str, dict[str, str]] = field(default_factory=dict)
    tried: dict[str, set[str]] = field(default_factory=dict)

    def in_scope(self, site_id: str, url: str) -> bool:
        return any(same_site(url, h) for h in self.hosts.get(site_id, {}))

    def first_try(self, site_id: str, url: str) -> bool:
        """True once per (site, host): the first column link to an unknown host is fetched to decide."""
        host = host_of(url)
        tried = self.tried.setdefault(site_id, set())
        if not host or host in tried:
            return False
        tried.add(host)
        return True

    def admit(self, site_id: str, url: str, reason: str) -> dict[str, Any]:
        self.hosts.setdefault(site_id, {})[host_of(url)] = reason
        return self.hosts[site_id]


class IdentityScope:
    """Mixin of the audit spider: a site's scope is its hosts plus the hosts admitted by identity."""

    crawler: Any
    admitted: AdmittedHosts
    site_rows: dict[str, dict[str, Any]]

    _site_item: Callable[..., SiteItem]

    def _in_scope(self, url: str, sc: SiteCrawl) -> bool:
        return same_site(url, sc.host) or self.admitted.in_scope(sc.site.site_id, url)

    def _admit(self, response: Response, sc: SiteCrawl, text: str) -> SiteItem | bool | None:
        """A page of another host reached from the navigation: part of the site when it carries the site's
        网站标识码 or 主办单位 (the host is admitted; the site record, re-emitted, says why); else False."""
        reason = identity_reason(text, response.url, sc.site.site_id, sc.site.organizer)
        if response.status >= 400 or reason is None:
            self.crawler.stats.inc_value("govaudit/offsite_columns_left_out")
            return False
        hosts = self.admitted.admit(sc.site.site_id, response.url, reason)
        row = self.site_rows.get(sc.site.site_id)
        if row is None:
            return None
        row["reach"] = {**row["reach"], "hosts": dict(hosts)}
        return self._site_item(sc, **row)
