"""The audit spider: the crawl plan. For every target site of the run: the home page, its columns (栏目)
and sub-columns with their dated lists (pagination followed far enough to cover the rubric windows), a
sample of articles, service guides, published letters, and link availability. It only gathers evidence;
pipelines classify, store and score it.

    scrapy crawl audit -a registry=FILE [-a site=ID[,ID]] [-a asof=YYYY-MM-DD] [-a rubric=NAME|FILE]
                       [-a sample=0.3 -a seed=S] [-a run=ID] [-a kind=audit|spotcheck] [-a render=auto|never|always]
                       [-a due=YYYY-MM-DD]   (rectification deadline of the problem sites, for the notice)
    scrapy crawl audit -a recheck=RUN [-a asof=D]  (every problem site of RUN again: the rectification report)
                       [-a reported=FILE]    (CSV/XLSX of the written 整改 reports received: site id or name, date)
    scrapy crawl audit -a join=RUN          (with GOVAUDIT_REDIS_URL: another worker of a distributed run)
    scrapy crawl audit -a help=1            (this text)

The run (id, as-of date, rubric, targets, role) is built once by govaudit.runs.build and attached to the
crawler; per-site request accounting (when a site is finished) is govaudit.crawl.accounting's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from govaudit.asof import window
from govaudit.classify import classify_column
from govaudit.crawl.accounting import SiteAccounting, get_accounting
from govaudit.crawl.admission import SiteAdmission
from govaudit.crawl.budget import CrawlBudget
from govaudit.crawl.columns import child_columns as _child_columns
from govaudit.crawl.responses import capped, charset, failure_text, fetched_at
from govaudit.crawl.urls import clean, host_of, is_attachment, same_site
from govaudit.distributed.scheduling import is_distributed, use_run_queue, use_shared_queue
from govaudit.extract.encoding import decode_html
from govaudit.extract.features import looks_blocked, page_features, page_links
from govaudit.extract.guides import find_guide_links, guide_info
from govaudit.extract.letters import extract_letters
from govaudit.extract.listpage import extract_list
from govaudit.extract.navigation import discover_columns, looks_like_article_url
from govaudit.items import ColumnItem, Entry, GuideItem, LetterItem, LinkItem, PageItem, SiteItem
from govaudit.overrides import load_override
from govaudit.registry import Site
from govaudit.runs import AuditRun, attach_run, current_run
from govaudit.runs.build import SETUP_ERRORS, crawl_run

logger = logging.getLogger(__name__)


@dataclass
class SiteCrawl:
    """A site as one request sees it: its registry entry and the host its pages live on (after the home
    page's redirect; it travels with the requests)."""

    site: Site
    host: str


class AuditSpider(scrapy.Spider):
    name = "audit"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # every -a argument is the run's to validate (unknown ones are refused); scrapyd adds _job
        self._raw_args = {k: kwargs.pop(k) for k in list(kwargs) if not k.startswith("_")}
        super().__init__(*args, **kwargs)

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        use_shared_queue(settings)

    # --- set-up: the run is built and validated before the first request ----------------------------------
    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> AuditSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if "help" in spider._raw_args:
            print(__doc__)
            raise SystemExit(0)
        try:
            # a run built by a command (a replay crawl of `scrapy rescore --reextract`) is used as it is
            run = current_run(crawler) or crawl_run(crawler.settings, spider._raw_args)
            parsers = {slug: load_override(slug) for slug in {s.overrides.get("parser") for s in run.targets} if slug}
        except SETUP_ERRORS as exc:  # a clear message, no traceback, and no request made
            logger.error("govaudit: %s", exc)
            raise SystemExit(f"govaudit: {exc}") from None
        if is_distributed(crawler.settings):
            use_run_queue(crawler.settings, run.run_id)
        attach_run(crawler, run)
        spider.run = run
        spider.parsers = parsers
        spider.budget = CrawlBudget.from_settings(crawler.settings)
        spider.render_mode = run.params.get("render", "auto")
        spider.accounting = get_accounting(crawler)
        logger.info("govaudit run %s: %d site(s), as-of %s, rubric %s (%s)", run.run_id, len(run.targets),
                    run.asof, run.rubric.name, {"seed": "new", "resume": "resumed", "join": "joined"}[run.role])
        return spider

    run: AuditRun
    accounting: SiteAccounting
    budget: CrawlBudget
    parsers: dict[str, Any]
    render_mode: str

    # --- start ---------------------------------------------------------------------------------------
    async def start(self):
        if self.run.role == "join":  # the seeding worker made the start requests; this one takes from the queue
            return
        self.accounting.ledger.mark_open()  # the run and its sites are in SQL: other workers may join
        admission = SiteAdmission(self.settings.getint("GOVAUDIT_MAX_SITES_IN_FLIGHT"),
                                  self.settings.getint("CONCURRENT_REQUESTS"), self.accounting.in_flight,
                                  self._load)
        for site in self.run.targets:
            if site.site_id in self.accounting.skipped_done:
                continue
            await admission.wait()
            sc = SiteCrawl(site=site, host=host_of(site.url))
            self.accounting.started.add(site.site_id)
            self.accounting.claim(site.site_id, clean(site.url))
            yield self._request(sc, site.url, "parse_home", priority=10)

    def _load(self) -> tuple[int, int]:
        """(requests the downloader holds, requests waiting in the scheduler)."""
        try:
            engine = self.crawler.engine
        except (AttributeError, RuntimeError):  # not crawling (the in-process tests drive the callbacks by hand)
            return 0, 0
        slot = getattr(engine, "_slot", None)
        queued = len(slot.scheduler) if slot is not None and hasattr(slot.scheduler, "__len__") else 0
        return len(engine.downloader.active), queued

    # --- request bookkeeping ---------------------------------------------------------------------------
    def _request(self, sc: SiteCrawl, url: str, fn: str, *, meta: dict[str, Any] | None = None,
                 method: str = "GET", priority: int = 0, render: bool = False) -> scrapy.Request:
        self.accounting.request_made(sc.site.site_id)
        meta = {**(meta or {}), "site_id": sc.site.site_id, "host": sc.host, "fn": fn}
        if render:
            from scrapy_playwright.page import PageMethod

            meta["playwright"] = True
            meta["playwright_page_methods"] = [PageMethod("wait_for_load_state", "networkidle")]
        return scrapy.Request(url, callback=self._on_response, errback=self._on_error, meta=meta,
                              method=method, priority=priority, dont_filter=True)

    def _site_crawl(self, meta: dict[str, Any]) -> SiteCrawl:
        site = self.run.site(meta["site_id"])
        assert site is not None, meta["site_id"]
        return SiteCrawl(site=site, host=meta.get("host") or host_of(site.url))

    def _on_response(self, response: Response) -> Any:
        response = capped(response, self.budget.max_parse_bytes)
        sc = self._site_crawl(response.meta)
        return self.accounting.settle(response, sc.site.site_id, self._handle_response(response, sc))

    def _handle_response(self, response: Response, sc: SiteCrawl) -> Any:
        try:
            yield from getattr(self, response.meta["fn"])(response, sc)
        except Exception as exc:  # a hostile page must not take the site's other evidence with it
            logger.exception("error handling %s (%s)", response.url, response.meta["fn"])
            self.crawler.stats.inc_value("govaudit/handler_errors")
            if response.meta["fn"] == "parse_column":
                yield self._column_item(sc, response.meta, response.status, f"页面无法解析: {type(exc).__name__}")

    def _on_error(self, failure: Failure) -> Any:
        request = failure.request  # type: ignore[attr-defined]
        sc = self._site_crawl(request.meta)
        return self.accounting.settle(failure, sc.site.site_id, self._handle_error(failure, request, sc))

    def _handle_error(self, failure: Failure, request: scrapy.Request, sc: SiteCrawl) -> Any:
        handler = getattr(self, request.meta["fn"] + "_error", None)
        try:
            if handler is not None:
                yield from handler(request, sc, failure_text(failure))
        except Exception:
            logger.exception("error in errback for %s", request.url)

    # --- home page ---------------------------------------------------------------------------------------
    def _site_item(self, sc: SiteCrawl, **kw: Any) -> SiteItem:
        s = sc.site
        return SiteItem(run_id=self.run.run_id, site_id=s.site_id, name=s.name, url=s.url, organizer=s.organizer,
                        region=s.region, level=s.level, kind=s.kind, has_services=s.has_services, **kw)

    def parse_home(self, response: Response, sc: SiteCrawl):
        text, _enc = decode_html(response.body, charset(response))
        challenge = looks_blocked(response.status, text)
        if response.status >= 400 or challenge:
            blocked = challenge or response.status in (403, 429)
            state = "blocked" if blocked else "error"
            why = ("站点拒绝访问或要求人机验证（HTTP %d），无法检查" if blocked else "首页返回 HTTP %d") % response.status
            yield self._site_item(sc, crawl_state=state, home_status=response.status, final_url=response.url,
                                  error=why)
            return
        sc.host = host_of(response.url) or sc.host  # follow the redirect's host (www. added etc.)
        run_id, site_id = self.run.run_id, sc.site.site_id
        yield self._site_item(sc, crawl_state="ok", home_status=response.status, final_url=response.url)
        yield PageItem(run_id=run_id, site_id=site_id, url=response.url, kind="home",
                       status=response.status, features=page_features(text, response.url, sc.site.name))
        listing = extract_list(response.body, response.url, charset(response), self.run.asof,
                               fetched=fetched_at(response, self.run.timezone))
        yield ColumnItem(
            run_id=run_id, site_id=site_id, url=response.url, name="首页", source="home",
            on_home=True, depth=0, http_status=response.status, pages_fetched=1,
            entries=[_entry(e) for e in listing.entries],  # future-dated and undated ones too: all evidence
            error="; ".join(listing.errors),
        )
        # columns: the registry's declared ones first, then the navigation's
        declared_cols = [c for c in sc.site.overrides.get("columns", []) if isinstance(c, dict) and c.get("url")]
        declared = [(c.get("name", ""), c["url"]) for c in declared_cols]
        render_cols = {clean(response.urljoin(c["url"])) for c in declared_cols if c.get("render_js")}
        articles = {clean(e.url) for e in listing.entries}  # a dated entry of a home block is not a column
        found = [(c.name, c.url) for c in discover_columns(text, response.url,
                                                           max_columns=self.budget.max_columns * 2,
                                                           site_url=sc.site.url)
                 if clean(response.urljoin(c.url)) not in articles]
        for i, (name, url) in enumerate(declared + found):
            source = "registry" if i < len(declared) else "nav"
            req = self._column_request(sc, name, response.urljoin(url), depth=1, parent="", source=source,
                                       render=clean(response.urljoin(url)) in render_cols)
            if req is not None:
                yield req
        # link availability: every link, image and attachment on the home page
        for _kind, url in page_links(text, response.url):
            req = self._link_request(sc, response.url, url, on_home=True)
            if req is not None:
                yield req

    def parse_home_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):
        yield self._site_item(sc, crawl_state="unreachable", error=f"首页无法访问：{reason}", final_url=request.url)

    # --- columns -------------------------------------------------------------------------------------------
    def _column_request(self, sc: SiteCrawl, name: str, url: str, *, depth: int, parent: str,
                        source: str, render: bool = False) -> scrapy.Request | None:
        url = clean(url)
        site_id = sc.site.site_id
        if not same_site(url, sc.host) or not self.accounting.claim(site_id, url):
            return None
        if not self.accounting.take_budget(site_id, "columns", self.budget.max_columns):
            self.accounting.release(site_id, url)
            return None
        render = render or self.render_mode == "always" or bool(sc.site.overrides.get("render_js"))
        meta = {"col": {"name": name.strip()[:120] or url, "url": url, "depth": depth, "parent": parent,
                        "source": source, "entries": [], "oldest": [], "pages": 0, "rendered": render,
                        "blank": False, "blank_note": False, "status": None, "errors": []}}
        return self._request(sc, url, "parse_column", meta=meta, render=render)

    def _column_item(self, sc: SiteCrawl, meta: dict[str, Any], status: int | None, error: str = "") -> ColumnItem:
        col = meta["col"]
        return ColumnItem(
            run_id=self.run.run_id, site_id=sc.site.site_id, url=col["url"], name=col["name"],
            parent_url=col["parent"], depth=col["depth"], source=col["source"], http_status=status,
            error=error or "; ".join(col["errors"]), blank=col["blank"] and not error,
            blank_note=col["blank_note"], pages_fetched=col["pages"], rendered=col["rendered"],
            entries=col["entries"],
        )

    def parse_column(self, response: Response, sc: SiteCrawl):
        meta = response.meta
        col = meta["col"]
        first = col["pages"] == 0
        if response.status >= 400:
            if first:
                yield self._column_item(sc, meta, response.status, f"栏目页面返回 HTTP {response.status}")
            else:
                col["errors"].append(f"翻页 {response.url} 返回 HTTP {response.status}")
                yield self._column_item(sc, meta, col["status"])
            return
        cs = charset(response)
        listing = self._extract(response, sc, cs)
        rendered_now = bool(meta.get("playwright"))
        if (first and not rendered_now and not listing.entries and self.render_mode != "never"
                and ((listing.needs_render and listing.blank) or sc.site.overrides.get("render_js"))):
            # the list is built by scripts: pay for a browser on this page only
            self.crawler.stats.inc_value("govaudit/pages_rendered")
            col["rendered"] = True
            yield self._request(sc, response.url, "parse_column", meta={"col": col}, render=True)
            return
        col["pages"] += 1
        if first:
            col["status"] = response.status
            text, _ = decode_html(response.body, cs)
            col["blank"] = listing.blank and not listing.blank_note and not listing.subcolumns
            col["blank_note"] = listing.blank_note
            yield PageItem(run_id=self.run.run_id, site_id=sc.site.site_id, url=response.url, kind="column",
                           status=response.status, features=page_features(text, response.url, sc.site.name))
            yield from self._follow_ups(response, sc, col, text)
            if col["depth"] < self.budget.max_depth:
                for name, url in _child_columns(listing, text, response.url):
                    req = self._column_request(sc, name, url, depth=col["depth"] + 1, parent=col["url"],
                                               source="subcolumn")
                    if req is not None:
                        yield req
        elif listing.entries:
            col["blank"] = False
        if listing.errors:
            col["errors"].extend(listing.errors)
        if response.meta.get("truncated"):
            col["errors"].append(f"页面过大（{response.meta['truncated']} 字节），仅解析前 {len(response.body)} 字节")
        known = {e.url for e in col["entries"]}
        col["entries"].extend(_entry(e) for e in listing.entries if e.url not in known)
        if col["entries"]:
            col["blank"] = False
        # pagination: far enough to cover the longest rubric window
        dates = [e.date for e in listing.entries if e.date is not None and not getattr(e, "pinned", False)]
        dates += col["oldest"]
        col["oldest"] = [min(dates)] if dates else []
        covered = bool(dates) and min(dates) <= window(self.run.asof, self.budget.history.days).start
        for nxt in listing.next_pages[:1]:
            nxt = clean(response.urljoin(nxt))
            if (col["pages"] < self.budget.max_pages and not covered and same_site(nxt, sc.host)
                    and self.accounting.claim(sc.site.site_id, nxt)):
                yield self._request(sc, nxt, "parse_column", meta={"col": col}, render=rendered_now)
                return
        yield self._column_item(sc, meta, col["status"])

    def _extract(self, response: Response, sc: SiteCrawl, cs: str | None) -> Any:
        slug = sc.site.overrides.get("parser")
        if slug:
            return self.parsers[slug].extract_list(response.body, response.url, cs, self.run.asof)
        return extract_list(response.body, response.url, cs, self.run.asof,
                            selectors=sc.site.overrides.get("selectors"),
                            fetched=fetched_at(response, self.run.timezone))

    def parse_column_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):
        col = request.meta["col"]
        if col["pages"] == 0:
            yield self._column_item(sc, request.meta, None, f"栏目页面无法访问：{reason}")
        else:
            col["errors"].append(f"翻页 {request.url} 无法访问：{reason}")
            yield self._column_item(sc, request.meta, col["status"])

    def _follow_ups(self, response: Response, sc: SiteCrawl, col: dict[str, Any], text: str):
        """Per column kind: guides, letters, an article sample, a link sample."""
        category = classify_column(col["name"])
        site_id = sc.site.site_id
        if category in {"guide", "service"}:
            for url in find_guide_links(text, response.url):
                url = clean(response.urljoin(url))
                if not self.accounting.claim(site_id, url):
                    continue
                if not self.accounting.take_budget(site_id, "guides", self.budget.max_guides):
                    self.accounting.release(site_id, url)
                    continue
                yield self._request(sc, url, "parse_guide")
        if category in {"consultation", "survey", "interview"}:
            for letter in extract_letters(text, response.url, self.run.asof):
                yield LetterItem(run_id=self.run.run_id, site_id=site_id, url=letter.url or response.url,
                                 column_url=col["url"], title=letter.title,
                                 submitted=letter.submitted, replied=letter.replied)
        for _kind, url in page_links(text, response.url)[: self.budget.link_sample]:
            req = self._link_request(sc, response.url, url, on_home=False)
            if req is not None:
                yield req

    def parse_guide(self, response: Response, sc: SiteCrawl):
        if response.status >= 400:
            return
        text, _ = decode_html(response.body, charset(response))
        info = guide_info(text, response.url)
        if not info.is_guide:
            return
        attachments = [clean(response.urljoin(u)) for u in info.attachments]
        yield GuideItem(run_id=self.run.run_id, site_id=sc.site.site_id, url=response.url, title=info.title,
                        elements=list(info.elements),
                        attachments=[{"url": u} for u in attachments]
                        + ([{"mentions_forms": True}] if info.mentions_forms else []))
        for url in attachments:
            req = self._link_request(sc, response.url, url, on_home=False, force=True)
            if req is not None:
                yield req

    # --- articles and link availability -----------------------------------------------------------------
    def parse_article(self, response: Response, sc: SiteCrawl):
        text, _ = decode_html(response.body, charset(response))
        yield PageItem(run_id=self.run.run_id, site_id=sc.site.site_id, url=response.url, kind="article",
                       status=response.status, features=page_features(text, response.url, sc.site.name))

    def _link_request(self, sc: SiteCrawl, page_url: str, url: str, *, on_home: bool,
                      force: bool = False) -> scrapy.Request | None:
        url = clean(url)
        key = f"link:{url}"
        site_id = sc.site.site_id
        if not url.startswith(("http://", "https://")) or not self.accounting.claim(site_id, key):
            return None
        if not self.accounting.take_budget(site_id, "links", None if force else self.budget.max_links):
            self.accounting.release(site_id, key)
            return None
        meta = {"page_url": page_url, "on_home": on_home}
        if (same_site(url, sc.host) and looks_like_article_url(url) and not is_attachment(url)
                and self.accounting.take_budget(site_id, "articles", self.budget.max_articles)):
            # fetch an article in full: it is both a link check and a meta-tag sample
            return self._request(sc, url, "check_link", meta={**meta, "article": True})
        return self._request(sc, url, "check_link", method="HEAD", meta={**meta, "handle_httpstatus_all": True})

    def check_link(self, response: Response, sc: SiteCrawl):
        meta = response.meta
        request = response.request
        assert request is not None
        if request.method == "HEAD" and response.status in (400, 403, 405, 501):
            # many servers refuse HEAD; a GET decides
            yield self._request(sc, response.url, "check_link",
                                meta={"page_url": meta["page_url"], "on_home": meta["on_home"]})
            return
        yield LinkItem(run_id=self.run.run_id, site_id=sc.site.site_id, page_url=meta["page_url"],
                       link_url=request.url, on_home=meta["on_home"], status=response.status,
                       ok=response.status < 400)
        if meta.get("article") and response.status < 400:
            yield from self.parse_article(response, sc)

    def check_link_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):
        yield LinkItem(run_id=self.run.run_id, site_id=sc.site.site_id, page_url=request.meta["page_url"],
                       link_url=request.url, on_home=request.meta["on_home"], status=None, ok=False, error=reason)


def _entry(e: Any) -> Entry:
    """The evidence record of an extracted list entry (its date a real date, or None with the printed text)."""
    return Entry(url=e.url, title=e.title, date=e.date, date_text=getattr(e, "date_text", "") or "")
