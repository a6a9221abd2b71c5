"""The archived copies and screenshots of the pages a report talks about: the home page of each site and
the page behind each finding, found in the archive index (`archive_records`) and `screenshots` of the run
(a rescore's are its evidence crawl's). Plain data only; the bundle writer copies the files."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.archive.index import find_record
from govaudit.archive.screenshots import letter_columns, pages_of
from govaudit.reporting.views import ArchivedCopy, RunInfo, SiteView
from govaudit.store.models import ArchiveRecord, Page, Screenshot


def _local(when: dt.datetime | None, tz: str) -> str:
    if when is None:
        return ""
    try:
        zone = ZoneInfo(tz or "Asia/Shanghai")
    except ZoneInfoNotFoundError:
        zone = ZoneInfo("Asia/Shanghai")
    return when.replace(tzinfo=dt.UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


class _Finder:
    """The archived copy of each (site, URL), with its screenshot when `screenshots` (or once `add_screenshots`)."""

    def __init__(self, session: Session, run: RunInfo, screenshots: bool = True) -> None:
        self.session = session
        self.run = run
        self.runs = list(dict.fromkeys([run.id, run.evidence_run_id or run.id]))
        self.tz = run.timezone or "Asia/Shanghai"
        self.shots: dict[tuple[str, str], Screenshot] = {}
        self._cache: dict[tuple[str, str], ArchivedCopy | None] = {}
        if screenshots:
            self.add_screenshots()

    def add_screenshots(self) -> None:
        for run_id in reversed(self.runs):  # the run's own screenshots win over its evidence run's
            for shot in self.session.scalars(select(Screenshot).where(Screenshot.run_id == run_id)):
                self.shots[(shot.site_id, shot.url)] = shot

    def copy(self, site_id: str, url: str) -> ArchivedCopy | None:
        if not url.startswith(("http://", "https://")):
            return None
        key = (site_id, url)
        if key not in self._cache:
            self._cache[key] = self._lookup(url)
        out = self._cache[key]
        shot = self.shots.get(key)
        if shot is not None:
            if out is None:  # screenshotted, not archived
                out = self._cache[key] = self._new(url)
            out.screenshot = shot.path
            out.captured_at = _local(shot.captured_at, self.tz)
        return out

    def _new(self, url: str) -> ArchivedCopy:
        return ArchivedCopy(url=url, key=hashlib.sha1(url.encode("utf-8")).hexdigest()[:16], timezone=self.tz)

    def _lookup(self, url: str) -> ArchivedCopy | None:
        row = None
        for run_id in self.runs:
            row = find_record(self.session, run_id, url, rendered=None)
            if row is not None:
                break
        if row is None:
            return None
        out = self._new(url)
        body = row
        if row.kind == "revisit":
            body = self.session.execute(select(ArchiveRecord.warc_file, ArchiveRecord.offset)
                                        .where(ArchiveRecord.digest == row.digest, ArchiveRecord.kind == "response")
                                        .order_by(ArchiveRecord.id).limit(1)).first() or row
        out.warc_file, out.offset, out.length = row.warc_file, row.offset, row.length
        out.record_id, out.digest, out.kind = row.record_id, row.digest, row.kind
        out.status, out.content_type = row.status, row.content_type
        out.fetched_at = _local(row.fetched_at, self.tz)
        if row.kind not in ("truncated", "rendered-truncated"):
            out.body_file, out.body_offset = body.warc_file, body.offset
        return out


def attach_archived_copies(session: Session, run: RunInfo, sites: list[SiteView],
                           screenshots: bool = True) -> Callable[[Session], None]:
    """Set `home_copy` of each site and `copies` of each finding (the pages it cites that were kept).
    Returns what attaches the run's screenshots later (`screenshots=False`: the copies are attached now
    without them, and the run's screenshots, once taken, are added by calling it with a session)."""
    finder = _Finder(session, run, screenshots)
    source = run.evidence_run_id or run.id
    homes = dict(session.execute(select(Page.site_id, Page.url).where(Page.run_id == source, Page.kind == "home")).all())
    letters: dict[str, dict[str, str]] = {}
    for (sid, url), col in letter_columns(session, source).items():
        letters.setdefault(sid, {})[url] = col
    cited = [(site, homes.get(site.site_id),
              [(f, pages_of(f.refs, f.subject_url, f.evidence, letters.get(site.site_id, {}))) for f in site.findings])
             for site in sites]

    def attach() -> None:
        for site, home, findings in cited:
            site.home_copy = finder.copy(site.site_id, home) if home else None
            for finding, pages in findings:
                finding.copies = [c for c in (finder.copy(site.site_id, u) for u in pages) if c is not None]

    def add_screenshots(later: Session) -> None:
        finder.session = later
        finder.add_screenshots()
        attach()

    attach()
    return add_screenshots
