"""Screenshots of what the audit found: the home page of every site and each page behind a veto or deduction
finding, full page, in Debian's Chromium, taken when the crawl closes (after scoring, before the report).

A page is opened from the archive, not from the site: every request the page makes is answered from the
run's WARC records (the page itself: its rendered DOM when it was rendered, else the response) or aborted,
and page scripts are off (a rendered DOM is already what the scripts built). The capture time, the time the
archived copy was fetched and its URL are printed on the image (a banner above the page) and kept in SQL
(`screenshots`) and in a JSON file beside the PNG. Caps: GOVAUDIT_SCREENSHOTS_MAX images and
GOVAUDIT_SCREENSHOTS_MAX_MB per run, GOVAUDIT_SCREENSHOT_MAX_HEIGHT pixels per image."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import html
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.archive.index import ArchiveMissing, find_record, read_record
from govaudit.extract.encoding import content_type_charset, decode_html
from govaudit.runs import AuditRun
from govaudit.store import models as m
from govaudit.store.db import get_engine, upsert

logger = logging.getLogger(__name__)

REASONS = ("home", "veto", "deduction")
SIZE_CAP = "screenshot size cap of the run reached"
NOT_ARCHIVED = "not in the archive"
BROWSER_GONE = "the browser closed during the shot"  # not the page's fault: shot again at the end
_PRIORITY = ("veto", "home", "deduction")  # the order targets are kept in under GOVAUDIT_SCREENSHOTS_MAX
VIEWPORT: Any = {"width": 1280, "height": 900}
# headers a fulfilled response must not repeat: the body handed over is already decoded and measured
_DROP = {"content-encoding", "content-length", "transfer-encoding", "set-cookie"}
# the shot is of the archived page itself: a refresh would move the tab on to the next page in the middle of it
_META_REFRESH = re.compile(rb"<meta[^>]{0,200}?http-equiv\s*=\s*[\"']?refresh[^>]{0,500}>", re.IGNORECASE)
BANNER = "截图时间：{captured}（{tz}）　存档抓取时间：{fetched}　来源：{source}　网址：{url}"
SOURCES = {"archive": "本次检查存档", "live": "在线页面（存档中无此页）"}
_BANNER_JS = """(text) => {
  const d = document.createElement('div');
  d.setAttribute('data-govaudit-capture', '');
  d.textContent = text;
  d.style.cssText = 'all:initial;display:block;box-sizing:border-box;width:100%;padding:6px 10px;'
    + 'background:#fff8d6;color:#000;border-bottom:2px solid #b00;white-space:normal;word-break:break-all;'
    + 'font:14px/1.5 "WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;';
  (document.body || document.documentElement).prepend(d);
  return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
}"""


@dataclass(frozen=True)
class ShotTarget:
    site_id: str
    url: str
    reason: str  # home | veto | deduction


def pages_of(refs: Any, subject_url: str, evidence: Any, letter_columns: dict[str, str] | None = None) -> list[str]:
    """The pages a finding is about, in the order it cites them: the page holding a broken link, the list
    page an article or a letter was read from, the column, page or guide itself; else its subject URL."""
    out: list[str] = []
    for ref in refs or []:
        if not isinstance(ref, dict):
            continue
        table = ref.get("table")
        if table == "links":
            out.append(str(ref.get("page_url") or ""))
        elif table == "articles":
            out.append(str(ref.get("column_url") or ref.get("url") or ""))
        elif table == "letters":
            url = str(ref.get("url") or "")
            out.append((letter_columns or {}).get(url) or url)
        else:
            out.append(str(ref.get("url") or ""))
    if not out:
        evidence = evidence if isinstance(evidence, dict) else {}
        out.append(str(subject_url or evidence.get("page_url") or evidence.get("url") or ""))
    return [u for u in dict.fromkeys(out) if u.startswith(("http://", "https://"))]


def letter_columns(session: Session, evidence_run_id: str,
                   site_id: str | None = None) -> dict[tuple[str, str], str]:
    """(site, letter URL) -> the column page the letter was read from (of one site, or of every site)."""
    query = select(m.Letter.site_id, m.Letter.url, m.Letter.column_url).where(m.Letter.run_id == evidence_run_id)
    if site_id is not None:
        query = query.where(m.Letter.site_id == site_id)
    return {(site, url): col for site, url, col in session.execute(query).all() if col}


def plan(session: Session, run_id: str, evidence_run_id: str, limit: int,
         site_id: str | None = None) -> list[ShotTarget]:
    """The targets kept under the cap of `limit`, in the order of `ranked_plan`."""
    return [target for _rank, target in ranked_plan(session, run_id, evidence_run_id, site_id)][:limit]


def ranked_plan(session: Session, run_id: str, evidence_run_id: str,
                site_id: str | None = None) -> list[tuple[int, ShotTarget]]:
    """(rank, target), best first: the pages of veto findings first (the proof of an unqualified verdict must
    survive the cap, even in a province of hundreds of sites), then home pages, then the pages of deduction findings; each page once, a
    home page that is also a finding's page kept as the site's home shot. `site_id`: that site's only."""
    home_query = select(m.Page.site_id, m.Page.url).where(m.Page.run_id == evidence_run_id, m.Page.kind == "home")
    finding_query = select(m.Finding).where(m.Finding.run_id == run_id, m.Finding.category.in_(("veto", "deduction")))
    if site_id is not None:
        home_query = home_query.where(m.Page.site_id == site_id)
        finding_query = finding_query.where(m.Finding.site_id == site_id)
    homes = session.execute(home_query.order_by(m.Page.site_id)).all()
    out: dict[tuple[str, str], ShotTarget] = {}
    rank: dict[tuple[str, str], int] = {}
    for home_site, url in homes:
        out.setdefault((home_site, url), ShotTarget(home_site, url, "home"))
        rank[(home_site, url)] = _PRIORITY.index("home")
    findings = session.scalars(finding_query.order_by(m.Finding.site_id, m.Finding.id)).all()
    by_site: dict[str, dict[str, str]] = {}
    for (site, url), col in letter_columns(session, evidence_run_id, site_id).items():
        by_site.setdefault(site, {})[url] = col
    for category in ("veto", "deduction"):
        for f in findings:
            if f.category != category:
                continue
            for url in pages_of(f.evidence_refs, f.subject_url or "", f.evidence, by_site.get(f.site_id, {})):
                key = (f.site_id, url)
                out.setdefault(key, ShotTarget(f.site_id, url, category))
                rank[key] = min(rank.get(key, len(_PRIORITY)), _PRIORITY.index(category))
    ordered = sorted(out, key=lambda key: (rank[key], key[0]))  # by site within a rank, stable within a site
    return [(rank[key], out[key]) for key in ordered]


