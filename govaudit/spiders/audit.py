"""The audit spider: the crawl plan. For every target site of the run: the home page, its columns (栏目)
and sub-columns with their dated lists (pagination followed far enough to cover the rubric windows), a
sample of articles, service guides, published letters, and link availability. It only gathers evidence;
pipelines classify, store and score it.

    scrapy crawl audit -a registry=FILE [-a site=ID[,ID]] [-a asof=YYYY-MM-DD] [-a rubric=NAME|FILE]
                       [-a sample=0.3 -a seed=S] [-a run=ID] [-a kind=audit|spotcheck] [-a render=auto|never|always]
                       [-a due=YYYY-MM-DD]   (rectification deadline of the problem sites, for the notice)
    scrapy crawl audit -a recheck=RUN [-a asof=D]  (every problem site of RUN again: the rectification report)
                       [-a reported=FILE]    (CSV/XLSX of the written 整改 reports received: site id or name, date)
    scrapy crawl audit -a join=RUN          (another worker of a run: with GOVAUDIT_REDIS_URL sharing its requests,
                                             with GOVAUDIT_SHARE_SITES=1 its sites through SQL)
    scrapy crawl audit -a help=1            (this text)

The run (id, as-of date, rubric, targets, role) is built once by govaudit.runs.build and attached to the
crawler; per-site request accounting (when a site is finished) is govaudit.crawl.accounting's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from govaudit.classify import classify_column
from govaudit.crawl.accounting import SiteAccounting, get_accounting
from govaudit.crawl.admission import SiteAdmission
from govaudit.crawl.budget import CrawlBudget
from govaudit.crawl.feedlists import META_CHECK, ScriptFedLists
from govaudit.crawl.hops import http_hops
from govaudit.crawl.identity import IdentityScope
from govaudit.crawl.links import LinkChecks
from govaudit.crawl.paging import LETTER_CATEGORIES, ColumnPaging
from govaudit.crawl.parsepool import ParsePool, pool_for
from govaudit.crawl.parsing import ARTICLE, COLUMN, GUIDE, HOME, PageCaps, Parsed, ParseJob
from govaudit.crawl.plan import CrawlPlan, load_plan
from govaudit.crawl.refusals import rate_limited_page, refused_page
from govaudit.crawl.responses import capped, charset, failure_text, fetched_at
from govaudit.crawl.tls import tls_problem
from govaudit.crawl.urls import clean, host_of
from govaudit.distributed.scheduling import is_distributed, use_run_queue, use_shared_queue
from govaudit.distributed.siteshare import POLL_S as SHARE_POLL_S
from govaudit.distributed.siteshare import SharedSites, shared_sites
from govaudit.items import ColumnItem, Entry, GuideItem, PageItem, SiteItem
from govaudit.overrides import load_override
from govaudit.registry import Site
from govaudit.runs import AuditRun, attach_run, current_run
from govaudit.runs.build import SETUP_ERRORS, crawl_run

logger = logging.getLogger(__name__)

MAX_HOME_HOPS = 3  # meta-refresh / script hops followed from a registry URL


@dataclass
class SiteCrawl:
    """A site as one request sees it: its registry entry and the host its pages live on (after the home
    page's redirect; it travels with the requests)."""

    site: Site
    host: str


class AuditSpider(ColumnPaging, ScriptFedLists, LinkChecks, IdentityScope, scrapy.Spider):
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
        spider.plan = load_plan()
        spider.site_rows = {}
        spider.render_mode = run.params.get("render", "auto")
        spider.accounting = get_accounting(crawler)
        spider.parsing = pool_for(crawler)
        spider.caps = PageCaps.from_settings(crawler.settings)
        spider.shared = shared_sites(crawler)
        logger.info("govaudit run %s: %d site(s), as-of %s, rubric %s (%s)", run.run_id, len(run.targets),
                    run.asof, run.rubric.name, {"seed": "new", "resume": "resumed", "join": "joined"}[run.role])
        return spider

    run: AuditRun
    accounting: SiteAccounting
    budget: CrawlBudget
    plan: CrawlPlan
    site_rows: dict[str, dict[str, Any]]  # the site record's fields as emitted (re-emitted when a host is admitted)
    parsers: dict[str, Any]
    render_mode: str
    parsing: ParsePool
    caps: PageCaps
    shared: SharedSites | None  # the run's sites shared with other workers, claimed one at a time

    # --- start ---------------------------------------------------------------------------------------
    async def start(self):
        if self.shared is None and self.run.role == "join":  # the seeding worker made the start requests
            return  # and this one takes from the shared queue
        self.accounting.ledger.mark_open()  # the run and its sites are in SQL: other workers may join
        admission = SiteAdmission(self.settings.getint("GOVAUDIT_MAX_SITES_IN_FLIGHT"),
                                  self.settings.getint("CONCURRENT_REQUESTS"), self.accounting.in_flight,
                                  self._load)
        sites = self._claimed_sites(self.shared, admission) if self.shared is not None else self._own_sites(admission)
        async for site in sites:
            sc = SiteCrawl(site=site, host=host_of(site.url))
            self.accounting.started.add(site.site_id)
            self.accounting.claim(site.site_id, clean(site.url))
            yield self._request(sc, site.url, "parse_home", priority=10)

    async def _own_sites(self, admission: SiteAdmission) -> AsyncIterator[Site]:
        for site in self.run.targets:
            if site.site_id in self.accounting.skipped_done:
                continue
            await admission.wait()
            yield site

    async def _claimed_sites(self, shared: SharedSites, admission: SiteAdmission) -> AsyncIterator[Site]:
        """Sites shared with other workers: each one claimed in SQL when this worker has room for it; then, with
        nothing left to claim, wait (a dead worker's sites come free) until the run is done."""
        while True:
            await admission.wait()
            site_id = shared.claim()
            site = self.run.site(site_id) if site_id is not None else None
            if site is not None:
                yield site
            elif shared.finished():
                return
            else:
                await asyncio.sleep(SHARE_POLL_S)

    def _load(self) -> tuple[int, int]:
        """(requests the downloader is busy with, requests waiting for the crawl itself). Without a politeness
        delay: the downloader's requests and the scheduler's queue. With one (DOWNLOAD_DELAY, AutoThrottle),
        requests mostly wait on their own site's delay, which leaves the crawl idle and should let more sites
        run beside them: only transfers in progress, and downloaded responses not yet handled, count."""
        try:
            engine = self.crawler.engine
        except (AttributeError, RuntimeError):  # not crawling (the in-process tests drive the callbacks by hand)
            return 0, 0
        downloader, slot = engine.downloader, getattr(engine, "_slot", None)
        if not self._polite_delay:
            queued = len(slot.scheduler) if slot is not None and hasattr(slot.scheduler, "__len__") else 0
            return len(downloader.active), queued
        transferring = sum(len(site_slot.transferring) for site_slot in getattr(downloader, "slots", {}).values())
        scraping = getattr(engine.scraper, "slot", None)
        return transferring, len(scraping.queue) + len(scraping.active) if scraping is not None else 0

    @property
    def _polite_delay(self) -> bool:
        return self.settings.getfloat("DOWNLOAD_DELAY") > 0 or self.settings.getbool("AUTOTHROTTLE_ENABLED")

    # --- request bookkeeping ---------------------------------------------------------------------------
    def _request(self, sc: SiteCrawl, url: str, fn: str, *, meta: dict[str, Any] | None = None,
                 method: str = "GET", priority: int = 0, render: bool = False,
                 formdata: tuple[tuple[str, str], ...] | None = None,
                 headers: dict[str, str] | None = None) -> scrapy.Request:
        self.accounting.request_made(sc.site.site_id)
        meta = {"scope": "site", **self._scope_meta(sc.site.site_id, url), **(meta or {}),
                "site_id": sc.site.site_id, "host": sc.host, "fn": fn}
        if render:
            from scrapy_playwright.page import PageMethod

            meta["playwright"] = True
            meta["playwright_page_methods"] = [PageMethod("wait_for_load_state", "networkidle")]
            self.crawler.stats.inc_value("govaudit/pages_rendered")
        if formdata is not None:  # a pager that posts its form back
            return scrapy.FormRequest(url, formdata=list(formdata), callback=self._on_response,
                                      errback=self._on_error, meta=meta, priority=priority, dont_filter=True,
                                      headers=headers)
        return scrapy.Request(url, callback=self._on_response, errback=self._on_error, meta=meta,
                              method=method, priority=priority, dont_filter=True, headers=headers)

    def _site_crawl(self, meta: dict[str, Any]) -> SiteCrawl:
        site = self.run.site(meta["site_id"])
        assert site is not None, meta["site_id"]
        return SiteCrawl(site=site, host=meta.get("host") or host_of(site.url))

    def _on_response(self, received: Response) -> Any:
        # Settled under the response Scrapy handed over (its item signals name that one), read as cut.
        response = capped(received, self.budget.max_parse_bytes)
        sc = self._site_crawl(response.meta)
        job = self._parse_job(response, sc)
        if job is None or self.parsing.inline:
            parsed = self.parsing.parse_inline(job) if job is not None else None
            return self.accounting.settle(received, sc.site.site_id, self._outputs(response, sc, parsed))
        return self._parsed_then_handled(received, response, sc, job)

    def _outputs(self, response: Response, sc: SiteCrawl, parsed: Parsed | None) -> Any:
        """The callback's items and requests, with the site's rate limiting recorded first."""
        outputs = self._handle_response(response, sc, parsed)
        limited = rate_limited_page(self.run.run_id, sc.site.site_id, response)
        if limited is not None:  # the site limited our rate: evidence on the site, not only a log line
            outputs = _chain([limited], outputs)
        return outputs

    async def _parsed_then_handled(self, received: Response, response: Response, sc: SiteCrawl,
                                   job: ParseJob) -> Any:
        """The page parsed in a worker process (the reactor serves other sites meanwhile), then handled."""
        parsed = await self.parsing.parse(job)
        async for out in self.accounting.settle(received, sc.site.site_id, self._outputs(response, sc, parsed)):
            yield out

    def _parse_job(self, response: Response, sc: SiteCrawl) -> ParseJob | None:
        """What the callback of `response` reads from its page; None when it reads nothing."""
        meta, fn = response.meta, response.meta["fn"]
        common: dict[str, Any] = {"body": response.body, "url": response.url, "charset": charset(response),
                  "status": response.status, "asof": self.run.asof, "site_name": sc.site.name, "caps": self.caps}
        if fn == "parse_home":
            return ParseJob(HOME, **common, fetched=fetched_at(response, self.run.timezone), site_url=sc.site.url,
                            max_columns=self.budget.max_columns + self.budget.max_key_columns)
        if response.status >= 400:
            return None
        if fn == "parse_column":
            col = meta["col"]
            category = classify_column(col["name"])
            probe = bool(meta.get("probe")) and col["pages"] == 0 and not self._in_scope(response.url, sc)
            feed = col.get("feed") if not meta.get("playwright") else None
            return ParseJob(COLUMN, **common, fetched=fetched_at(response, self.run.timezone), feed=feed,
                            selectors=sc.site.overrides.get("selectors"), parser=sc.site.overrides.get("parser"),
                            follow=col["pages"] == 0, category=category, letters=category in LETTER_CATEGORIES,
                            sub_columns=col["depth"] < self.budget.max_depth, probe=probe,
                            site_code=sc.site.site_id if probe else "", organizer=sc.site.organizer if probe else "")
        if fn == "parse_guide":
            return ParseJob(GUIDE, **common)
        if fn == "check_link" and meta.get("article") and response.request is not None \
                and response.request.method != "HEAD":
            return ParseJob(ARTICLE, **common)
        return None

    def _handle_response(self, response: Response, sc: SiteCrawl, parsed: Parsed | None) -> Any:
        try:
            if parsed is not None and parsed.error:
                yield from self._unparsed(response, sc, parsed.error)
            else:
                yield from getattr(self, response.meta["fn"])(response, sc, parsed)
        except Exception as exc:  # a hostile page must not take the site's other evidence with it
            logger.exception("error handling %s (%s)", response.url, response.meta["fn"])
            self.crawler.stats.inc_value("govaudit/handler_errors")
            if response.meta["fn"] == "parse_column":
                yield self._column_item(sc, response.meta, response.status, f"页面无法解析: {type(exc).__name__}")

    def _on_error(self, failure: Failure) -> Any:
        request = failure.request  # type: ignore[attr-defined]
        sc = self._site_crawl(request.meta)
        outputs = self._handle_error(failure, request, sc)
        refused = refused_page(self.run.run_id, sc.site.site_id, request)
        if refused is not None:  # refused by the scope guard: evidence on the site, not only a log line
            outputs = _chain([refused], outputs)
        return self.accounting.settle(failure, sc.site.site_id, outputs)

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

    def _unparsed(self, response: Response, sc: SiteCrawl, reason: str) -> Any:
        """A page that could not be parsed (time limit, parser crash): recorded on its column, crawl goes on."""
        self.crawler.stats.inc_value("govaudit/pages_unparsed")
        logger.warning("page not parsed: %s (%s)", response.url, reason)
        fn = response.meta["fn"]
        if fn == "parse_home":
            tls = response.meta.get("tls") or tls_problem(response)
            yield self._site_item(sc, crawl_state="ok", home_status=response.status, final_url=response.url,
                                  tls_problem=tls)
            yield ColumnItem(run_id=self.run.run_id, site_id=sc.site.site_id, url=response.url, name="首页",
                             source="home", on_home=True, depth=0, http_status=response.status, pages_fetched=1,
                             entries=[], error=reason)
        elif fn == "parse_column" and response.meta.get(META_CHECK):
            yield from self._feed_rejected(sc, response.meta)
        elif fn == "parse_column":
            col = response.meta["col"]
            if response.meta.get("probe") and col["pages"] == 0 and not self._in_scope(response.url, sc):
                # another host whose page could not be read cannot show whose it is: not the site's
                self._probe_settled(sc.site.site_id, col["url"], False)
                return
            if col["pages"] == 0:
                yield self._column_item(sc, response.meta, response.status, reason)
            else:
                col["errors"].append(f"翻页 {response.url}：{reason}")
                yield self._column_item(sc, response.meta, col["status"])
        elif fn == "check_link":  # the link answered; only its article sample is lost
            yield from self.check_link(response, sc, None)

    def parse_home(self, response: Response, sc: SiteCrawl, parsed: Parsed):
        meta = response.meta
        tls = meta.get("tls") or tls_problem(response)  # a rendered page carries the raw fetch's finding
        challenge = parsed.challenge
        if response.status >= 400 or challenge:
            blocked = challenge or response.status in (403, 429)
            state = "blocked" if blocked else "error"
            why = ("站点拒绝访问或要求人机验证（HTTP %d），无法检查" if blocked else "首页返回 HTTP %d") % response.status
            yield self._site_item(sc, crawl_state=state, home_status=response.status, final_url=response.url,
                                  error=why, tls_problem=tls)
            return
        hops = list(meta.get("hops", [])) + http_hops(response)
        hop = parsed.hop
        if (hop is not None and len(hops) < MAX_HOME_HOPS and not meta.get("playwright")
                and self._in_scope(hop.url, sc)
                and self.accounting.claim(sc.site.site_id, clean(hop.url))):
            # the home page moves (meta refresh, script redirect): the visitor lands on the target
            hops.append({"from": response.url, "to": hop.url, "how": hop.how})
            yield self._request(sc, hop.url, "parse_home", meta={"hops": hops, "tls": tls}, priority=10)
            return
        sc.host = host_of(response.url) or sc.host  # follow the redirect's host (www. added etc.)
        declared_cols = [c for c in sc.site.overrides.get("columns", []) if isinstance(c, dict) and c.get("url")]
        listing = parsed.listing
        assert listing is not None
        articles = {clean(e.url) for e in listing.entries}  # a dated entry of a home block is not a column
        found = [(name, url) for name, url in parsed.columns if clean(response.urljoin(url)) not in articles]
        if (not declared_cols and not meta.get("playwright") and not meta.get("raw_only")
                and self.render_mode != "never" and self.plan.nav_too_thin(sc.site.kind, len(found))
                and parsed.runs_scripts):
            # too few columns for a site of its kind, and scripts that could write them: read the DOM
            yield self._request(sc, response.url, "parse_home", meta={"hops": hops, "tls": tls}, priority=10,
                                render=True)
            return
        # navigation links to other hosts: admitted when their page carries the site's identity
        found += parsed.offsite_columns
        run_id, site_id = self.run.run_id, sc.site.site_id
        requests: list[scrapy.Request] = []
        left_out: list[dict[str, str]] = []
        declared = [(c.get("name", ""), c["url"]) for c in declared_cols]
        render_cols = {clean(response.urljoin(c["url"])) for c in declared_cols if c.get("render_js")}
        for i, (name, url) in enumerate(declared + self.plan.order(found)):
            source = "registry" if i < len(declared) else "nav"
            req = self._column_request(sc, name, response.urljoin(url), depth=1, parent="", source=source,
                                       render=clean(response.urljoin(url)) in render_cols, left_out=left_out)
            if req is not None:
                requests.append(req)
        reach: dict[str, Any] = {}
        if hops:
            reach["hops"] = hops
        if hop is not None and not self._in_scope(hop.url, sc):  # a move out of the site's scope: not followed
            reach["hop_out_of_scope"] = {"from": response.url, "to": hop.url, "how": hop.how}
        if meta.get("playwright"):
            reach["rendered_nav"] = True
        if left_out:
            reach["columns_left_out"] = left_out
        self.site_rows[site_id] = {"crawl_state": "ok", "home_status": response.status, "final_url": response.url,
                                   "tls_problem": tls, "reach": reach}
        yield self._site_item(sc, **self.site_rows[site_id])
        yield PageItem(run_id=run_id, site_id=site_id, url=response.url, kind="home",
                       status=response.status, features=parsed.features or {})
        yield ColumnItem(
            run_id=run_id, site_id=site_id, url=response.url, name="首页", source="home",
            on_home=True, depth=0, http_status=response.status, pages_fetched=1,
            entries=[_entry(e) for e in listing.entries],  # future-dated and undated ones too: all evidence
            error="; ".join(listing.errors + parsed.notes),
        )
        yield from requests
        # link availability: every link, image and attachment on the home page
        for _kind, url in parsed.links:
            req = self._link_request(sc, response.url, url, on_home=True)
            if req is not None:
                yield req

    def parse_home_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):
        if request.meta.get("playwright"):  # the browser failed where the raw fetch worked: read the raw page
            yield self._request(sc, request.url, "parse_home", priority=10,
                                meta={"hops": request.meta.get("hops", []), "tls": request.meta.get("tls", ""),
                                      "raw_only": True})
            return
        yield self._site_item(sc, crawl_state="unreachable", error=f"首页无法访问：{reason}", final_url=request.url)

    # --- columns -------------------------------------------------------------------------------------------
    def _column_request(self, sc: SiteCrawl, name: str, url: str, *, depth: int, parent: str,
                        source: str, render: bool = False, branch: bool = False,
                        left_out: list[dict[str, str]] | None = None) -> scrapy.Request | None:
        url = clean(url)
        site_id = sc.site.site_id
        probe = False
        if not self._in_scope(url, sc):
            # another host (信息公开 platform, 集约化 platform, an IP): fetched once to see whose it is
            if source != "nav":
                return None
            if not self._first_try(site_id, url):  # its host is being probed: the column waits for the answer
                self._wait_for_probe(site_id, url, {"name": name, "url": url, "depth": depth, "parent": parent,
                                                    "source": source, "render": render, "branch": branch})
                return None
            probe = True
        if not self.accounting.claim(site_id, url):
            return None
        # the rubric's branches (key columns, 政务公开, 办事服务, 互动交流 and below) are never cut by the cap
        # of the other columns; what a cap leaves out is recorded
        branch = branch or source == "registry" or self.plan.is_priority(name)
        budget, cap = ("key_columns", self.budget.max_key_columns) if branch else ("columns", self.budget.max_columns)
        if not self.accounting.take_budget(site_id, budget, cap):
            self.accounting.release(site_id, url)
            self.crawler.stats.inc_value("govaudit/columns_left_out")
            if left_out is not None:
                left_out.append({"name": name.strip()[:120], "url": url})
            return None
        render = render or self.render_mode == "always" or bool(sc.site.overrides.get("render_js"))
        meta = {"col": {"name": name.strip()[:120] or url, "url": url, "depth": depth, "parent": parent,
                        "source": source, "entries": [], "oldest": [], "pages": 0, "rendered": render,
                        "blank": False, "blank_note": False, "status": None, "errors": [], "branch": branch,
                        "frame": "", "letters_oldest": None}, "probe": probe}
        if probe:  # the guard lets this one page of another public host through
            meta["scope"] = "probe"
        return self._request(sc, url, "parse_column", meta=meta, render=render, priority=1 if branch else 0)

    def _column_item(self, sc: SiteCrawl, meta: dict[str, Any], status: int | None, error: str = "") -> ColumnItem:
        col = meta["col"]
        return ColumnItem(
            run_id=self.run.run_id, site_id=sc.site.site_id, url=col["url"], name=col["name"],
            parent_url=col["parent"], depth=col["depth"], source=col["source"], http_status=status,
            error=error or "; ".join(col["errors"]), blank=col["blank"] and not error,
            blank_note=col["blank_note"], pages_fetched=col["pages"], rendered=col["rendered"],
            feed_url=col.get("feed_url", ""),
            entries=col["entries"],
        )

    def parse_column(self, response: Response, sc: SiteCrawl, parsed: Parsed | None):
        meta = response.meta
        col = meta["col"]
        if meta.get(META_CHECK):  # a feed seen while rendering this list, asked for its page 1
            yield from self._feed_checked(response, sc, parsed)
            return
        first = col["pages"] == 0
        if meta.get("probe") and first and not self._in_scope(response.url, sc):
            admitted = self._admit(response, sc, parsed.identity if parsed is not None else None)
            for column in self._probe_settled(sc.site.site_id, col["url"], admitted is not False):
                req = self._column_request(sc, **column)
                if req is not None:
                    yield req
            if admitted is False:
                return
            if admitted is not None:
                yield admitted
        if response.status >= 400:
            if first and col.get("feed") is not None:
                yield from self._feed_failed(sc, meta, f"列表数据接口 {response.url} 返回 HTTP {response.status}")
            elif first:
                yield self._column_item(sc, meta, response.status, f"栏目页面返回 HTTP {response.status}")
            else:
                col["errors"].append(f"翻页 {response.url} 返回 HTTP {response.status}")
                yield self._column_item(sc, meta, col["status"])
            return
        assert parsed is not None and parsed.listing is not None
        listing = parsed.listing
        rendered_now = bool(meta.get("playwright"))
        feed = col.get("feed")
        if feed is not None and first and not listing.entries and not parsed.feed_understood:
            yield from self._feed_failed(sc, meta, f"列表数据接口 {response.url} 的应答无法读取")
            return
        if first and not listing.entries and not col["frame"] and not rendered_now and feed is None:
            frame = next((u for u in parsed.frames if self._in_scope(u, sc)), None)
            if frame is not None and self.accounting.claim(sc.site.site_id, clean(frame)):
                # the column's list is the document of its frame: read that as the column's page
                col["frame"] = frame
                yield self._request(sc, frame, "parse_column", meta={"col": col})
                return
        override = bool(sc.site.overrides.get("render_js"))
        if first and not rendered_now and feed is None and not listing.entries and (
                (listing.needs_render and listing.blank) or override):
            # the list is built by scripts: ask the site for it as the script does, else pay for a browser
            # on this page only
            # (letters are read from what a visitor sees: a letters column is rendered)
            req = self._feed_request(sc, col, parsed) if not override and self.render_mode != "always" \
                and classify_column(col["name"]) not in LETTER_CATEGORIES else None
            if req is not None:
                col["status"] = response.status
                yield from self._first_page(response, sc, col, parsed)
                yield req
                return
            if self.render_mode != "never":
                col["rendered"] = True
                yield self._request(sc, response.url, "parse_column", meta={"col": col}, render=True)
                return
        col["pages"] += 1
        category = classify_column(col["name"])
        if first:
            col["blank"] = listing.blank and not listing.blank_note and not listing.subcolumns
            col["blank_note"] = listing.blank_note
            if feed is None:  # a feed's page is its list's answer: the column's page was read before it
                col["status"] = response.status
                yield from self._first_page(response, sc, col, parsed)
        elif listing.entries:
            col["blank"] = False
        if category in LETTER_CATEGORIES:  # letters on every page read, not only the first
            yield from self._letters(response, sc, col, parsed.letters)
        if listing.errors or parsed.notes:
            col["errors"].extend(listing.errors + parsed.notes)
        if response.meta.get("truncated"):
            col["errors"].append(f"页面过大（{response.meta['truncated']} 字节），仅解析前 {len(response.body)} 字节")
        known = {e.url for e in col["entries"]}
        col["entries"].extend(_entry(e) for e in listing.entries if e.url not in known)
        added = len(col["entries"]) - len(known)
        if col["entries"]:
            col["blank"] = False
        form = parsed.next_form if feed is None else self._next_feed(col, listing, added)
        nxt = self._next_page(response, sc, col, listing, form, category)
        if nxt is not None:
            yield nxt
            return
        yield self._column_item(sc, meta, col["status"])

    def _first_page(self, response: Response, sc: SiteCrawl, col: dict[str, Any], parsed: Parsed):
        """A column's own page: its page record, its follow-ups (guides, samples) and its sub-columns."""
        yield PageItem(run_id=self.run.run_id, site_id=sc.site.site_id, url=response.url, kind="column",
                       status=response.status, features=parsed.features or {})
        yield from self._follow_ups(response, sc, col, parsed)
        if col["depth"] < self.budget.max_depth:
            for name, url in parsed.sub_columns:
                req = self._column_request(sc, name, url, depth=col["depth"] + 1, parent=col["url"],
                                           source="subcolumn", branch=col.get("branch", False))
                if req is not None:
                    yield req

    def parse_column_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):
        col = request.meta["col"]
        if request.meta.get(META_CHECK):
            yield from self._feed_rejected(sc, request.meta)
            return
        if col.get("feed") is not None and col["pages"] == 0:
            yield from self._feed_failed(sc, request.meta, f"列表数据接口 {request.url} 无法访问：{reason}")
            return
        if request.meta.get("probe") and not self._in_scope(request.url, sc):
            self._probe_settled(sc.site.site_id, col["url"], False)
            return  # another host that could not show whose it is: not the site's
        moved = self._moved_off_scope(request)
        if moved and col["pages"] == 0:  # the column redirects to another host: see whose it is, as a nav link
            req = self._column_request(sc, col["name"], moved, depth=col["depth"], parent=col["parent"],
                                       source="nav", branch=col["branch"])
            if req is not None:
                yield req
                return
        if col["pages"] == 0:
            yield self._column_item(sc, request.meta, None, f"栏目页面无法访问：{reason}")
        else:
            col["errors"].append(f"翻页 {request.url} 无法访问：{reason}")
            yield self._column_item(sc, request.meta, col["status"])

    def _follow_ups(self, response: Response, sc: SiteCrawl, col: dict[str, Any], parsed: Parsed):
        """Per column kind: guides (the worker read a guide column's guide links), an article sample, a link
        sample."""
        site_id = sc.site.site_id
        if parsed.guide_links:
            for url in parsed.guide_links:
                url = clean(response.urljoin(url))
                if not self._in_scope(url, sc):  # a guide on another host is read only once its host is admitted
                    self.crawler.stats.inc_value("govaudit/guides_out_of_scope")
                    continue
                if not self.accounting.claim(site_id, url):
                    continue
                if not self.accounting.take_budget(site_id, "guides", self.budget.max_guides):
                    self.accounting.release(site_id, url)
                    continue
                yield self._request(sc, url, "parse_guide")
        for _kind, url in parsed.links[: self.budget.link_sample]:
            req = self._link_request(sc, response.url, url, on_home=False)
            if req is not None:
                yield req

    def parse_guide(self, response: Response, sc: SiteCrawl, parsed: Parsed | None):
        info = parsed.guide if parsed is not None else None
        if response.status >= 400 or info is None or not info.is_guide:
            return
        attachments = list(dict.fromkeys(clean(response.urljoin(u)) for u in info.attachments))
        yield GuideItem(run_id=self.run.run_id, site_id=sc.site.site_id, url=response.url, title=info.title,
                        elements=list(info.elements),
                        attachments=[{"url": u} for u in attachments]
                        + ([{"mentions_forms": True}] if info.mentions_forms else []))
        for url in attachments:
            req = self._link_request(sc, response.url, url, on_home=False)
            if req is not None:
                yield req


def _chain(first: list[Any], rest: Any) -> Any:
    yield from first
    yield from rest


def _entry(e: Any) -> Entry:
    """The evidence record of an extracted list entry (its date a real date, or None with the printed text)."""
    return Entry(url=e.url, title=e.title, date=e.date, date_text=getattr(e, "date_text", "") or "")

