"""Script-fed lists (extract/feeds.py) in the audit: a column page whose list its own script asks the site for
is read by asking the site the same way, without a browser; the browser stays for what cannot be read so.

The column page itself is read first as usual (its page record, follow-ups and sub-columns); the feed's answers
then stand for its list pages, page after page while the answer says there are more and the rubric windows are
not covered (`crawl.paging`). An answer that holds no list, or a feed that fails, sends the page to the browser
(`render=never`: the column stays as its page showed it, with the reason recorded)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import scrapy

from govaudit.crawl.accounting import SiteAccounting
from govaudit.crawl.parsing import Parsed
from govaudit.crawl.urls import clean
from govaudit.extract.feeds import feed_request, next_feed
from govaudit.extract.pagination import PageRequest

if TYPE_CHECKING:
    from govaudit.spiders.audit import SiteCrawl

# what a page's own script sends with its request (jQuery's XHR header; some CMS answer JSON only to it)
FEED_HEADERS = {"Accept": "application/json, text/javascript, */*; q=0.01", "X-Requested-With": "XMLHttpRequest"}


class ScriptFedLists:
    """Mixin of the audit spider: a column's list read from the request its script makes."""

    # provided by the spider
    crawler: Any
    accounting: SiteAccounting
    render_mode: str

    _request: Callable[..., scrapy.Request]
    _in_scope: Callable[[str, SiteCrawl], bool]
    _column_item: Callable[..., Any]

    def _feed_request(self, sc: SiteCrawl, col: dict[str, Any], parsed: Parsed) -> scrapy.Request | None:
        """The request the column page's script makes for its list, when it can be read from the script and
        stays on the site."""
        for feed in parsed.feeds:
            url, method, data = feed_request(feed)
            if not self._in_scope(url, sc) or not self.accounting.claim(
                    sc.site.site_id, f"feed:{method}:{clean(url)}:{data}:{col['url']}"):
                continue
            col["feed"] = feed
            col["feed_url"] = url if method == "GET" else f"{method} {url}"
            self.crawler.stats.inc_value("govaudit/lists_from_feeds")
            return self._request(sc, url, "parse_column", meta={"col": col}, method=method, headers=FEED_HEADERS,
                                 formdata=tuple(data) if method == "POST" else None)
        return None

    def _next_feed(self, col: dict[str, Any], listing: Any, added: int) -> PageRequest | None:
        """The feed's next page; `added`: entries this page added to the column (a server that ignores the
        page number answers the same rows again, and that ends the list)."""
        nxt = next_feed(col["feed"], added, listing.total_pages, listing.total_records, len(col["entries"]))
        if nxt is None:
            return None
        col["feed"] = nxt
        url, method, data = feed_request(nxt)
        return PageRequest(url, method, tuple(data))

    def _feed_failed(self, sc: SiteCrawl, meta: dict[str, Any], why: str):
        """A feed that did not give the column's list: the browser reads the page as a visitor sees it (or,
        without a browser, the column stays as its page showed it: blank)."""
        col = meta["col"]
        del col["feed"]
        col["feed_url"] = ""
        self.crawler.stats.inc_value("govaudit/feeds_failed")
        if self.render_mode == "never":
            col["errors"].append(why)
            col["blank"] = True
            yield self._column_item(sc, meta, col["status"])
            return
        col["rendered"] = True
        yield self._request(sc, col["url"], "parse_column", meta={"col": col}, render=True)