def shot_path(run_id: str, site_id: str, url: str, image_type: str = "jpeg") -> str:
    """Relative to the evidence folder."""
    key = hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
    return f"{run_id}/screenshots/{site_id}/{key}.{'png' if image_type == 'png' else 'jpg'}"


class Screenshotter:
    """Takes the planned screenshots of a run (playwright's sync API: call it off the reactor thread)."""

    def __init__(self, *, database_url: str, evidence_dir: Path | str, run_id: str, archive_run_id: str,
                 timezone: str = "Asia/Shanghai", max_bytes: int = 200 * 1024 * 1024, max_height: int = 6000,
                 live_fallback: bool = False, chromium: str = "/usr/bin/chromium", timeout_ms: int = 15000,
                 image_format: str = "jpeg", quality: int = 80, concurrency: int = 1) -> None:
        self.database_url = database_url
        self.evidence_dir = Path(evidence_dir)
        self.run_id = run_id
        self.archive_run_id = archive_run_id
        self.tz = timezone
        self.max_bytes = max_bytes
        self.max_height = max_height
        self.live_fallback = live_fallback
        self.chromium = chromium
        self.timeout_ms = timeout_ms
        self.image_type = "png" if image_format.lower() == "png" else "jpeg"
        self.quality = None if self.image_type == "png" else quality
        self.concurrency = concurrency
        self.skipped: list[tuple[ShotTarget, str]] = []

    def take(self, targets: list[ShotTarget]) -> list[dict[str, Any]]:
        """Every target's screenshot, `concurrency` pages at a time in one browser (blocking: it runs its own
        event loop, so call it off the reactor's thread)."""
        engine = get_engine(self.database_url)
        with engine.connect() as db:
            rows = asyncio.run(self._take_all(db, targets))
        store_shots(self.database_url, rows)
        return rows

    async def _take_all(self, db: Any, targets: list[ShotTarget]) -> list[dict[str, Any]]:
        from playwright.async_api import async_playwright

        from govaudit.crawl.browser import lean_driver

        lean_driver()

        rows: list[tuple[int, dict[str, Any]]] = []
        total = 0
        queue = list(enumerate(targets))
        queue.reverse()

        async def worker(pw: Any) -> None:
            # a browser per worker (tabs of one browser side by side were no faster than one tab)
            nonlocal total
            shots = ShotBrowser.launching(self, db, pw)
            await shots.open()
            try:
                while queue:
                    n, target = queue.pop()
                    if total >= self.max_bytes:
                        self.skipped.append((target, SIZE_CAP))
                        continue
                    row = await shots.shoot(target)
                    if row is not None:
                        rows.append((n, row))
                        total += row["bytes"]
            finally:
                await shots.close()

        async with async_playwright() as pw:
            await asyncio.gather(*(worker(pw) for _ in range(max(1, min(self.concurrency, len(targets))))))
        return [row for _n, row in sorted(rows, key=lambda nr: nr[0])]

    def _copy_of(self, db: Any, url: str) -> Any:
        record = find_record(db, self.archive_run_id, url, rendered=None)
        if record is None or record.kind not in ("response", "revisit", "rendered"):
            return None
        try:
            return read_record(db, self.evidence_dir, record)
        except ArchiveMissing:
            return None

    async def _one(self, browser: Any, tab: Any, current: dict[str, Any], db: Any,
                   target: ShotTarget) -> dict[str, Any] | None:
        page_copy = self._copy_of(db, target.url)
        if page_copy is None and not self.live_fallback:
            self.skipped.append((target, NOT_ARCHIVED))
            return None
        live = None
        if page_copy is not None:
            current.clear()
            current.update(url=target.url, copy=page_copy)
            page = tab
        else:
            live = await browser.new_context(viewport=VIEWPORT, service_workers="block", accept_downloads=False)
            page = await live.new_page()
            page.set_default_timeout(self.timeout_ms)
        try:
            if page_copy is not None and _is_html(page_copy):
                # written into the tab, not navigated to: a navigation to another site's page costs Chromium a
                # new document in a new renderer process, a third of the CPU of the whole screenshot
                await page.set_content(archived_html(page_copy), wait_until="load")
            else:
                await page.goto(target.url, wait_until="load")
            captured = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            fetched = page_copy.fetched_at if page_copy is not None else None
            height = int(await page.evaluate(_BANNER_JS, self._banner(target.url, captured, fetched,
                                                                      "archive" if page_copy else "live")))
            height = max(1, min(height, self.max_height))
            image = await page.screenshot(full_page=True, type=self.image_type, quality=self.quality,
                                          clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
        finally:
            if live is not None:
                await live.close()
        rel = shot_path(self.run_id, target.site_id, target.url, self.image_type)
        path = self.evidence_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image)
        row = {"run_id": self.run_id, "site_id": target.site_id, "url": target.url, "path": rel,
               "reason": target.reason, "source": "archive" if page_copy else "live", "captured_at": captured,
               "fetched_at": fetched, "width": VIEWPORT["width"], "height": height, "bytes": len(image)}
        side = {**row, "captured_at": captured.isoformat() + "Z", "timezone": self.tz,
                "captured_local": self._local(captured), "fetched_at": fetched.isoformat() + "Z" if fetched else None,
                "archive": ({"warc_file": page_copy.row.warc_file, "offset": page_copy.row.offset,
                             "record_id": page_copy.row.record_id, "kind": page_copy.row.kind}
                            if page_copy is not None else None)}
        path.with_suffix(".json").write_text(json.dumps(side, ensure_ascii=False, indent=1), encoding="utf-8")
        return row

    def _local(self, when: dt.datetime) -> str:
        return when.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(self.tz)).strftime("%Y-%m-%d %H:%M:%S")

    def _banner(self, url: str, captured: dt.datetime, fetched: dt.datetime | None, source: str) -> str:
        return BANNER.format(captured=self._local(captured), tz=self.tz,
                             fetched=self._local(fetched) if fetched else "—", source=SOURCES[source], url=url)

    async def _answer(self, route: Any, db: Any, current: dict[str, Any]) -> None:
        """Every request of an archived page: the page itself from its copy, the rest from the archive when
        it is there, else aborted (the site is never asked)."""
        wanted = route.request.url
        page_copy = current.get("copy")
        if page_copy is not None and wanted not in (current.get("url"), page_copy.url) and _leaves_page(route):
            await route.abort("blockedbyclient")  # a meta refresh or link moving the tab: the shot is of this page
            return
        try:
            if page_copy is not None and wanted in (current.get("url"), page_copy.url):
                fetched = page_copy
            else:
                row = find_record(db, self.archive_run_id, wanted, rendered=False, method="GET")
                fetched = (read_record(db, self.evidence_dir, row)
                           if row is not None and row.kind in ("response", "revisit") else None)
        except ArchiveMissing:
            fetched = None
        finally:
            db.rollback()
        if fetched is None:
            await route.abort("blockedbyclient")
            return
        headers = {k: v for k, v in fetched.headers if k.lower() not in _DROP and k.lower() != "refresh"}
        body: bytes = fetched.body
        if wanted in (current.get("url"), getattr(page_copy, "url", None)):
            body = _META_REFRESH.sub(b"", body)
        await route.fulfill(status=fetched.status or 200, headers=headers, body=body)


