"""How far a column's list is followed: the next page while the rubric windows are not covered (far enough
back for the longest window; for letters columns, until a letter older than the letters window is seen), by a
link or by a form post (ASP.NET pagers), or, for a rendered list, from the feed the browser was seen asking
(crawl.feedlists); and the letters of every page read."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response

from govaudit.asof import window
from govaudit.crawl.accounting import SiteAccounting
from govaudit.crawl.budget import CrawlBudget
from govaudit.crawl.plan import CrawlPlan
from govaudit.crawl.urls import clean
from govaudit.extract.letters import Letter
from govaudit.extract.pagination import PageRequest
from govaudit.items import LetterItem
from govaudit.runs import AuditRun

if TYPE_CHECKING:
    from govaudit.spiders.audit import SiteCrawl

LETTER_CATEGORIES = {"consultation", "survey", "interview", "petition"}


class ColumnPaging:
    """Mixin of the audit spider: the next page of a column's list, and its letters."""

    # provided by the spider
    run: AuditRun
    crawler: Any
    budget: CrawlBudget
    accounting: SiteAccounting
    plan: CrawlPlan

    _request: Callable[..., scrapy.Request]
    _rendered_feed_check: Callable[..., scrapy.Request | None]  # crawl.feedlists: a rendered list's feed

    _in_scope: Callable[[str, SiteCrawl], bool]

    def _next_page(self, response: Response, sc: SiteCrawl, col: dict[str, Any], listing: Any,
                   form: PageRequest | None, category: str) -> scrapy.Request | None:
        """The next list page while the rubric windows are not covered: far enough back for the longest
        window; for letters columns, until a letter older than the letters window is seen. `form`: the page's
        form-post pager (read by the parse job, `pagination.form_next_page`), used when it has no next link."""
        dates = [e.date for e in listing.entries if e.date is not None and not getattr(e, "pinned", False)]
        dates += col["oldest"]
        col["oldest"] = [min(dates)] if dates else []
        if category in LETTER_CATEGORIES:
            oldest = col.get("letters_oldest") or (min(dates) if dates else None)
            covered = oldest is not None and oldest <= window(self.run.asof, self.plan.letters_history_days).start
            max_pages = self.budget.max_letter_pages
        else:
            covered = bool(dates) and min(dates) <= window(self.run.asof, self.budget.history.days).start
            max_pages = self.budget.max_pages
        if covered or col["pages"] >= max_pages:
            return None
        rendered = bool(response.meta.get("playwright"))
        for nxt in listing.next_pages[:1]:
            nxt = clean(response.urljoin(nxt))
            if self._in_scope(nxt, sc) and self.accounting.claim(sc.site.site_id, nxt):
                check = self._rendered_feed_check(response, sc, col, nxt) if rendered else None
                return check or self._request(sc, nxt, "parse_column", meta={"col": col}, render=rendered)
            return None
        form = form if not listing.next_pages else None
        if form is not None and self._in_scope(form.url, sc) and self.accounting.claim(
                sc.site.site_id, f"{form.method}:{clean(form.url)}:{col['url']}:{col['pages'] + 1}"):
            return self._request(sc, form.url, "parse_column", meta={"col": col}, method=form.method,
                                 formdata=form.formdata if form.method == "POST" else None)
        return None

    def _letters(self, response: Response, sc: SiteCrawl, col: dict[str, Any], letters: list[Letter]):
        """The letters the parse job read from this page (every page of a letters column)."""
        for letter in letters:
            if letter.submitted is not None:
                old = col.get("letters_oldest")
                col["letters_oldest"] = min(old, letter.submitted) if old else letter.submitted
            yield LetterItem(run_id=self.run.run_id, site_id=sc.site.site_id, url=letter.url or response.url,
                             column_url=col["url"], title=letter.title,
                             submitted=letter.submitted, replied=letter.replied)
