"""The extension that archives every response the audit downloaded (Scrapy's `response_downloaded`: each
raw response from the download handler, redirects and retried errors included, before any middleware
changed it) and indexes each record in SQL.

Records are written on one background thread (compression and digests off the reactor; the queue is
bounded, so a slow disk slows the crawl instead of filling memory); the index rows are inserted by the
reactor thread every few seconds and when the crawl closes, before the screenshots and the report."""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import insert
from twisted.internet import task

from govaudit.archive.fetch import Fetch
from govaudit.archive.records import FetchArchiver
from govaudit.archive.warcfile import WarcFiles
from govaudit.runs import AuditRun, current_run
from govaudit.store.db import session_factory
from govaudit.store.models import ArchiveRecord

logger = logging.getLogger(__name__)

_STOP = object()
_ATTR = "_govaudit_archive"


def archive_enabled(settings: Any) -> bool:
    return settings.getbool("GOVAUDIT_ARCHIVE_ENABLED", True) and not settings.get("GOVAUDIT_ARCHIVE_REPLAY")


class ArchiveCapture:
    def __init__(self, run: AuditRun, settings: Any, stats: Any) -> None:
        self.run = run
        self.stats = stats
        self.evidence_dir = Path(settings.get("GOVAUDIT_EVIDENCE_DIR"))
        info = {"operator": settings.get("BOT_NAME"), "http-header-user-agent": settings.get("USER_AGENT"),
                "description": f"govaudit run {run.run_id}, as-of {run.asof.isoformat()}, rubric {run.rubric_ref}"}
        self.files = WarcFiles(self.evidence_dir, run.run_id,
                               max_bytes=settings.getint("GOVAUDIT_ARCHIVE_ROTATE_MB", 100) * 1024 * 1024,
                               level=settings.getint("GOVAUDIT_ARCHIVE_GZIP_LEVEL", 6), info=info)
        self.archiver = FetchArchiver(self.files, max_body=settings.getint("GOVAUDIT_ARCHIVE_MAX_BODY"))
        self.Session = session_factory(settings.get("GOVAUDIT_DATABASE_URL"))
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=settings.getint("GOVAUDIT_ARCHIVE_QUEUE", 256))
        self._rows: list[dict[str, Any]] = []
        self._queued = 0  # fetches handed to the archive thread (reactor thread)
        self._archived = 0  # fetches the archive thread is done with (under the lock, with their rows)
        self.indexed = 0  # fetches whose index rows are in SQL: fetches are archived in the order queued
        self._lock = threading.Lock()
        self._errors = 0
        self._thread = threading.Thread(target=self._work, name="govaudit-archive", daemon=True)
        self._thread.start()
        self._flusher: task.LoopingCall | None = None
        self._closed = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchiveCapture:
        run = current_run(crawler)
        if run is None:
            raise NotConfigured("no audit run")
        if not archive_enabled(crawler.settings):
            raise NotConfigured("archive off (GOVAUDIT_ARCHIVE_ENABLED) or a replay crawl")
        ext = cls(run, crawler.settings, crawler.stats)
        setattr(crawler, _ATTR, ext)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    # --- reactor thread --------------------------------------------------------------------------------
    def response_downloaded(self, response: Any, request: Any, spider: Any) -> None:
        if not self._closed:
            self._queued += 1
            self._queue.put(Fetch.from_scrapy(response, request))

    def mark(self) -> int:
        """A mark of what has been downloaded so far: once `indexed` reaches it, every response downloaded
        before it can be found in SQL (govaudit.archive.index)."""
        return self._queued

    def spider_opened(self, spider: Any) -> None:
        self._flusher = task.LoopingCall(self.flush)
        self._flusher.start(5.0, now=False)

    def flush(self) -> None:
        with self._lock:
            rows, self._rows = self._rows, []
            archived = self._archived
        if rows:
            for row in rows:
                row["run_id"] = self.run.run_id
            with self.Session.begin() as session:
                session.execute(insert(ArchiveRecord), rows)
        self.indexed = archived

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._flusher is not None and self._flusher.running:
            self._flusher.stop()
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join()
        self.files.close()
        self.flush()
        for kind, n in self.archiver.counts.items():
            self.stats.set_value(f"govaudit/archive/{kind}", n)
        self.stats.set_value("govaudit/archive/bytes", self.files.bytes_written)
        self.stats.set_value("govaudit/archive/files", len(self.files.files))
        if self._errors:
            self.stats.set_value("govaudit/archive/errors", self._errors)
        if self.files.files:
            logger.info("govaudit evidence archive: %d record(s), %.1f MB in %d file(s) under %s",
                        sum(self.archiver.counts.values()), self.files.bytes_written / 1e6, len(self.files.files),
                        self.evidence_dir / self.run.run_id)

    # --- archive thread --------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            fetch = self._queue.get()
            if fetch is _STOP:
                return
            rows: list[dict[str, Any]] = []
            try:
                rows = self.archiver.archive(fetch)
            except Exception:  # a full disk must not stop the audit; the run's log says what is missing
                self._errors += 1
                if self._errors <= 5:
                    logger.exception("archiving %s failed", fetch.url)
            with self._lock:
                self._rows.extend(rows)
                self._archived += 1


def archive_of(crawler: Any) -> ArchiveCapture | None:
    """The crawl's archive extension (None: the archive is off)."""
    return getattr(crawler, _ATTR, None)
