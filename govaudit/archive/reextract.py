"""Re-extraction: `scrapy rescore RUN --reextract` rebuilds a run's evidence from its WARC archive with the
current extractor, without the network, and scores it.

The audit spider crawls the run's sites again in a new run (kind "reextract", parent RUN, its own evidence),
with the ArchiveReplay middleware answering every request from the archive of RUN's crawl and refusing
anything not archived; the usual pipelines extract, store and score, and the report is rendered as for a
crawl. The new run's archive index points at the same WARC files, so its findings link their archived
copies too. An extractor fix is thereby measured on last quarter's real pages."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import String, func, insert, literal, select

from govaudit.registry import Site
from govaudit.runs import AuditRun, attach_run
from govaudit.store import models as m
from govaudit.store.db import session_factory
from govaudit.store.runs import evidence_run_id, rubric_of_run

REPLAY_MIDDLEWARE = "govaudit.archive.replay.ArchiveReplay"
# first of all: a request is answered before any other middleware looks at it (no DNS lookups, no waits of
# politeness or rate limits), and every process_response still runs (redirects, decoding, cookies, guards)
REPLAY_PRIORITY = 40


class ReextractError(LookupError):
    """The run cannot be re-extracted (unknown, or without an archive)."""


def _index_copy(session: Any, source: str, run_id: str) -> None:
    """The new run's archive index: the source's records (same files), under the new run id."""
    cols = [c for c in m.ArchiveRecord.__table__.columns if c.name not in ("id", "run_id")]
    session.execute(insert(m.ArchiveRecord).from_select(
        ["run_id", *[c.name for c in cols]],
        select(literal(run_id, String), *cols).where(m.ArchiveRecord.run_id == source).order_by(m.ArchiveRecord.id)))


def build_reextract_run(settings: Any, run_id: str, *, rubric_ref: str | None = None,
                        asof: dt.date | None = None, new_run_id: str | None = None) -> AuditRun:
    """The new run: RUN's crawl's sites, as-of date and rubric (unless given), answered from its archive."""
    from govaudit.runs.build import _run_overrides
    from govaudit.scoring.rubric import load_rubric

    with session_factory(settings.get("GOVAUDIT_DATABASE_URL"))() as s:
        if s.get(m.Run, run_id) is None:
            raise ReextractError(f"run {run_id!r} not found")
        source_id = evidence_run_id(s, run_id)
        source = s.get(m.Run, source_id)
        if source is None:
            raise ReextractError(f"run {run_id!r}: its evidence run {source_id!r} is gone")
        archived = s.scalar(select(func.count()).select_from(m.ArchiveRecord)
                            .where(m.ArchiveRecord.run_id == source_id)) or 0
        if not archived:
            raise ReextractError(f"run {source_id!r} has no archive (crawled with GOVAUDIT_ARCHIVE_ENABLED off, "
                                 "or pruned)")
        rubric = (load_rubric(rubric_ref, settings.get("GOVAUDIT_RUBRICS_DIR")) if rubric_ref
                  else rubric_of_run(s, run_id, settings.get("GOVAUDIT_RUBRICS_DIR")))
        sites = list(s.scalars(select(m.RunSite).where(m.RunSite.run_id == source_id).order_by(m.RunSite.site_id)))
        overrides = _run_overrides(s, source.registry_source)
        record = {c.name: getattr(source, c.name) for c in m.Run.__table__.columns}
    targets = tuple(Site(site_id=r.site_id, name=r.name, url=r.url, organizer=r.organizer, region=r.region,
                         level=r.level, kind=r.kind, has_services=r.has_services,
                         overrides=overrides.get(r.site_id, {})) for r in sites)
    stamp = f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}"
    params = {**(record["params"] or {}), "reextract_of": source_id}
    return AuditRun(
        run_id=new_run_id or f"{source_id[:40]}-reextract-{stamp[-6:]}{secrets.token_hex(2)}",
        asof=asof or record["asof"], timezone=record.get("timezone") or settings.get("GOVAUDIT_TIMEZONE"),
        rubric=rubric, rubric_ref=rubric_ref or record["rubric"], rubric_hash=rubric.digest, kind="reextract",
        role="seed", targets=targets, registry_source=record["registry_source"], parent_run_id=run_id,
        sample_share=record["sample_share"], sample_seed=record["sample_seed"],
        totals=dict(record["totals"] or {}), params=params,
    )


def replay_settings(settings: Any, source_id: str) -> Any:
    out = settings.copy()
    out.set("GOVAUDIT_ARCHIVE_REPLAY", source_id, priority="cmdline")
    mws = dict(out.getdict("DOWNLOADER_MIDDLEWARES"))
    mws[REPLAY_MIDDLEWARE] = REPLAY_PRIORITY
    out.set("DOWNLOADER_MIDDLEWARES", mws, priority="cmdline")
    out.set("GOVAUDIT_SCREENSHOT_LIVE_FALLBACK", False, priority="cmdline")  # no network at all
    out.set("JOBDIR", None, priority="cmdline")
    out.set("DOWNLOAD_DELAY", 0, priority="cmdline")
    out.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    out.set("GOVAUDIT_REDIS_URL", "", priority="cmdline")  # a replay is one process
    # an archived 429 is answered again at once: waiting for Retry-After would only slow the replay down
    out.set("GOVAUDIT_RATE_LIMIT_WAIT", 0.0, priority="cmdline")
    out.set("GOVAUDIT_RATE_LIMIT_MAX_WAIT", 0.0, priority="cmdline")
    return out


def reextract(settings: Any, run_id: str, *, rubric_ref: str | None = None, asof: dt.date | None = None,
              new_run_id: str | None = None) -> tuple[AuditRun, Any]:
    """Run the replay crawl (blocking: it runs the reactor) and return (run, crawler)."""
    from scrapy.crawler import CrawlerProcess

    from govaudit.spiders.audit import AuditSpider

    run = build_reextract_run(settings, run_id, rubric_ref=rubric_ref, asof=asof, new_run_id=new_run_id)
    source_id = run.params["reextract_of"]
    with session_factory(settings.get("GOVAUDIT_DATABASE_URL")).begin() as s:
        _index_copy(s, source_id, run.run_id)
    process = CrawlerProcess(replay_settings(settings, source_id), install_root_handler=True)
    crawler = process.create_crawler(AuditSpider)
    attach_run(crawler, run)
    process.crawl(crawler)
    process.start()
    return run, crawler

