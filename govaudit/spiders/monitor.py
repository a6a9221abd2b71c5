"""The monitor spider: the daily pass of 日常监管 over every running site. For each site: the home page and
the first page of every known column (the column map of the site's last full audit, kept in SQL), asked with
the validators of the last read (If-None-Match / If-Modified-Since), and nothing deeper unless something
changed: the next page of a column whose whole first page is new, the article page of an entry listed with
an old date, the page of an entry taken off a list. Columns are re-discovered weekly, and whenever the home
page's navigation changed. It gathers; govaudit.monitoring.store keeps the first-seen ledger, flags and the
day's figures, and the alerts are decided when the pass closes.

    scrapy crawl monitor [-a registry=FILE] [-a site=ID[,ID]] [-a asof=YYYY-MM-DD] [-a rubric=NAME|FILE]
                         [-a run=ID] [-a render=auto|never|always] [-a rediscover=1]
    scrapy crawl monitor -a help=1          (this text)

The run (kind "monitor") is built by govaudit.runs.build like an audit's; request accounting is
govaudit.crawl.accounting's; thresholds are GOVAUDIT_MONITOR_RULES (govaudit/data/monitoring.yaml).
"""

from __future__ import annotations

import logging
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from govaudit.crawl.accounting import SiteAccounting, get_accounting
from govaudit.crawl.budget import CrawlBudget
from govaudit.crawl.columns import child_columns
from govaudit.crawl.responses import capped, charset, failure_text, fetched_at
from govaudit.crawl.urls import clean, host_of, same_site
from govaudit.extract.encoding import decode_html
from govaudit.extract.features import looks_blocked
from govaudit.extract.feeds import feed_request, find_feeds
from govaudit.extract.listpage import extract_list
from govaudit.extract.navigation import discover_columns
from govaudit.extract.scripts import script_parts
from govaudit.items import SiteDoneItem, SiteItem
from govaudit.monitoring.pagedate import article_date
from govaudit.monitoring.payload import DataRecorder, entries_from_payload
from govaudit.monitoring.plan import ColumnState, latest_full_audits, load_plan, needs_browser
from govaudit.monitoring.rules import Rules, RulesError, load_rules
from govaudit.monitoring.sitepass import SitePass, entry_dict
from govaudit.overrides import load_override
from govaudit.runs import AuditRun, attach_run
from govaudit.runs.build import SETUP_ERRORS, crawl_run
from govaudit.spiders.args import ArgumentError
from govaudit.store.db import session_factory

logger = logging.getLogger(__name__)

MONITOR_ONLY_ARGS = ("rediscover",)


