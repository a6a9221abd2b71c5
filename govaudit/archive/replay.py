"""A downloader middleware that answers every request of a crawl from a run's archive and sends nothing
to the network: re-extraction (`scrapy rescore RUN --reextract`) crawls last quarter's pages as they were.

It runs first (govaudit.archive.reextract.REPLAY_PRIORITY). A request is matched on (URL, method; rendered
or not) against the archive index of run GOVAUDIT_ARCHIVE_REPLAY and answered with a response rebuilt from
its WARC record, the body as it was received (compressed, if it was: the later middlewares decode it, follow
its redirects, store its cookies as they did). A request the archive cannot answer is refused (the spider's
errback records it, as it records a page that could not be fetched). A body that was over the archive's
size limit is answered with its status and headers and an empty body (flag "archive-truncated"). A response
without a Date header (a rendered DOM, a server that sends none) gets the time it was archived: the page's
"now" for relative and year-less dates is the original fetch's, not the replay's."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from govaudit.archive.fetch import META_REQUESTS
from govaudit.archive.index import ArchiveMissing, find_record, read_record
from govaudit.crawl.guard import OutOfScope
from govaudit.crawl.refusals import refusal_of_run
from govaudit.store.db import get_engine

logger = logging.getLogger(__name__)


class NotArchived(IgnoreRequest):
    """The archive holds no response for this request."""


class ArchiveReplay:
    def __init__(self, source_run: str, database_url: str, evidence_dir: Path, stats: Any) -> None:
        self.source_run = source_run
        self.db = get_engine(database_url).connect()  # one read connection for the crawl
        self.evidence_dir = evidence_dir
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchiveReplay:
        source = crawler.settings.get("GOVAUDIT_ARCHIVE_REPLAY")
        if not source:
            raise NotConfigured("not a replay crawl")
        mw = cls(source, crawler.settings.get("GOVAUDIT_DATABASE_URL"),
                 Path(crawler.settings.get("GOVAUDIT_EVIDENCE_DIR")), crawler.stats)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_closed(self, spider: Any) -> None:
        self.db.close()

    def process_request(self, request: Any) -> Any:
        rendered = bool(request.meta.get("playwright"))
        try:
            row = find_record(self.db, self.source_run, request.url, rendered=rendered, method=request.method)
            if row is None:
                refused = refusal_of_run(self.db, self.source_run, str(request.meta.get("site_id", "")), request.url)
                if refused is not None:  # the crawl's scope guard refused it: refused again, the same way
                    request.meta["scope_blocked"] = refused
                    raise OutOfScope(refused["code"], refused["url"], refused["message"])
                self.stats.inc_value("govaudit/replay/missing")
                raise NotArchived(f"存档中没有此请求的响应（{request.method} {request.url}）")
            try:
                fetch = read_record(self.db, self.evidence_dir, row)
            except ArchiveMissing as exc:
                self.stats.inc_value("govaudit/replay/missing")
                raise NotArchived(f"存档记录无法读取：{exc}") from None
        finally:
            self.db.rollback()  # no transaction left open between requests (SQLite readers block writers)
        flags = ["archive"]
        if fetch.truncated:
            flags.append("archive-truncated")
            self.stats.inc_value("govaudit/replay/truncated")
        self.stats.inc_value("govaudit/replay/answered")
        headers = Headers(fetch.headers)
        body = fetch.body if fetch.rendered else fetch.raw
        if fetch.rendered:
            flags.append("playwright")
            headers.pop("Content-Encoding", None)
            request.meta[META_REQUESTS] = fetch.render_requests  # what the browser asked for, as it did
        if not headers.get("Date"):
            # the fetch time is the page's "now" (relative and year-less dates count from it): a rendered
            # DOM or a server that sent no Date gets the archive's record of when it was fetched
            headers["Date"] = email.utils.format_datetime(row.fetched_at.replace(tzinfo=dt.UTC), usegmt=True)
        respcls = responsetypes.from_args(headers=headers, url=row.url, body=body)
        return respcls(url=row.url if rendered else request.url, status=fetch.status or 200, headers=headers,
                       body=body, request=request, flags=flags)