class ShotBrowser:
    """A shotter's screenshots in a browser context of their own, in one tab reused for every archived page (a
    new tab costs as much as the screenshot); the tab's requests are answered from the archive copy of the page
    it shows now, and the tab is replaced after a failure (whatever the page left going must not reach the
    next), the context too when the browser died. `launch` gives the browser: one launched for the shots
    (`own_browser`, closed with them) or the crawl's (govaudit.crawl.browser.CHROMIUM, left open)."""

    def __init__(self, shotter: Screenshotter, db: Any, launch: Callable[[], Awaitable[Any]], *,
                 own_browser: bool = False, shared: Any = None) -> None:
        self.shotter = shotter
        self.db = db
        self.launch = launch
        self.own_browser = own_browser
        self.shared = shared  # the shared browser's owner (govaudit.crawl.browser.SharedChromium): held per shot
        self.current: dict[str, Any] = {}
        self.browser: Any = None
        self.archived: Any = None
        self.tab: Any = None

    @classmethod
    def launching(cls, shotter: Screenshotter, db: Any, pw: Any) -> ShotBrowser:
        """Shots in a browser of their own, launched by the Playwright driver `pw` and closed with them."""
        return cls(shotter, db, lambda: pw.chromium.launch(executable_path=shotter.chromium, headless=True,
                                                           args=["--no-sandbox", "--disable-gpu", "--disable-quic"]),
                   own_browser=True)

    async def open(self) -> None:
        self.browser = await self.launch()
        # archived pages: scripts off, every request answered by the archive
        self.archived = await self.browser.new_context(viewport=VIEWPORT, java_script_enabled=False,
                                                       service_workers="block", accept_downloads=False)
        self.tab = await self._new_tab()

    async def _new_tab(self) -> Any:
        tab = await self.archived.new_page()
        tab.set_default_timeout(self.shotter.timeout_ms)
        await tab.route("**/*", lambda route: self.shotter._answer(route, self.db, self.current))
        return tab

    async def shoot(self, target: ShotTarget) -> dict[str, Any] | None:
        """The target's row, or None (the reason is in the shotter's `skipped`)."""
        if self.shared is None:
            return await self._shoot(target)
        await self.shared.hold()
        try:
            if self.browser is None or not self.browser.is_connected():  # stopped while idle, or never opened
                await self.open()
            return await self._shoot(target)
        finally:
            self.shared.unhold()

    async def _shoot(self, target: ShotTarget) -> dict[str, Any] | None:
        try:
            return await self.shotter._one(self.browser, self.tab, self.current, self.db, target)
        except Exception as exc:  # one hostile page must not cost the others their screenshots
            logger.warning("screenshot of %s failed: %s", target.url, exc)
            gone = not self.browser.is_connected()  # the browser died (under another page, a render's maybe)
            self.shotter.skipped.append((target, BROWSER_GONE if gone else f"{type(exc).__name__}: {exc}"[:300]))
            await self._mend()
            return None
        finally:
            self.db.rollback()

    async def rest(self) -> None:
        """Leave the tab on an empty page while no shot is waiting: an archived page left showing may go on
        moving (a marquee, a CSS carousel, an animated GIF), and Chromium draws it all the while, scripts off
        or not (about a tenth of a core for one such page)."""
        if not self.current or self.tab is None or self.browser is None or not self.browser.is_connected():
            return
        self.current.clear()
        with contextlib.suppress(Exception):  # the browser may be going away under it; the next shot mends
            await self.tab.set_content("")

    async def _mend(self) -> None:
        """A new tab after a failure; a new context (in a browser launched again) when the browser died."""
        if self.browser.is_connected():
            with contextlib.suppress(Exception):
                await self.tab.close()
            self.tab = await self._new_tab()
            return
        await self.open()

    async def close(self) -> None:
        if self.browser is None:
            return
        with contextlib.suppress(Exception):  # the browser may have died with its last page
            await (self.browser.close() if self.own_browser else self.archived.close())
        self.browser = None


