"""The audit spider: for every site of the run, the home page, its columns (栏目) and sub-columns with
their dated lists (following pagination far enough to cover the rubric windows), a sample of articles,
service guides, published letters, and link availability. It only gathers evidence; pipelines classify,
store and score it.

    scrapy crawl audit [-a registry=FILE] [-a site=ID[,ID]] [-a asof=YYYY-MM-DD] [-a rubric=NAME|FILE]
                       [-a sample=0.3 -a seed=S] [-a run=ID] [-a render=auto|never|always]
    scrapy crawl audit -a join=RUN          (with GOVAUDIT_REDIS_URL: another worker of a distributed run)

Per-site bookkeeping (outstanding requests, scheduled URLs, budgets) lives in a Ledger: in memory on one
machine, in Redis when GOVAUDIT_REDIS_URL is set, where the requests also go through scrapy-redis's shared
queue and any worker may handle any request of any site.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from sqlalchemy import func, select
from twisted.python.failure import Failure

from govaudit.asof import window
from govaudit.classify import classify_column
from govaudit.extract.encoding import decode_html
from govaudit.extract.features import looks_blocked, page_features, page_links
from govaudit.extract.guides import find_guide_links, guide_info
from govaudit.extract.letters import extract_letters
from govaudit.extract.listpage import extract_list
from govaudit.extract.navigation import discover_columns, looks_like_article_url
from govaudit.items import (
    ColumnItem,
    Entry,
    GuideItem,
    LetterItem,
    LinkItem,
    PageItem,
    SiteDoneItem,
    SiteItem,
)
from govaudit.overrides import OverrideError, load_override
from govaudit.registry import RegistryError, Site, load_registry
from govaudit.registry.sampling import sample_sites
from govaudit.scoring.rubric import RubricError, load_rubric
from govaudit.spiders.args import ArgumentError, parse_audit_args
from govaudit.spiders.base import RegistrySource
from govaudit.spiders.ledger import Ledger, MemoryLedger, RedisLedger
from govaudit.store import models as m
from govaudit.store.db import session_factory
from govaudit.store.writer import get_writer

logger = logging.getLogger(__name__)

ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".rar", ".et", ".ofd", ".txt")


@dataclass
class SiteCrawl:
    """A site as one request sees it: its registry entry and the host its pages live on (after the home
    page's redirect; it travels with the requests). Counters, scheduled URLs and budgets are in the Ledger."""

    site: Site
    host: str
    ledger: Ledger = field(repr=False, compare=False)

    @property
    def finished(self) -> bool:
        return self.ledger.finished(self.site.site_id)


class _ItemsSettled:
    """Distributed mode: the items one response produced, counted as the item pipelines finish them."""

    def __init__(self) -> None:
        self.expected = 0
        self.passed = 0
        self._waiter: asyncio.Future[None] | None = None

    def item_passed(self) -> None:
        self.passed += 1
        if self._waiter is not None and not self._waiter.done() and self.passed >= self.expected:
            self._waiter.set_result(None)

    async def wait(self) -> None:
        if self.passed >= self.expected:
            return
        self._waiter = asyncio.get_running_loop().create_future()
        await self._waiter


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _same_site(url: str, host: str) -> bool:
    h = _host(url)
    if not h or not host:
        return False
    base = host[4:] if host.startswith("www.") else host
    return h in (host, base) or h.endswith("." + base)


def _clean(url: str) -> str:
    return urldefrag(url)[0]


def _charset(response: Response) -> str | None:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if "charset=" in ctype:
        return ctype.split("charset=", 1)[1].split(";")[0].strip() or None
    return None


class BadArguments(Exception):
    pass


class AuditSpider(scrapy.Spider):
    name = "audit"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._raw_args = {k: kwargs.pop(k) for k in list(kwargs)
                          if k in {"registry", "site", "asof", "rubric", "sample", "seed", "run", "kind", "render",
                                   "join"}}
        super().__init__(*args, **kwargs)
        self.joined = False  # a joining worker of a distributed run (`-a join=RUN`)
        self.distributed = False

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """With GOVAUDIT_REDIS_URL, requests go through scrapy-redis's shared, persistent queue."""
        super().update_settings(settings)
        redis_url = settings.get("GOVAUDIT_REDIS_URL")
        if redis_url:
            settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority="spider")
            settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="spider")
            settings.set("SCHEDULER_PERSIST", True, priority="spider")  # the first worker to stop keeps the queue
            settings.set("REDIS_URL", redis_url, priority="spider")

    # --- set-up: everything is validated before the first request ---------------------------------
    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> AuditSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider._configure(crawler.settings)
        except (ArgumentError, RegistryError, RubricError, OverrideError) as exc:
            # a clear message, no traceback, and no request made
            logger.error("govaudit: %s", exc)
            raise SystemExit(f"govaudit: {exc}") from None
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        if spider.distributed:
            # one queue per run (settings are not frozen yet: the spider is built before they are applied)
            crawler.settings.set("SCHEDULER_QUEUE_KEY", f"govaudit:{spider.run_id}:requests", priority="spider")
            crawler.settings.set("SCHEDULER_DUPEFILTER_KEY", f"govaudit:{spider.run_id}:dupefilter",
                                 priority="spider")
            crawler.signals.connect(spider._idle, signal=signals.spider_idle)
            for sig in (signals.item_scraped, signals.item_dropped, signals.item_error):
                crawler.signals.connect(spider._item_passed, signal=sig)
        return spider

    def _configure(self, settings: Any) -> None:
        self.database_url = settings.get("GOVAUDIT_DATABASE_URL")
        self.redis_url = settings.get("GOVAUDIT_REDIS_URL") or ""
        self.distributed = bool(self.redis_url)
        self.scoring_enabled = settings.getbool("GOVAUDIT_SCORING_ENABLED", True)
        self._waiting: dict[int, _ItemsSettled] = {}
        self._idle_since: float | None = None
        if self._raw_args.get("join"):
            self._configure_join(settings)
            return
        raw = dict(self._raw_args)
        stored = self._stored_run(settings)
        if stored is not None and not raw.get("asof"):
            raw["asof"] = stored.asof.isoformat()  # a resumed run keeps its as-of date, whatever day it is
        self.args = parse_audit_args(
            raw,
            default_registry="",
            default_rubric=settings.get("GOVAUDIT_DEFAULT_RUBRIC"),
            tz=settings.get("GOVAUDIT_TIMEZONE"),
        )
        self.asof: dt.date = self.args.asof
        self.rubric = load_rubric(self.args.rubric, settings.get("GOVAUDIT_RUBRICS_DIR"))
        self.source: RegistrySource | None
        self.source = RegistrySource(self.args.registry or None, settings, self.asof)
        registry = self.source.registry
        by_id = registry.by_id()
        unknown = [s for s in self.args.sites if s not in by_id]
        if unknown:
            raise ArgumentError(f"site={','.join(unknown)}: not in registry {registry.source}")
        self._limits(settings)
        self.render_mode = self.args.render if self.args.render != "auto" else settings.get("GOVAUDIT_RENDER_JS")
        self.run_id, self.resumed = self._run_identity(settings)
        self.ledger: Ledger = RedisLedger(self.redis_url, self.run_id) if self.distributed else MemoryLedger()
        self.targets = self._select_sites()
        self.parsers = {slug: load_override(slug)
                        for slug in {s.overrides.get("parser") for s in self.targets} if slug}
        self.sites: dict[str, SiteCrawl] = {}
        self.started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        logger.info("govaudit run %s: %d site(s), as-of %s, rubric %s%s%s", self.run_id, len(self.targets),
                    self.asof, self.rubric.name, " (resumed)" if self.resumed else "",
                    " (distributed: other workers may join it)" if self.distributed else "")

    def _limits(self, settings: Any) -> None:
        self.max_depth = settings.getint("GOVAUDIT_MAX_COLUMN_DEPTH")
        self.max_columns = settings.getint("GOVAUDIT_MAX_COLUMNS_PER_SITE")
        self.max_pages = settings.getint("GOVAUDIT_MAX_LIST_PAGES")
        self.history = dt.timedelta(days=settings.getint("GOVAUDIT_HISTORY_DAYS"))
        self.link_sample = settings.getint("GOVAUDIT_LINK_SAMPLE_PER_PAGE")
        self.max_links = settings.getint("GOVAUDIT_MAX_LINKS_PER_SITE")
        self.max_guides = settings.getint("GOVAUDIT_MAX_GUIDES_PER_SITE")
        self.max_articles = settings.getint("GOVAUDIT_MAX_ARTICLES_PER_SITE")

    # --- a joining worker: the run, its sites and settings come from SQL ------------------------------
    def _configure_join(self, settings: Any) -> None:
        self.args = parse_audit_args(self._raw_args, default_registry="",
                                     default_rubric=settings.get("GOVAUDIT_DEFAULT_RUBRIC"),
                                     tz=settings.get("GOVAUDIT_TIMEZONE"))
        if not self.distributed:
            raise ArgumentError("join= needs GOVAUDIT_REDIS_URL (the Redis server of the run's first worker)")
        assert self.args.join is not None
        self.joined = True
        self.run_id, self.resumed = self.args.join, False
        self.source = None
        self.ledger = RedisLedger(self.redis_url, self.run_id)
        join_wait = settings.getfloat("GOVAUDIT_JOIN_WAIT")
        deadline = time.monotonic() + join_wait
        while not self.ledger.is_open():  # the seeding worker marks it once the run's sites are in SQL
            if time.monotonic() > deadline:
                raise ArgumentError(f"join={self.run_id}: no worker has started this run in Redis "
                                    f"({join_wait:.0f} s waited); start it first with -a run={self.run_id}")
            time.sleep(0.5)
        with session_factory(self.database_url)() as s:
            run = s.get(m.Run, self.run_id)
            if run is None:
                raise ArgumentError(f"join={self.run_id}: the run is not in the database {self.database_url!r}")
            rows = list(s.scalars(select(m.RunSite).where(m.RunSite.run_id == self.run_id)
                                  .order_by(m.RunSite.site_id)))
            overrides = self._run_overrides(s, run.registry_source)
            self.asof = run.asof
            rubric_name, params = run.rubric, dict(run.params or {})
        self.rubric = load_rubric(rubric_name, settings.get("GOVAUDIT_RUBRICS_DIR"))
        self._limits(settings)
        self.render_mode = params.get("render") or settings.get("GOVAUDIT_RENDER_JS")
        self.targets = [Site(site_id=r.site_id, name=r.name, url=r.url, organizer=r.organizer, region=r.region,
                             level=r.level, kind=r.kind, has_services=r.has_services,
                             overrides=overrides.get(r.site_id, {})) for r in rows]
        self.parsers = {slug: load_override(slug)
                        for slug in {s.overrides.get("parser") for s in self.targets} if slug}
        self.sites = {s.site_id: SiteCrawl(site=s, host=_host(s.url), ledger=self.ledger) for s in self.targets}
        self.skipped_done: set[str] = set()
        self.started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        logger.info("govaudit: joined run %s: %d site(s), as-of %s, rubric %s", self.run_id, len(self.targets),
                    self.asof, self.rubric.name)

    @staticmethod
    def _run_overrides(session: Any, registry_source: str) -> dict[str, dict[str, Any]]:
        """Per-site overrides of the run's registry, when this machine can read it (the imported registry,
        or the same file path); run_sites do not store them."""
        try:
            if registry_source == "database":
                from govaudit.registry.stored import load_stored_registry

                registry = load_stored_registry(session)
            elif registry_source and registry_source != "demo" and Path(registry_source).is_file():
                registry = load_registry(registry_source)
            else:
                return {}
        except RegistryError as exc:
            logger.warning("join: registry %s not readable here (%s); no per-site overrides", registry_source, exc)
            return {}
        return {s.site_id: s.overrides for s in registry.sites if s.overrides}

    def _jobdir_marker(self, settings: Any) -> Path | None:
        jobdir = settings.get("JOBDIR")
        return Path(jobdir) / "govaudit_run.json" if jobdir else None

    def _stored_run(self, settings: Any) -> m.Run | None:
        """The run this crawl continues (`-a run=` or the id recorded in JOBDIR), if it exists."""
        run_id = self._raw_args.get("run")
        marker = self._jobdir_marker(settings)
        if run_id is None and marker is not None and marker.exists():
            run_id = json.loads(marker.read_text())["run_id"]
        if not run_id:
            return None
        with session_factory(self.database_url)() as s:
            return s.get(m.Run, run_id)

    def _run_identity(self, settings: Any) -> tuple[str, bool]:
        """The run id: `-a run=`, else the one recorded in JOBDIR (resume), else a new one."""
        marker = self._jobdir_marker(settings)
        run_id = self.args.run
        if run_id is None and marker is not None and marker.exists():
            run_id = json.loads(marker.read_text())["run_id"]
        if run_id is None:
            now = dt.datetime.now(dt.UTC)
            run_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        if marker is not None:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps({"run_id": run_id}))
        with session_factory(self.database_url)() as s:
            existing = s.get(m.Run, run_id)
            if existing is not None and existing.asof != self.asof:
                raise ArgumentError(f"run={run_id} exists with as-of {existing.asof}, not {self.asof}")
            resumed = existing is not None
        return run_id, resumed

    def _select_sites(self) -> list[Site]:
        running = self.source.registry.running()
        if self.args.sites:
            wanted = set(self.args.sites)
            chosen = [s for s in self.source.registry.sites if s.site_id in wanted]
            offline = [s.site_id for s in chosen if not s.running]
            if offline:
                logger.warning("site(s) %s are not running in the registry; auditing them as asked", offline)
            return chosen
        if self.args.sample is not None:
            return sample_sites(running, self.args.sample, self.args.seed)
        return running

    # --- what the store pipeline records when the run opens ------------------------------------------
    @property
    def run_record(self) -> Any:
        """The run's record, for the store pipeline and the report extension. A joining worker has none
        (AttributeError, so `hasattr` is False): it neither opens nor finishes the run, nor renders the report."""
        if self.joined:
            raise AttributeError("run_record: a joining worker does not own the run")
        return self._run_record

    def _run_record(self) -> dict[str, Any]:
        return {
            "id": self.run_id,
            "kind": self.args.kind,
            "asof": self.asof,
            "rubric": self.rubric.name,
            "registry_source": self.source.registry.source,
            "started": self.started_at,
            "status": "running",
            "sample_share": self.args.sample,
            "sample_seed": self.args.seed if self.args.sample else None,
            "totals": self.source.registry.totals(),
            "params": {"render": self.render_mode, **({"sites": list(self.args.sites)} if self.args.sites else {})},
        }

    def site_records(self) -> list[dict[str, Any]]:
        return [
            {"site_id": s.site_id, "name": s.name, "url": s.url, "organizer": s.organizer, "region": s.region,
             "level": s.level, "kind": s.kind, "has_services": s.has_services}
            for s in self.targets
        ]

    # --- start -----------------------------------------------------------------------------------
    async def start(self):  # noqa: ANN201
        if self.joined:  # the seeding worker made the start requests; this one takes from the shared queue
            return
        assert self.source is not None
        if self.source.is_demo:
            registry = self.source.start_demo()
            by_id = registry.by_id()
            self.targets = [by_id.get(s.site_id, s) for s in self.targets]
            get_writer(self.crawler).begin_run(self._run_record(), self.site_records())
        done: set[str] = set()
        if self.resumed:
            done = get_writer(self.crawler).done_sites(self.run_id)
        self.skipped_done = done
        self.ledger.mark_open()  # the run and its sites are in SQL: other workers may join
        for site in self.targets:
            if site.site_id in done:
                continue
            sc = SiteCrawl(site=site, host=_host(site.url), ledger=self.ledger)
            self.sites[site.site_id] = sc
            self.ledger.claim(site.site_id, _clean(site.url))
            yield self._request(sc, site.url, "parse_home", priority=10)

    def _closed(self, spider: Any, reason: str) -> None:
        if self.source is not None:
            self.source.stop()
        if self.distributed and not self.joined and reason == "finished":
            self.ledger.retire()

    # --- distributed: stay open while any worker has work, close once every site is scored -------------
    def _idle(self, spider: Any) -> None:
        if not self._may_close():
            raise DontCloseSpider

    def _may_close(self) -> bool:
        pending = self.ledger.total_pending()
        if pending > 0:
            self._idle_since = None
            return False
        if self.resumed or not self.scoring_enabled:
            return True  # nothing to wait for: the scoring pipeline scores at close (or not at all)
        with session_factory(self.database_url)() as s:
            unscored = s.scalar(select(func.count()).select_from(m.RunSite)
                                .where(m.RunSite.run_id == self.run_id, m.RunSite.done.is_(False))) or 0
            status = s.scalar(select(m.Run.status).where(m.Run.id == self.run_id))
        if unscored == 0:
            return True
        if self.joined and status != "running":
            return True  # the seeding worker has closed the run
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
            logger.info("govaudit: nothing pending in run %s; waiting for %d site(s) to be scored",
                        self.run_id, unscored)
        grace = self.crawler.settings.getfloat("GOVAUDIT_SETTLE_GRACE")
        if now - self._idle_since > grace:
            logger.warning("govaudit: %d site(s) of run %s still unscored after %.0f s with nothing pending; "
                           "closing (the seeding worker scores what is left)", unscored, self.run_id, grace)
            return True
        return False

    def _item_passed(self, item: Any, response: Any, **kwargs: Any) -> None:
        settled = self._waiting.get(id(response))
        if settled is not None:
            settled.item_passed()

    # --- request bookkeeping ------------------------------------------------------------------------
    def _site_crawl(self, meta: dict[str, Any]) -> SiteCrawl:
        site = self.sites[meta["site_id"]].site
        return SiteCrawl(site=site, host=meta.get("host") or _host(site.url), ledger=self.ledger)

    def _request(self, sc: SiteCrawl, url: str, fn: str, *, meta: dict[str, Any] | None = None,
                 method: str = "GET", priority: int = 0, render: bool = False) -> scrapy.Request:
        self.ledger.add_pending(sc.site.site_id)
        meta = {**(meta or {}), "site_id": sc.site.site_id, "host": sc.host, "fn": fn}
        if render:
            from scrapy_playwright.page import PageMethod

            meta["playwright"] = True
            meta["playwright_page_methods"] = [PageMethod("wait_for_load_state", "networkidle")]
        return scrapy.Request(url, callback=self._on_response, errback=self._on_error, meta=meta,
                              method=method, priority=priority, dont_filter=True)

    def _task_done(self, sc: SiteCrawl) -> Iterator[SiteDoneItem]:
        if self.ledger.task_done(sc.site.site_id) and not self.resumed:
            yield SiteDoneItem(run_id=self.run_id, site_id=sc.site.site_id)

    def _settle(self, source: Any, sc: SiteCrawl, outputs: Iterable[Any]) -> Iterable[Any] | AsyncIterator[Any]:
        """The outputs of one response (or failure), then its request is counted as done."""
        if self.distributed:
            return self._settle_shared(source, sc, outputs)
        return self._settle_local(sc, outputs)

    def _settle_local(self, sc: SiteCrawl, outputs: Iterable[Any]) -> Iterator[Any]:
        yield from outputs
        yield from self._task_done(sc)

    async def _settle_shared(self, source: Any, sc: SiteCrawl, outputs: Iterable[Any]) -> AsyncIterator[Any]:
        """Distributed: whichever worker finishes a site scores it from SQL, so this worker's evidence of
        the response must be in SQL before its request counts as done: wait for the item pipelines to pass
        every item, flush the writer, then decrement the shared count."""
        settled = _ItemsSettled()
        self._waiting[id(source)] = settled
        try:
            for out in outputs:
                if not isinstance(out, scrapy.Request):
                    settled.expected += 1
                yield out
            await settled.wait()
        finally:
            self._waiting.pop(id(source), None)
        get_writer(self.crawler).flush()
        for item in self._task_done(sc):
            yield item

    def _on_response(self, response: Response) -> Iterable[Any] | AsyncIterator[Any]:
        sc = self._site_crawl(response.meta)
        return self._settle(response, sc, self._handle_response(response, sc))

    def _handle_response(self, response: Response, sc: SiteCrawl) -> Iterator[Any]:
        try:
            yield from getattr(self, response.meta["fn"])(response, sc)
        except Exception as exc:  # a hostile page must not take the site's other evidence with it
            logger.exception("error handling %s (%s)", response.url, response.meta["fn"])
            self.crawler.stats.inc_value("govaudit/handler_errors")
            if response.meta["fn"] == "parse_column":
                yield self._column_item(sc, response.meta, response.status, f"页面无法解析: {type(exc).__name__}")

    def _on_error(self, failure: Failure) -> Iterable[Any] | AsyncIterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        sc = self._site_crawl(request.meta)
        return self._settle(failure, sc, self._handle_error(failure, request, sc))

    def _handle_error(self, failure: Failure, request: scrapy.Request, sc: SiteCrawl) -> Iterator[Any]:
        reason = _failure_text(failure)
        handler = getattr(self, request.meta["fn"] + "_error", None)
        try:
            if handler is not None:
                yield from handler(request, sc, reason)
        except Exception:
            logger.exception("error in errback for %s", request.url)

    # --- home page --------------------------------------------------------------------------------
    def _site_item(self, sc: SiteCrawl, **kw: Any) -> SiteItem:
        s = sc.site
        return SiteItem(run_id=self.run_id, site_id=s.site_id, name=s.name, url=s.url, organizer=s.organizer,
                        region=s.region, level=s.level, kind=s.kind, has_services=s.has_services, **kw)

    def parse_home(self, response: Response, sc: SiteCrawl):  # noqa: ANN201
        text, _enc = decode_html(response.body, _charset(response))
        challenge = looks_blocked(response.status, text)
        if response.status >= 400 or challenge:
            blocked = challenge or response.status in (403, 429)
            state = "blocked" if blocked else "error"
            why = ("站点拒绝访问或要求人机验证（HTTP %d），无法检查" if blocked else "首页返回 HTTP %d") % response.status
            yield self._site_item(sc, crawl_state=state, home_status=response.status, final_url=response.url,
                                  error=why)
            return
        sc.host = _host(response.url) or sc.host  # follow the redirect's host (www. added etc.)
        yield self._site_item(sc, crawl_state="ok", home_status=response.status, final_url=response.url)
        yield PageItem(run_id=self.run_id, site_id=sc.site.site_id, url=response.url, kind="home",
                       status=response.status, features=page_features(text, response.url, sc.site.name))
        listing = extract_list(response.body, response.url, _charset(response), self.asof)
        yield ColumnItem(
            run_id=self.run_id, site_id=sc.site.site_id, url=response.url, name="首页", source="home",
            on_home=True, depth=0, http_status=response.status, pages_fetched=1,
            entries=[_entry(e) for e in listing.entries],  # future-dated and undated ones too: all evidence
            error="; ".join(listing.errors),
        )
        # columns: the registry's declared ones first, then the navigation's
        declared_cols = [c for c in sc.site.overrides.get("columns", []) if isinstance(c, dict) and c.get("url")]
        declared = [(c.get("name", ""), c["url"]) for c in declared_cols]
        render_cols = {_clean(response.urljoin(c["url"])) for c in declared_cols if c.get("render_js")}
        articles = {_clean(e.url) for e in listing.entries}  # a dated entry of a home block is not a column
        found = [(c.name, c.url) for c in discover_columns(text, response.url, max_columns=self.max_columns * 2,
                                                           site_url=sc.site.url)
                 if _clean(response.urljoin(c.url)) not in articles]
        for i, (name, url) in enumerate(declared + found):
            source = "registry" if i < len(declared) else "nav"
            req = self._column_request(sc, name, response.urljoin(url), depth=1, parent="", source=source,
                                       render=_clean(response.urljoin(url)) in render_cols)
            if req is not None:
                yield req
        # link availability: every link, image and attachment on the home page
        for _kind, url in page_links(text, response.url):
            req = self._link_request(sc, response.url, url, on_home=True)
            if req is not None:
                yield req

    def parse_home_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):  # noqa: ANN201
        yield self._site_item(sc, crawl_state="unreachable", error=f"首页无法访问：{reason}", final_url=request.url)

    # --- columns --------------------------------------------------------------------------------------
    def _column_request(self, sc: SiteCrawl, name: str, url: str, *, depth: int, parent: str,
                        source: str, render: bool = False) -> scrapy.Request | None:
        url = _clean(url)
        site_id = sc.site.site_id
        if not _same_site(url, sc.host) or not self.ledger.claim(site_id, url):
            return None
        if not self.ledger.take_budget(site_id, "columns", self.max_columns):
            self.ledger.release(site_id, url)
            return None
        render = render or self.render_mode == "always" or bool(sc.site.overrides.get("render_js"))
        meta = {"col": {"name": name.strip()[:120] or url, "url": url, "depth": depth, "parent": parent,
                        "source": source, "entries": [], "pages": 0, "rendered": render,
                        "blank": False, "blank_note": False, "status": None, "errors": []}}
        return self._request(sc, url, "parse_column", meta=meta, render=render)

    def _column_item(self, sc: SiteCrawl, meta: dict[str, Any], status: int | None, error: str = "") -> ColumnItem:
        col = meta["col"]
        return ColumnItem(
            run_id=self.run_id, site_id=sc.site.site_id, url=col["url"], name=col["name"],
            parent_url=col["parent"], depth=col["depth"], source=col["source"], http_status=status,
            error=error or "; ".join(col["errors"]), blank=col["blank"] and not error,
            blank_note=col["blank_note"], pages_fetched=col["pages"], rendered=col["rendered"],
            entries=col["entries"],
        )

    def parse_column(self, response: Response, sc: SiteCrawl):  # noqa: ANN201
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
        charset = _charset(response)
        listing = self._extract(response, sc, charset)
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
            text, _ = decode_html(response.body, charset)
            col["blank"] = listing.blank and not listing.blank_note and not listing.subcolumns
            col["blank_note"] = listing.blank_note
            yield PageItem(run_id=self.run_id, site_id=sc.site.site_id, url=response.url, kind="column",
                           status=response.status, features=page_features(text, response.url, sc.site.name))
            yield from self._follow_ups(response, sc, col, text)
            if col["depth"] < self.max_depth:
                for name, url in self._child_columns(listing, text, response.url):
                    req = self._column_request(sc, name, url, depth=col["depth"] + 1, parent=col["url"],
                                               source="subcolumn")
                    if req is not None:
                        yield req
        elif listing.entries:
            col["blank"] = False
        if listing.errors:
            col["errors"].extend(listing.errors)
        known = {e.url for e in col["entries"]}
        col["entries"].extend(_entry(e) for e in listing.entries if e.url not in known)
        if col["entries"]:
            col["blank"] = False
        # pagination: far enough to cover the longest rubric window
        dates = [e.date for e in col["entries"] if e.date is not None]
        covered = bool(dates) and min(dates) <= window(self.asof, self.history.days).start
        for nxt in listing.next_pages[:1]:
            nxt = _clean(response.urljoin(nxt))
            if (col["pages"] < self.max_pages and not covered and _same_site(nxt, sc.host)
                    and self.ledger.claim(sc.site.site_id, nxt)):
                yield self._request(sc, nxt, "parse_column", meta={"col": col}, render=rendered_now)
                return
        yield self._column_item(sc, meta, col["status"])

    @staticmethod
    def _child_columns(listing: Any, text: str, url: str) -> list[tuple[str, str]]:
        """Sub-columns: what the list extractor saw, plus the column links of a channel page (left-nav menus,
        "更多" links of its blocks) that live below this column's folder."""
        found = [(sub.name, urljoin(url, sub.url)) for sub in listing.subcolumns]
        folder = urlsplit(url).path.rsplit("/", 1)[0] + "/"
        entries = {_clean(e.url) for e in listing.entries}
        for link in discover_columns(text, url):
            path = urlsplit(link.url).path
            if path.startswith(folder) and path != urlsplit(url).path and _clean(link.url) not in entries:
                found.append((link.name, link.url))
        return found

    def _extract(self, response: Response, sc: SiteCrawl, charset: str | None) -> Any:
        slug = sc.site.overrides.get("parser")
        if slug:
            return self.parsers[slug].extract_list(response.body, response.url, charset, self.asof)
        return extract_list(response.body, response.url, charset, self.asof,
                            selectors=sc.site.overrides.get("selectors"))

    def parse_column_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):  # noqa: ANN201
        col = request.meta["col"]
        if col["pages"] == 0:
            yield self._column_item(sc, request.meta, None, f"栏目页面无法访问：{reason}")
        else:
            col["errors"].append(f"翻页 {request.url} 无法访问：{reason}")
            yield self._column_item(sc, request.meta, col["status"])

    def _follow_ups(self, response: Response, sc: SiteCrawl, col: dict[str, Any], text: str):  # noqa: ANN202
        """Per column kind: guides, letters, an article sample, a link sample."""
        category = classify_column(col["name"])
        if category in {"guide", "service"}:
            for url in find_guide_links(text, response.url):
                url = _clean(response.urljoin(url))
                if not self.ledger.claim(sc.site.site_id, url):
                    continue
                if not self.ledger.take_budget(sc.site.site_id, "guides", self.max_guides):
                    self.ledger.release(sc.site.site_id, url)
                    continue
                yield self._request(sc, url, "parse_guide")
        if category in {"consultation", "survey", "interview"}:
            for letter in extract_letters(text, response.url, self.asof):
                yield LetterItem(run_id=self.run_id, site_id=sc.site.site_id, url=letter.url or response.url,
                                 column_url=col["url"], title=letter.title,
                                 submitted=letter.submitted, replied=letter.replied)
        links = page_links(text, response.url)
        for _kind, url in links[: self.link_sample]:
            req = self._link_request(sc, response.url, url, on_home=False)
            if req is not None:
                yield req

    def parse_guide(self, response: Response, sc: SiteCrawl):  # noqa: ANN201
        if response.status >= 400:
            return
        text, _ = decode_html(response.body, _charset(response))
        info = guide_info(text, response.url)
        if not info.is_guide:
            return
        attachments = [_clean(response.urljoin(u)) for u in info.attachments]
        yield GuideItem(run_id=self.run_id, site_id=sc.site.site_id, url=response.url, title=info.title,
                        elements=list(info.elements), attachments=[{"url": u} for u in attachments])
        for url in attachments:
            req = self._link_request(sc, response.url, url, on_home=False, force=True)
            if req is not None:
                yield req

    # --- articles -----------------------------------------------------------------------------------
    def parse_article(self, response: Response, sc: SiteCrawl):  # noqa: ANN201
        text, _ = decode_html(response.body, _charset(response))
        yield PageItem(run_id=self.run_id, site_id=sc.site.site_id, url=response.url, kind="article",
                       status=response.status, features=page_features(text, response.url, sc.site.name))

    # --- link availability ------------------------------------------------------------------------------
    def _link_request(self, sc: SiteCrawl, page_url: str, url: str, *, on_home: bool,
                      force: bool = False) -> scrapy.Request | None:
        url = _clean(url)
        key = f"link:{url}"
        site_id = sc.site.site_id
        if not url.startswith(("http://", "https://")) or not self.ledger.claim(site_id, key):
            return None
        if not self.ledger.take_budget(site_id, "links", None if force else self.max_links):
            self.ledger.release(site_id, key)
            return None
        if (_same_site(url, sc.host) and looks_like_article_url(url) and not url.lower().endswith(ATTACHMENT_EXT)
                and self.ledger.take_budget(site_id, "articles", self.max_articles)):
            # fetch an article in full: it is both a link check and a meta-tag sample
            return self._request(sc, url, "check_link", meta={"page_url": page_url, "on_home": on_home,
                                                              "article": True})
        return self._request(sc, url, "check_link", method="HEAD",
                             meta={"page_url": page_url, "on_home": on_home, "handle_httpstatus_all": True})

    def check_link(self, response: Response, sc: SiteCrawl):  # noqa: ANN201
        meta = response.meta
        if response.request.method == "HEAD" and response.status in (400, 403, 405, 501):
            # many servers refuse HEAD; a GET decides
            yield self._request(sc, response.url, "check_link",
                                meta={"page_url": meta["page_url"], "on_home": meta["on_home"]})
            return
        yield LinkItem(run_id=self.run_id, site_id=sc.site.site_id, page_url=meta["page_url"],
                       link_url=response.request.url, on_home=meta["on_home"], status=response.status,
                       ok=response.status < 400)
        if meta.get("article") and response.status < 400:
            yield from self.parse_article(response, sc)

    def check_link_error(self, request: scrapy.Request, sc: SiteCrawl, reason: str):  # noqa: ANN201
        yield LinkItem(run_id=self.run_id, site_id=sc.site.site_id, page_url=request.meta["page_url"],
                       link_url=request.url, on_home=request.meta["on_home"], status=None, ok=False, error=reason)


def _entry(e: Any) -> Entry:
    """The evidence record of an extracted list entry (its date a real date, or None with the printed text)."""
    return Entry(url=e.url, title=e.title, date=e.date, date_text=getattr(e, "date_text", "") or "")


def _failure_text(failure: Failure) -> str:
    exc = failure.value
    name = type(exc).__name__
    text = str(exc).strip()
    if "Timeout" in name or "timeout" in text.lower():
        return f"超时（{name}）"
    if "ConnectionRefused" in name:
        return "连接被拒绝（ConnectionRefused）"
    if "DNSLookup" in name:
        return "域名无法解析（DNSLookupError）"
    return f"{name}: {text[:200]}" if text else name