class MonitorSpider(scrapy.Spider):
    name = "monitor"
    custom_settings = {  # noqa: RUF012 (Scrapy reads it from the class)
        "ITEM_PIPELINES": {
            # the run's site rows, then per site: column map, ledger, flags, the site's day
            "govaudit.monitoring.pipeline.MonitorPipeline": 500,
        },
        "EXTENSIONS": {
            "govaudit.extensions.run_lifecycle.RunLifecycle": 100,
            "govaudit.monitoring.extension.MonitorClose": 950,  # alerts, digest, summary lines, exit status
        },
        "GOVAUDIT_SCORING_ENABLED": False,  # a daily pass is no audit: nothing is scored
        "GOVAUDIT_REPORT_ON_CLOSE": False,
        "GOVAUDIT_REDIS_URL": "",  # one machine: a daily pass is small
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._raw_args = {k: kwargs.pop(k) for k in list(kwargs) if not k.startswith("_")}
        super().__init__(*args, **kwargs)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> MonitorSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        raw = dict(spider._raw_args)
        if "help" in raw:
            print(__doc__)
            raise SystemExit(0)
        try:
            rediscover = str(raw.pop("rediscover", "") or "").strip().lower() in ("1", "true", "yes")
            if raw.get("kind") not in (None, "", "monitor"):
                raise ArgumentError(f"kind={raw['kind']}: the monitor spider makes monitor runs only")
            for refused in ("sample", "seed", "join"):
                if raw.get(refused):
                    raise ArgumentError(f"{refused}=: not an argument of the daily pass (it covers every "
                                        "running site, or the sites named by site=)")
            raw["kind"] = "monitor"
            run = crawl_run(crawler.settings, raw)
            rules = load_rules(crawler.settings.get("GOVAUDIT_MONITOR_RULES") or None, run.rubric)
            parsers = {slug: load_override(slug) for slug in {s.overrides.get("parser") for s in run.targets} if slug}
        except (*SETUP_ERRORS, RulesError) as exc:
            logger.error("govaudit: %s", exc)
            raise SystemExit(f"govaudit: {exc}") from None
        attach_run(crawler, run)
        spider.Session = session_factory(crawler.settings.get("GOVAUDIT_DATABASE_URL"))
        with spider.Session() as session:
            spider.audits = latest_full_audits(session, [s.site_id for s in run.targets], run.asof)
            browser = run.params.get("render") == "always" or (
                run.params.get("render") != "never" and needs_browser(
                    session, [s.site_id for s in run.targets], spider.audits))
        if not browser:  # no page to render today: Scrapy's own HTTP handlers, no browser driver started
            crawler.settings.set("DOWNLOAD_HANDLERS", {}, priority="spider")
        spider.browser = browser
        spider.run = run
        spider.rules = rules
        spider.parsers = parsers
        spider.rediscover = rediscover
        spider.render_mode = run.params.get("render", "auto")
        spider.max_depth = crawler.settings.getint("GOVAUDIT_MAX_COLUMN_DEPTH")
        spider.max_parse_bytes = CrawlBudget.from_settings(crawler.settings).max_parse_bytes
        spider.accounting = get_accounting(crawler)
        spider.passes = {}
        logger.info("govaudit monitor run %s: %d site(s), day %s (%s)", run.run_id, len(run.targets), run.asof,
                    {"seed": "new", "resume": "resumed", "join": "joined"}.get(run.role, run.role))
        return spider

    run: AuditRun
    Session: Any  # sessionmaker of the store
    audits: dict[str, Any]
    browser: bool  # the browser's download handler is installed (some page may need rendering today)
    rules: Rules
    parsers: dict[str, Any]
    rediscover: bool
    render_mode: str
    max_depth: int
    max_parse_bytes: int
    accounting: SiteAccounting
    passes: dict[str, SitePass]

    # --- start: one home page per site --------------------------------------------------------------------
    async def start(self):
        audits = self.audits
        for site in self.run.targets:
            if site.site_id in self.accounting.skipped_done:
                continue
            with self.Session() as session:
                plan = load_plan(session, site, self.run.asof, audits.get(site.site_id),
                                 self.rules.rediscover_every, self.rediscover)
            sp = self.passes[site.site_id] = SitePass(plan, self.rules, self.run.run_id)
            self.accounting.started.add(site.site_id)
            yield self._request(sp, site.url, "parse_home", headers=sp.conditional(plan.home), priority=10)

    # --- requests and their accounting ----------------------------------------------------------------------
    def _request(self, sp: SitePass, url: str, fn: str, *, meta: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None, priority: int = 0, render: bool = False) -> scrapy.Request:
        site_id = sp.plan.site.site_id
        self.accounting.request_made(site_id)
        sp.requests += 1
        meta = {**(meta or {}), "site_id": site_id, "fn": fn}
        if render:
            from scrapy_playwright.page import PageMethod

            meta["playwright"] = True
            meta["playwright_page_methods"] = [PageMethod("wait_for_load_state", "networkidle")]
        return scrapy.Request(url, callback=self._on_response, errback=self._on_error, meta=meta,
                              headers=headers or None, priority=priority, dont_filter=True)

    def _on_response(self, response: Response) -> Any:
        site_id = response.meta["site_id"]
        return self._finish(site_id, self.accounting.settle(response, site_id, self._handle(response)))

    def _handle(self, response: Response) -> Any:
        sp = self.passes[response.meta["site_id"]]
        response = capped(response, self.max_parse_bytes)
        try:
            yield from getattr(self, response.meta["fn"])(response, sp)
        except Exception:  # a hostile page must not take the site's pass with it
            logger.exception("error handling %s (%s)", response.url, response.meta["fn"])
            self.crawler.stats.inc_value("govaudit/handler_errors")

    def _on_error(self, failure: Failure) -> Any:
        request = failure.request  # type: ignore[attr-defined]
        site_id = request.meta["site_id"]
        return self._finish(site_id, self.accounting.settle(failure, site_id, self._handle_error(failure, request)))

    def _handle_error(self, failure: Failure, request: scrapy.Request) -> Any:
        sp = self.passes[request.meta["site_id"]]
        handler = getattr(self, request.meta["fn"] + "_error", None)
        try:
            if handler is not None:
                yield from handler(request, sp, failure_text(failure))
        except Exception:
            logger.exception("error in errback for %s", request.url)

    async def _finish(self, site_id: str, outputs: Any) -> Any:
        """The settled outputs; the site's pass result goes just before its SiteDoneItem."""
        async for out in outputs:
            if isinstance(out, SiteDoneItem):
                sp = self.passes.pop(site_id, None)
                if sp is not None:
                    yield sp.result()
            yield out

    def _site_item(self, sp: SitePass, **kw: Any) -> SiteItem:
        s = sp.plan.site
        return SiteItem(run_id=self.run.run_id, site_id=s.site_id, name=s.name, url=s.url, organizer=s.organizer,
                        region=s.region, level=s.level, kind=s.kind, has_services=s.has_services, **kw)

    @staticmethod
    def _validators(response: Response) -> tuple[str, str]:
        return ((response.headers.get(b"ETag") or b"").decode("latin-1")[:200],
                (response.headers.get(b"Last-Modified") or b"").decode("latin-1")[:64])

    # --- the home page -------------------------------------------------------------------------------------
    def parse_home(self, response: Response, sp: SitePass):
        if response.status == 304:
            sp.home_not_modified()
        else:
            text, _enc = decode_html(response.body, charset(response))
            challenge = looks_blocked(response.status, text)
            if response.status >= 400 or challenge:
                blocked = challenge or response.status in (403, 429)
                why = ("站点拒绝访问或要求人机验证（HTTP %d）" if blocked else "首页返回 HTTP %d") % response.status
                sp.home_failed(response.status, why)
                yield self._site_item(sp, crawl_state="blocked" if blocked else "error",
                                      home_status=response.status, final_url=response.url, error=why)
                return
            listing = extract_list(response.body, response.url, charset(response), self.run.asof,
                                   fetched=fetched_at(response, self.run.timezone))
            site_url = sp.plan.site.url
            nav = [(c.name, clean(response.urljoin(c.url))) for c in discover_columns(text, response.url,
                                                                                      site_url=site_url)]
            articles = {clean(e.url) for e in listing.entries}
            nav = [(n, u) for n, u in nav if u not in articles]
            sp.home_read(response.url, response.status, [entry_dict(e) for e in listing.entries], nav,
                         self._validators(response))
        yield self._site_item(sp, crawl_state="ok", home_status=response.status, final_url=response.url)
        host = host_of(response.url) or host_of(sp.plan.site.url)
        for col in sp.columns_to_read():
            if not same_site(col.url, host):
                continue
            yield self._column_request(sp, col)

    def parse_home_error(self, request: scrapy.Request, sp: SitePass, reason: str):
        sp.home_failed(None, f"首页无法访问：{reason}")
        yield self._site_item(sp, crawl_state="unreachable", error=f"首页无法访问：{reason}", final_url=request.url)

    # --- columns -------------------------------------------------------------------------------------------
    def _render(self, sp: SitePass, col: ColumnState) -> bool:
        if self.render_mode == "never" or not self.browser:
            return False
        return self.render_mode == "always" or col.rendered or bool(sp.plan.site.overrides.get("render_js"))

    def _column_request(self, sp: SitePass, col: ColumnState, *, page: int = 1, url: str = "") -> scrapy.Request:
        if page == 1 and not url and col.data_url and self.render_mode != "always":
            # a list built in the browser from a data endpoint: ask the endpoint, no browser
            return self._request(sp, col.data_url, "parse_column", headers=sp.conditional(col),
                                 meta={"col": col.url, "page": 1, "payload": True})
        render = self._render(sp, col)
        headers = sp.conditional(col) if page == 1 and not render else {}
        meta: dict[str, Any] = {"col": col.url, "page": page}
        if render:
            recorder = DataRecorder(url or col.url)
            meta["data_seen"] = recorder
            meta["playwright_page_event_handlers"] = {"response": recorder}
        return self._request(sp, url or col.url, "parse_column", meta=meta, headers=headers, render=render)

    def _extract(self, response: Response, sp: SitePass) -> Any:
        slug = sp.plan.site.overrides.get("parser")
        if slug:
            return self.parsers[slug].extract_list(response.body, response.url, charset(response), self.run.asof)
        return extract_list(response.body, response.url, charset(response), self.run.asof,
                            selectors=sp.plan.site.overrides.get("selectors"),
                            fetched=fetched_at(response, self.run.timezone))

    def parse_column(self, response: Response, sp: SitePass):
        col = sp.plan.column(response.meta["col"])
        if col is None:
            return
        page = response.meta["page"]
        if response.status == 304:
            sp.column_not_modified(col)
            return
        if response.meta.get("payload"):
            yield from self._parse_payload(response, sp, col)
            return
        if response.status >= 400:
            if page == 1:
                sp.column_failed(col, response.status, f"栏目页面返回 HTTP {response.status}")
            return
        listing = self._extract(response, sp)
        entries = [entry_dict(e) for e in listing.entries]
        if page > 1:
            if sp.extra_page(col, entries) and page <= self.rules.max_extra_pages:
                yield from self._next_page(sp, col, listing, response, page + 1)
            return
        rendered = bool(response.meta.get("playwright"))
        if (not rendered and not entries and self.render_mode != "never" and listing.needs_render and listing.blank
                and (col.rendered or sp.rediscovering or col.snapshot or col.last_read is None)):
            col.rendered = True  # the list is built by scripts: from now on it is rendered
            feed = self._feed_url(response) if self.render_mode != "always" else ""
            if feed:  # ... or, when the page's script names its request, read from that (extract/feeds.py)
                col.data_url = feed
                self.crawler.stats.inc_value("govaudit/lists_from_feeds")
                yield self._column_request(sp, col)
                return
            if not self.browser:  # no browser today: not read (the next pass starts one)
                col.data_url = ""
                sp.column_failed(col, None, "列表由脚本生成，本次未渲染")
                return
            self.crawler.stats.inc_value("govaudit/pages_rendered")
            yield self._column_request(sp, col)
            return
        if rendered:
            recorder = response.meta.get("data_seen")
            col.data_url = recorder.urls[0] if recorder is not None and recorder.urls and entries else ""
            col.rendered = bool(entries) or self.render_mode == "always"  # a browser that shows nothing more
        validators = ("", "") if rendered else self._validators(response)
        diff = sp.column_read(col, response.status, entries, blank=listing.blank and not listing.subcolumns,
                              blank_note=listing.blank_note, content_page=listing.content_page,
                              validators=validators)
        if sp.wants_next_page(col, diff):
            yield from self._next_page(sp, col, listing, response, 2)
        yield from self._follow_ups(sp, diff)
        host = host_of(response.url)
        for sub in sp.children_to_read(col, diff):  # a channel page changed: its sub-columns that did
            if same_site(sub.url, host):
                yield self._column_request(sp, sub)
        if sp.rediscovering and col.depth < self.max_depth and col.role in ("list", "aggregate", "page"):
            text, _ = decode_html(response.body, charset(response))
            for name, url in child_columns(listing, text, response.url):
                child = sp.add_column(name, clean(url), depth=col.depth + 1, parent=col.url, source="subcolumn")
                if child is not None and same_site(child.url, host):
                    yield self._column_request(sp, child)

    def _feed_url(self, response: Response) -> str:
        """The address a page's inline script asks for its list (a GET on the same site), else ""."""
        text, _ = decode_html(response.body, charset(response))
        for feed in find_feeds(script_parts(text).code, response.url):
            url, method, _data = feed_request(feed)
            if method == "GET" and same_site(url, host_of(response.url)):
                return url
        return ""

    def _parse_payload(self, response: Response, sp: SitePass, col: ColumnState):
        entries = entries_from_payload(response.body, col.url, self.run.asof) if response.status < 400 else None
        if entries is None:  # the endpoint moved or answers otherwise now: render the page again
            col.data_url = ""
            yield self._column_request(sp, col)
            return
        diff = sp.column_read(col, response.status, entries, blank=not entries, blank_note=False,
                              content_page=False, validators=self._validators(response))
        yield from self._follow_ups(sp, diff)

    def _follow_ups(self, sp: SitePass, diff: Any):
        for url in sp.article_checks(diff.new):
            yield self._request(sp, url, "parse_article", meta={"entry": url, "handle_httpstatus_all": True})
        for url in sp.removal_checks(diff.removed):
            yield self._request(sp, url, "check_removed", meta={"entry": url, "handle_httpstatus_all": True})

    def _next_page(self, sp: SitePass, col: ColumnState, listing: Any, response: Response, page: int):
        for nxt in listing.next_pages[:1]:
            nxt = clean(response.urljoin(nxt))
            if same_site(nxt, host_of(response.url)):
                yield self._column_request(sp, col, page=page, url=nxt)

    def parse_column_error(self, request: scrapy.Request, sp: SitePass, reason: str):
        col = sp.plan.column(request.meta["col"])
        if col is not None and request.meta["page"] == 1:
            sp.column_failed(col, None, f"栏目页面无法访问：{reason}")
        return
        yield

    # --- follow-ups ----------------------------------------------------------------------------------------
    def parse_article(self, response: Response, sp: SitePass):
        if response.status < 400:
            text, _ = decode_html(response.body, charset(response))
            sp.article_date(response.meta["entry"], article_date(text, self.run.asof))
        return
        yield

    def check_removed(self, response: Response, sp: SitePass):
        sp.removal_checked(response.meta["entry"], response.status)
        return
        yield

    def check_removed_error(self, request: scrapy.Request, sp: SitePass, reason: str):
        sp.removal_checked(request.meta["entry"], None)
        return
        yield
