"""Screenshots taken while the crawl runs, so that Chromium works on a core the crawl leaves idle instead of
after the crawl (at the cap of 200 pages that was a minute at the end of every large run).

The shots run as a task on the crawl's event loop, in a context of their own in the crawl's browser
(govaudit.crawl.browser.CHROMIUM: one Playwright driver and one Chromium per process, not two). Each site,
once scored (its SiteDoneItem has passed the pipelines), is planned (its veto pages, home page and deduction
pages: govaudit.archive.screenshots.ranked_plan) as soon as the archive index holds every response downloaded
before it was scored. The browser takes the pending pages in the plan's order (rank, then site), at most
GOVAUDIT_SCREENSHOTS_MAX of them, while the crawl goes on, each once the run's plan is projected to keep it:
its place in the plan is projected from the pages of each rank per site planned so far (the sites of the run
not planned yet, by site id, taken at that mean), and a page is shot early only well inside the cap
(SURE_SHARE of it). A page the projection got wrong is deleted at the end; the projection only decides how
much is shot before the end.

When the crawl finishes, the run's plan is made as it always was, the cap over the whole run: a planned page
already shot is kept, the others are shot then, and a page shot early that the plan does not keep (the cap went
to other sites' veto pages) is deleted. The run's screenshots are the same whether they were taken early or at
the end; only their capture times differ. An interrupted crawl deletes its early shots: the run is shot when
it finishes."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import heapq
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy.orm import Session

from govaudit.archive.capture import ArchiveCapture, archive_of
from govaudit.archive.screenshots import (
    BROWSER_GONE,
    NOT_ARCHIVED,
    SIZE_CAP,
    Screenshotter,
    ShotBrowser,
    ShotTarget,
    ranked_plan,
    screenshot_run,
    settings_shotter,
    shot_plan,
    store_shots,
)
from govaudit.crawl.browser import CHROMIUM, SharedChromium
from govaudit.extensions import close_order
from govaudit.items import SiteDoneItem
from govaudit.runs import AuditRun, current_run
from govaudit.store.db import get_engine

logger = logging.getLogger(__name__)

POLL_S = 0.25  # the browser thread looks for newly scored sites this often when it has nothing to shoot
SURE_SHARE = 0.8  # a page is shot during the crawl when projected to stand within this share of the cap

Key = tuple[str, str]  # (site id, url)


class ShotStream:
    """Screenshots as a task on the running event loop, fed the sites as they are scored (`site_scored`),
    finished with the run's plan (`await finish`) or abandoned (`await abandon`). The browser is the process's
    shared one (`chromium`, launched with `launch_options` if it is not running), used from `start` to the end."""

    def __init__(self, shotter: Screenshotter, limit: int, evidence_run_id: str, indexed: Callable[[], int],
                 site_ids: Sequence[str] = (), *, launch_options: dict[str, Any] | None = None,
                 chromium: SharedChromium = CHROMIUM) -> None:
        self.shotter = shotter
        self.limit = limit
        self._site_ids = sorted(set(site_ids))  # the run's sites: with the pages per site seen, where a page stands
        self._planned_ids: list[str] = []  # sorted
        self._rank_sites: dict[int, list[str]] = {}  # rank -> the site of each page of that rank planned, sorted
        self.evidence_run_id = evidence_run_id
        self.indexed = indexed  # how far the archive index has caught up with the downloads (ArchiveCapture)
        self.launch_options = launch_options or {"executable_path": shotter.chromium, "headless": True}
        self.chromium = chromium
        self._inbox: list[tuple[Any, ...]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._shot: dict[Key, dict[str, Any]] = {}  # pages shot so far, with their rows
        self._broken: set[Key] = set()  # pages whose shot failed (not retried at the end)
        self._bytes = 0
        self.taken = 0  # pages shot, in the crawl and at its end (a shot the run's plan drops included)
        self.at_end = 0  # of them, shot after the crawl finished
        self.dropped = 0  # shots taken in the crawl that the run's plan did not keep (deleted)
        self._rows: list[dict[str, Any]] = []
        self._engine: Any = None
        self.error: BaseException | None = None

    # --- the crawl's side --------------------------------------------------------------------------------
    def start(self) -> None:
        """Begin (on the running loop); the browser is held from now until the stream ends."""
        self.chromium.use()
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="govaudit-screenshots")

    def site_scored(self, site_id: str, mark: int) -> None:
        """`site_id` is scored; its pages are in the archive once the index reaches `mark`."""
        self._post(("site", site_id, mark))

    async def finish(self, targets: list[ShotTarget]) -> list[dict[str, Any]]:
        """The rows of `targets` (the run's plan, in its order), shot now where not shot already."""
        self._post(("finish", targets))
        await self._ended()
        if self.error is not None:
            raise self.error
        return self._rows

    async def abandon(self) -> None:
        """The crawl stopped before its end: no screenshot is kept."""
        self._post(("stop",))
        await self._ended()

    def _post(self, msg: tuple[Any, ...]) -> None:
        self._inbox.append(msg)
        if self._wake is not None:
            self._wake.set()

    async def _ended(self) -> None:
        if self._task is not None:
            await asyncio.shield(self._task)  # the stream's end (its deletions, the release) is not cancelled

    # --- the stream --------------------------------------------------------------------------------------
    async def _run(self) -> None:
        try:
            await self._main()
        except Exception as exc:  # reported by finish(); the extension then shoots at close as before
            self.error = exc
            self._delete(list(self._shot))
        finally:
            await self.chromium.release()

    async def _main(self) -> None:
        engine = self._engine = get_engine(self.shotter.database_url)
        with engine.connect() as db, Session(engine) as session:
            shots = ShotBrowser(self.shotter, db, lambda: self.chromium.browser(self.launch_options),
                                shared=self.chromium)
            try:
                await self._loop(session, shots)
            finally:
                await shots.close()

    async def _loop(self, session: Session, shots: ShotBrowser) -> None:
        waiting: list[tuple[int, str]] = []  # (archive mark, site id) of scored sites not planned yet
        pending: list[tuple[int, str, int, ShotTarget]] = []  # heap of (rank, site, order, target): the plan's order
        order = 0
        while True:
            final: list[ShotTarget] | None = None
            for msg in self._drain():
                if msg[0] == "stop":
                    self._delete(list(self._shot))
                    return
                if msg[0] == "finish":
                    final = msg[1]
                else:
                    waiting.append((msg[2], msg[1]))
            if final is not None:
                self._rows = await self._finish(shots, final)
                return
            indexed = self.indexed()
            for _mark, site_id in [w for w in waiting if w[0] <= indexed]:
                ranked = ranked_plan(session, self.shotter.run_id, self.evidence_run_id, site_id)
                session.rollback()
                bisect.insort(self._planned_ids, site_id)
                for rank, target in ranked:
                    bisect.insort(self._rank_sites.setdefault(rank, []), target.site_id)
                    heapq.heappush(pending, (rank, target.site_id, order, target))
                    order += 1
            waiting = [w for w in waiting if w[0] > indexed]
            if (pending and len(self._shot) < self.limit and self._bytes < self.shotter.max_bytes
                    and self._position(pending[0][0], pending[0][1]) < SURE_SHARE * self.limit):
                target = heapq.heappop(pending)[3]
                if self._key(target) in self._shot or self._key(target) in self._broken:
                    continue
                await self._shoot(shots, target)  # opens the shots' context at the first (none if none)
                continue
            await shots.rest()
            await self._sleep(POLL_S if waiting else None)

    async def _sleep(self, timeout: float | None) -> None:
        """Until a message comes, or `timeout` (the archive index is polled while scored sites wait for it)."""
        assert self._wake is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
        self._wake.clear()

    def _position(self, rank: int, site_id: str) -> float:
        """The pages projected to stand before a page of `rank` of site `site_id` in the run's plan: the pages
        of better ranks and of this rank of earlier sites, counted for the sites planned so far and taken at
        their mean per site for the others. Positions grow with (rank, site), as the plan orders its pages."""
        planned = len(self._planned_ids)
        if planned == 0:
            return float("inf")
        total = max(len(self._site_ids), planned)
        better = sum(len(sites) for r, sites in self._rank_sites.items() if r < rank)
        same = self._rank_sites.get(rank, [])
        earlier_sites = bisect.bisect_left(self._site_ids, site_id) - bisect.bisect_left(self._planned_ids, site_id)
        return (better + (total - planned) * better / planned
                + bisect.bisect_left(same, site_id) + max(0, earlier_sites) * len(same) / planned)

    def _drain(self) -> list[tuple[Any, ...]]:
        out, self._inbox = self._inbox, []
        return out

    @staticmethod
    def _key(target: ShotTarget) -> Key:
        return (target.site_id, target.url)

    async def _shoot(self, shots: ShotBrowser, target: ShotTarget) -> None:
        skipped = len(self.shotter.skipped)
        row = await shots.shoot(target)
        self.taken += 1
        if row is not None:
            self._shot[self._key(target)] = row
            self._bytes += row["bytes"]
            return
        reasons = [why for _t, why in self.shotter.skipped[skipped:]]
        del self.shotter.skipped[skipped:]  # said at the end, and only of the pages the plan keeps
        if reasons not in ([NOT_ARCHIVED], [BROWSER_GONE]):  # either may be shot at the end; a failure is final
            self._broken.add(self._key(target))
            self.shotter.skipped.append((target, reasons[0] if reasons else "failed"))

    async def _finish(self, shots: ShotBrowser, targets: list[ShotTarget]) -> list[dict[str, Any]]:
        wanted = {self._key(t) for t in targets}
        self.shotter.skipped = [(t, why) for t, why in self.shotter.skipped if self._key(t) in wanted]
        self.dropped += sum(1 for key in self._shot if key not in wanted)  # shot early, not kept by the run's plan
        await self._shoot_many(shots, [t for t in targets if self._key(t) not in self._shot
                                       and self._key(t) not in self._broken])
        rows: list[dict[str, Any]] = []
        total = 0
        for target in targets:  # the size cap in the plan's order
            if total >= self.shotter.max_bytes:
                self.shotter.skipped.append((target, SIZE_CAP))
                continue
            row = self._shot.pop(self._key(target), None)
            if row is not None:
                rows.append({**row, "reason": target.reason})
                total += row["bytes"]
        self._delete(list(self._shot))  # not kept: shot early and not planned, or past the size cap
        return rows

    async def _shoot_many(self, shots: ShotBrowser, targets: list[ShotTarget]) -> None:
        """`targets`, the shotter's `concurrency` at a time: each more in a context of its own in the same
        browser (a context of its own has a renderer process of its own, so side by side they use the cores
        the crawl has left)."""
        queue = list(reversed(targets))
        extra = max(0, min(self.shotter.concurrency, len(targets)) - 1)
        with contextlib.ExitStack() as stack:
            browsers = [shots, *(ShotBrowser(self.shotter, stack.enter_context(self._engine.connect()), shots.launch,
                                             shared=self.chromium) for _ in range(extra))]

            async def work(browser: ShotBrowser) -> None:
                while queue:
                    await self._shoot(browser, queue.pop())
                    self.at_end += 1

            try:
                await asyncio.gather(*(work(b) for b in browsers))
            finally:
                for browser in browsers[1:]:
                    await browser.close()

    def _delete(self, keys: list[Key]) -> None:
        for key in keys:
            row = self._shot.pop(key, None)
            if row is None:
                continue
            image = Path(self.shotter.evidence_dir) / row["path"]
            for path in (image, image.with_suffix(".json")):
                path.unlink(missing_ok=True)


class Screenshots:
    """The extension: the run's screenshots, taken while the crawl runs (a ShotStream fed every site scored
    by this process) and completed when it finishes, after the scores and the archive index and before the
    report (which links them: it waits for close step STEP). Without the archive (GOVAUDIT_ARCHIVE_ENABLED off)
    they are all taken at the end."""

    STEP = close_order.SCREENSHOTS

    def __init__(self, run: AuditRun, crawler: Any, archive: ArchiveCapture | None) -> None:
        self.run = run
        self.crawler = crawler
        self.settings = crawler.settings
        self.archive = archive
        self.stream: ShotStream | None = None
        if archive is not None:
            self.stream = ShotStream(settings_shotter(self.settings, run), self.settings.getint("GOVAUDIT_SCREENSHOTS_MAX"),
                                     run.evidence_run_id, lambda: archive.indexed,
                                     site_ids=[t.site_id for t in run.targets],
                                     launch_options=self.settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or None)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Screenshots:
        run = current_run(crawler)
        if run is None or not run.owns_run:
            raise NotConfigured("no run of this worker's own")
        if not crawler.settings.getbool("GOVAUDIT_SCREENSHOTS_ENABLED"):
            raise NotConfigured("GOVAUDIT_SCREENSHOTS_ENABLED is off")
        ext = cls(run, crawler, archive_of(crawler))
        close_order.expect(crawler, cls.STEP)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        if self.stream is not None:
            self.stream.start()

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        if self.stream is not None and self.archive is not None and isinstance(item, SiteDoneItem):
            self.stream.site_scored(item.site_id, self.archive.mark())

    async def spider_closed(self, spider: Any, reason: str) -> None:
        try:
            if reason != "finished":
                if self.stream is not None:
                    await self.stream.abandon()
                return  # an interrupted run is screenshotted when it finishes
            rows = await self._finish()
            self.crawler.stats.set_value("govaudit/screenshots", len(rows))
            if rows:
                logger.info("govaudit screenshots: %d (%.1f MB) under %s", len(rows),
                            sum(r["bytes"] for r in rows) / 1e6,
                            Path(self.settings.get("GOVAUDIT_EVIDENCE_DIR")) / self.run.run_id / "screenshots")
        finally:
            close_order.finished(self.crawler, self.STEP)

    async def _finish(self) -> list[dict[str, Any]]:
        try:
            if self.stream is not None:
                targets = shot_plan(self.settings, self.run)
                rows = await self.stream.finish(targets)
                for name in ("taken", "at_end", "dropped"):
                    self.crawler.stats.set_value(f"govaudit/screenshots_{name}", getattr(self.stream, name))
                store_shots(self.settings.get("GOVAUDIT_DATABASE_URL"), rows)
                for target, why in self.stream.shotter.skipped[:20]:
                    logger.info("no screenshot of %s (%s): %s", target.url, target.reason, why)
                return rows
        except Exception:  # the stream failed: every screenshot is taken now, as without the stream
            logger.exception("screenshots during the crawl of run %s failed; taking them now", self.run.run_id)
        return await asyncio.to_thread(self._at_close)  # a browser of its own, on its own loop

    def _at_close(self) -> list[dict[str, Any]]:
        try:
            return screenshot_run(self.settings, self.run)
        except Exception:  # the results are stored; screenshots are evidence, not the verdict
            logger.exception("screenshots of run %s failed", self.run.run_id)
            return []
