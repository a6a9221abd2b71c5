"""Script-fed lists (extract/feeds.py) in the audit: a column page whose list its own script asks the site for
is read by asking the site the same way, without a browser; the browser stays for what cannot be read so.

The column page itself is read first as usual (its page record, follow-ups and sub-columns); the feed's answers
then stand for its list pages, page after page while the answer says there are more and the rubric windows are
not covered (`crawl.paging`). An answer that holds no list, or a feed that fails, sends the page to the browser
(`render=never`: the column stays as its page showed it, with the reason recorded).

A list whose request cannot be read from the page (a script file, an address built from the page's data) is
rendered; the requests the browser was seen making (`crawl.render`, `meta["render_requests"]`) then name the
feed, and its later pages are asked for directly instead of being rendered one by one: the feed's page 1 is
asked for first and kept only when its answer is the list the browser showed (`same_list`); otherwise the
next page is rendered as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import scrapy

from govaudit.classify import classify_column
from govaudit.crawl.accounting import SiteAccounting
from govaudit.crawl.paging import LETTER_CATEGORIES
from govaudit.crawl.parsing import Parsed
from govaudit.crawl.render import META_REQUESTS
from govaudit.crawl.urls import clean
from govaudit.extract.feeds import feed_request, feeds_seen, next_feed
from govaudit.extract.pagination import PageRequest

if TYPE_CHECKING:
    from govaudit.spiders.audit import SiteCrawl

META_CHECK = "feed_check"  # on the check of a feed seen while rendering: the rendered next page it stands for
# a feed seen while rendering is the list the page showed when at least this share of the shorter of the two
# lists is in both (by address, or by title)
SAME_LIST_SHARE = 0.5

# what a page's own script sends with its request (jQuery's XHR header; some CMS answer JSON only to it)
FEED_HEADERS = {"Accept": "application/json, text/javascript, */*; q=0.01", "X-Requested-With": "XMLHttpRequest"}


class ScriptFedLists:
    """Mixin of the audit spider: a column's list read from the request its script makes."""

    # provided by the spider
    crawler: Any
    accounting: SiteAccounting
    render_mode: str

    _request: Callable[..., scrapy.Request]
    _next_page: Callable[..., scrapy.Request | None]
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

    def _rendered_feed_check(self, response: Any, sc: SiteCrawl, col: dict[str, Any],
                             next_url: str) -> scrapy.Request | None:
        """Instead of rendering a column's next page (`next_url`, claimed already): the check of the feed the
        browser was seen asking for this list, once per column; None when there is none to check."""
        if col.get("feed_checked") or self.render_mode == "always" \
                or classify_column(col["name"]) in LETTER_CATEGORIES:  # letters: read from what a visitor sees
            return None
        col["feed_checked"] = True
        for feed in feeds_seen(response.meta.get(META_REQUESTS) or [], response.url):
            url, method, data = feed_request(feed)
            if not self._in_scope(url, sc) or not self.accounting.claim(
                    sc.site.site_id, f"feed:{method}:{clean(url)}:{data}:{col['url']}"):
                continue
            col["feed"] = feed
            return self._request(sc, url, "parse_column", meta={"col": col, META_CHECK: next_url}, method=method,
                                 headers=FEED_HEADERS, formdata=tuple(data) if method == "POST" else None)
        return None

    def _feed_checked(self, response: Any, sc: SiteCrawl, parsed: Parsed | None):
        """The answer of a feed seen while rendering, at page 1: the column's later pages come from the feed
        when it answered the list the browser showed, else the next page is rendered."""
        col = response.meta["col"]
        listing = parsed.listing if parsed is not None and not parsed.error and response.status < 400 else None
        if listing is None or not same_list(col["entries"], listing.entries):
            yield from self._feed_rejected(sc, response.meta)
            return
        url, method, _data = feed_request(col["feed"])
        col["feed_url"] = url if method == "GET" else f"{method} {url}"
        self.crawler.stats.inc_value("govaudit/lists_from_rendered_feeds")
        form = self._next_feed(col, listing, len(listing.entries))
        nxt = self._next_page(response, sc, col, listing, form, classify_column(col["name"]))
        yield nxt if nxt is not None else self._column_item(sc, response.meta, col["status"])

    def _feed_rejected(self, sc: SiteCrawl, meta: dict[str, Any]):
        """A feed seen while rendering that did not answer the column's list: its next page is rendered."""
        col = meta["col"]
        col.pop("feed", None)
        self.crawler.stats.inc_value("govaudit/rendered_feeds_rejected")
        yield self._request(sc, meta[META_CHECK], "parse_column", meta={"col": col}, render=True)


def same_list(shown: list[Any], answered: list[Any]) -> bool:
    """Is `answered` (a feed's entries) the list a rendered page showed (`shown`)? At least SAME_LIST_SHARE of
    the shorter of the two are in both, by address or by title (a script may build links its own way)."""
    if not shown or not answered:
        return False
    urls = {e.url for e in shown}
    titles = {"".join(e.title.split()) for e in shown if e.title}
    both = sum(1 for e in answered if e.url in urls or (e.title and "".join(e.title.split()) in titles))
    return both >= max(1, SAME_LIST_SHARE * min(len(shown), len(answered)))
