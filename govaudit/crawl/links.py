"""Link availability and the article sample: every link of the home page and a sample of the other pages'
links are checked (HEAD, then GET where HEAD is refused); a few of the site's articles are fetched in full (a
link check and a meta-tag sample at once).

Scope: a link check is status-only (`meta["scope"] = "link"`: the guard lets it reach any public host, never
a private address the registry does not name, and its body is never read); an article is read, so only a URL
in the site's scope is fetched as one. Every check of a site, guide attachments included, takes from the
site's link budget (GOVAUDIT_MAX_LINKS_PER_SITE); each URL is checked once (a ledger claim)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response

from govaudit.crawl.accounting import SiteAccounting
from govaudit.crawl.budget import CrawlBudget
from govaudit.crawl.parsing import Parsed
from govaudit.crawl.urls import clean, is_attachment
from govaudit.extract.navigation import looks_like_article_url
from govaudit.items import LinkItem, PageItem
from govaudit.runs import AuditRun

if TYPE_CHECKING:
    from govaudit.spiders.audit import SiteCrawl


class LinkChecks:
    """Mixin of the audit spider: link checks (callbacks `check_link`, `check_link_error`)."""

    # provided by the spider
    run: AuditRun
    crawler: Any
    budget: CrawlBudget
    accounting: SiteAccounting

    _request: Callable[..., scrapy.Request]
    _in_scope: Callable[[str, SiteCrawl], bool]

    def parse_article(self, response: Response, sc: SiteCrawl, parsed: Parsed | None):
        """An article's meta tags, read by the parse job (govaudit.crawl.parsing, kind ARTICLE)."""
        if parsed is None or parsed.features is None:
            return
        yield PageItem(run_id=self.run.run_id, site_id=sc.site.site_id, url=response.url, kind="article",
                       status=response.status, features=parsed.features)

    def _link_request(self, sc: SiteCrawl, page_url: str, url: str, *, on_home: bool) -> scrapy.Request | None:
        url = clean(url)
        key = f"link:{url}"
        site_id = sc.site.site_id
        if not url.startswith(("http://", "https://")) or not self.accounting.claim(site_id, key):
            return None
        if not self.accounting.take_budget(site_id, "links", self.budget.max_links):
            self.accounting.release(site_id, key)
            self.crawler.stats.inc_value("govaudit/links_left_out")
            return None
        meta = {"page_url": page_url, "on_home": on_home, "scope": "link"}
        if (self._in_scope(url, sc) and looks_like_article_url(url) and not is_attachment(url)
                and self.accounting.take_budget(site_id, "articles", self.budget.max_articles)):
            # fetch an article in full: it is both a link check and a meta-tag sample
            return self._request(sc, url, "check_link", meta={**meta, "article": True, "scope": "site"})
        return self._request(sc, url, "check_link", method="HEAD", meta={**meta, "handle_httpstatus_all": True})

    def check_link(self, response: Response, sc: SiteCrawl, parsed: Parsed | None):
        meta = response.meta
        request = response.request
        assert request is not None
        if request.method == "HEAD" and response.status in (400, 403, 405, 501):
            # many servers refuse HEAD; a GET decides
            yield self._request(sc, response.url, "check_link",
                                meta={"page_url": meta["page_url"], "on_home": meta["on_home"], "scope": "link"})
            return
        yield LinkItem(run_id=self.run.run_id, site_id=sc.site.site_id, page_url=meta["page_url"],
                       link_url=request.url, on_home=meta["on_home"], status=response.status,
                       ok=response.status < 400)
        if meta.get("article") and response.status < 400:
            yield from self.parse_article(response, sc, parsed)

    def check_link_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):
        if request.meta.get("scope_blocked"):
            return  # never requested (the guard refused it; recorded as such): not a broken link
        yield LinkItem(run_id=self.run.run_id, site_id=sc.site.site_id, page_url=request.meta["page_url"],
                       link_url=request.url, on_home=request.meta["on_home"], status=None, ok=False, error=reason)