_HEAD = re.compile(r"<head(?:\s[^>]{0,2000})?>", re.IGNORECASE)
_HTML = re.compile(r"<html(?:\s[^>]{0,2000})?>", re.IGNORECASE)
_DOCTYPE = re.compile(r"\s*<!doctype[^>]{0,500}>", re.IGNORECASE)
_BASE = re.compile(r"<base\s[^>]{0,2000}?href\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


def _is_html(page_copy: Any) -> bool:
    """An HTML page (a PDF or an image is navigated to, its archived copy answering the request as before)."""
    ctype = page_copy.header("Content-Type").lower()
    if ctype:
        return "html" in ctype
    return page_copy.body[:1024].lstrip()[:1] == b"<"


def archived_html(page_copy: Any) -> str:
    """The archived page as the text the tab is given: decoded as a browser would (its declared charset weighed
    against the bytes), without a meta refresh (the shot is of this page), and with a <base> naming where it
    was fetched from, so that its relative stylesheets, images and frames are asked for (and answered from the
    archive) at the addresses the browser asked for them. A page's own <base> is kept, made absolute."""
    text, _ = decode_html(_META_REFRESH.sub(b"", page_copy.body), content_type_charset(page_copy.header("Content-Type")))
    own = _BASE.search(text[:100_000])
    base = urljoin(page_copy.url, own.group(1)) if own else page_copy.url
    tag = f'<base href="{html.escape(base, quote=True)}">'
    for pattern in (_HEAD, _HTML, _DOCTYPE):
        found = pattern.match(text) if pattern is _DOCTYPE else pattern.search(text[:100_000])
        if found:
            return text[:found.end()] + tag + text[found.end():]
    return tag + text  # no doctype: a <base> first starts the document's head as the parser would


def store_shots(database_url: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        with Session(get_engine(database_url)) as s, s.begin():
            upsert(s, m.Screenshot, rows, keys=["run_id", "site_id", "url"],
                   update=["path", "reason", "source", "captured_at", "fetched_at", "width", "height", "bytes"])


def _leaves_page(route: Any) -> bool:
    """The request navigates the tab itself (not a frame inside the page)."""
    request = route.request
    try:
        return bool(request.is_navigation_request()) and request.frame.parent_frame is None
    except Exception:  # a request without a frame (a service worker's): not a navigation of the tab
        return False


def settings_shotter(settings: Any, run: AuditRun) -> Screenshotter:
    launch = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    return Screenshotter(
        database_url=settings.get("GOVAUDIT_DATABASE_URL"), evidence_dir=settings.get("GOVAUDIT_EVIDENCE_DIR"),
        run_id=run.run_id, archive_run_id=run.run_id, timezone=run.timezone,
        max_bytes=settings.getint("GOVAUDIT_SCREENSHOTS_MAX_MB") * 1024 * 1024,
        max_height=settings.getint("GOVAUDIT_SCREENSHOT_MAX_HEIGHT"),
        live_fallback=settings.getbool("GOVAUDIT_SCREENSHOT_LIVE_FALLBACK"),
        chromium=launch.get("executable_path") or "/usr/bin/chromium",
        image_format=settings.get("GOVAUDIT_SCREENSHOT_FORMAT", "jpeg"),
        quality=settings.getint("GOVAUDIT_SCREENSHOT_QUALITY", 80),
        concurrency=settings.getint("GOVAUDIT_SCREENSHOT_CONCURRENCY", 1),
    )


def shot_plan(settings: Any, run: AuditRun) -> list[ShotTarget]:
    """The run's screenshots under GOVAUDIT_SCREENSHOTS_MAX."""
    with Session(get_engine(settings.get("GOVAUDIT_DATABASE_URL"))) as s:
        return plan(s, run.run_id, run.evidence_run_id, settings.getint("GOVAUDIT_SCREENSHOTS_MAX"))


def screenshot_run(settings: Any, run: AuditRun) -> list[dict[str, Any]]:
    """Plan and take the run's screenshots (blocking; call it off the reactor's thread or at close)."""
    targets = shot_plan(settings, run)
    if not targets:
        return []
    shotter = settings_shotter(settings, run)
    rows = shotter.take(targets)
    for target, why in shotter.skipped[:20]:
        logger.info("no screenshot of %s (%s): %s", target.url, target.reason, why)
    return rows
