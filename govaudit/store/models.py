"""The schema. One table per kind of evidence; every evidence row is keyed by (run_id, site_id, key_hash)
with a unique constraint so that a resumed run never stores a row twice. `key_hash` is a digest of the row's
natural key (its URL, or column URL + URL...): URLs are unbounded text, and an index on the digest never
exceeds PostgreSQL's index-row limit however long a site's URLs are."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# the natural key of each evidence table, below (run_id, site_id)
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "pages": ("url",),
    "columns": ("url",),
    "articles": ("column_url", "url"),
    "links": ("page_url", "link_url"),
    "guides": ("url",),
    "letters": ("url",),
    # daily monitoring, below site_id
    "monitor_columns": ("url",),
    "monitor_ledger": ("column_url", "url"),
    "monitor_flags": ("url", "kind"),
}


def key_hash(*parts: str | None) -> str:
    """Digest of a natural key (32 hex digits)."""
    joined = "\x1f".join(p or "" for p in parts)
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def row_key(table: str, row: dict[str, Any]) -> str:
    return key_hash(*(row.get(c) for c in NATURAL_KEYS[table]))


def _key_default(table: str) -> Callable[[DefaultExecutionContext], str]:
    """`key_hash` filled from the row's natural key when an insert does not give it."""

    def default(ctx: DefaultExecutionContext) -> str:
        return row_key(table, ctx.get_current_parameters())

    return default


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="audit")  # audit | monitor | spotcheck | rescore
    asof: Mapped[dt.date] = mapped_column(Date)
    rubric: Mapped[str] = mapped_column(String(200))
    registry_source: Mapped[str] = mapped_column(String(500), default="")
    started: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | finished | interrupted
    parent_run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # rescore source
    # the run whose evidence rows (run_sites' crawl state, columns, pages, links...) this run scores:
    # itself for a crawl, the source crawl for a rescore
    evidence_run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), server_default="Asia/Shanghai")  # of the as-of date
    rubric_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)  # -> rubric_snapshots.hash
    # the process crawling the run ("host:pid") and when it last said so: a second crawl of the same run
    # is refused while the owner is alive (see govaudit.store.runs.open_run)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    heartbeat: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    sample_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    sample_seed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # registry totals at run time: {"registered", "running", "offline_temporary", "offline_permanent"}
    totals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RubricSnapshot(Base):
    """The exact rubric file a run was scored with (keyed by its sha256), so a report rendered later uses
    the wording and thresholds of that rubric even after rubrics/*.yaml changed."""

    __tablename__ = "rubric_snapshots"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    stored: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class RunSite(Base):
    """A site as it was in this run: registry data, whether sampled, how its crawl went."""

    __tablename__ = "run_sites"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(Text)
    organizer: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(20), default="department")
    has_services: Mapped[bool] = mapped_column(Boolean, default=True)
    crawl_state: Mapped[str] = mapped_column(String(20), default="pending")  # pending | ok | unreachable | blocked | error
    home_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    final_url: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    tls_problem: Mapped[str] = mapped_column(Text, default="")  # certificate problems of the https home page
    reach: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # home hops, columns left out, hosts
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    # the crawler process holding the site while it crawls it, when several share the run (store/claims.py)
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claim_expires: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # evidence rows of this site the writer could not store ("table url: error"), at most a few dozen
    write_errors: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("run_id", "site_id", "key_hash", name="uq_page"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    site_id: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("pages"))
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class Column(Base):
    """A column (栏目); its entries are `articles` rows. entries_count/undated/latest summarise the entries as
    of the crawl's as-of date for the report; scoring recomputes them from the articles at its as-of date."""

    __tablename__ = "columns"
    __table_args__ = (UniqueConstraint("run_id", "site_id", "key_hash", name="uq_column"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    site_id: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("columns"))
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    parent_url: Mapped[str] = mapped_column(Text, default="")
    depth: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(20), default="nav")
    on_home: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str] = mapped_column(String(40), default="other")
    http_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    blank_note: Mapped[bool] = mapped_column(Boolean, default=False)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    rendered: Mapped[bool] = mapped_column(Boolean, default=False)
    feed_url: Mapped[str | None] = mapped_column(Text, nullable=True, default="")  # records.Column.feed_url
    entries_count: Mapped[int] = mapped_column(Integer, default=0)
    undated: Mapped[int] = mapped_column(Integer, default=0)
    latest: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class Article(Base):
    """An entry of a column's list: dated, future-dated (after the as-of date) or undated alike."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("run_id", "site_id", "key_hash", name="uq_article"),
        Index("ix_article_site", "run_id", "site_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("articles"))
    column_url: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    date_text: Mapped[str] = mapped_column(Text, default="")  # the printed date when it is not a real date


class Link(Base):
    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("run_id", "site_id", "key_hash", name="uq_link"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    site_id: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("links"))
    page_url: Mapped[str] = mapped_column(Text)
    link_url: Mapped[str] = mapped_column(Text)
    on_home: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    error: Mapped[str] = mapped_column(Text, default="")


class Guide(Base):
    __tablename__ = "guides"
    __table_args__ = (UniqueConstraint("run_id", "site_id", "key_hash", name="uq_guide"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    site_id: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("guides"))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    elements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Letter(Base):
    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("run_id", "site_id", "key_hash", name="uq_letter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    site_id: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("letters"))
    url: Mapped[str] = mapped_column(Text)
    column_url: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    submitted: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    replied: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Probe(Base):
    """Availability probes are not tied to a run: the audit reads the 7 days before its as-of date."""

    __tablename__ = "probes"
    __table_args__ = (Index("ix_probe_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    elapsed: Mapped[float | None] = mapped_column(Float, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


class Score(Base):
    __tablename__ = "scores"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rubric: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(20))  # qualified | unqualified | unaudited
    # final (deduction score + bonus); None when unaudited or vetoed (a veto ends scoring)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    deduction_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    bonus: Mapped[float] = mapped_column(Float, default=0.0)
    vetoes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")  # why unaudited, or the deciding veto/score
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class Finding(Base):
    """One finding of a scored site. Typed columns say what it is and what it is about; `evidence` keeps
    the check's details (dates, counts, reasons) for display.

    * `check`: the rubric check kind that made it (`govaudit/scoring/checks`), "manual" for an operator's
      finding, "unaudited" for the note on a site that could not be checked.
    * `subject_url`: the column, page or link URL the finding is about; "" for a site-level finding (e.g.
      "6 columns not updated", availability). Rectification matches findings on it (site-relative).
    * `evidence_refs`: the evidence rows it cites, by natural key inside (the run's evidence run, site_id):
      ``{"table": "columns"|"pages"|"guides"|"letters", "url": U}``,
      ``{"table": "links", "page_url": P, "link_url": L}``, ``{"table": "articles", "column_url": C, "url": U}``.
      Only rows that exist are cited; the report joins on these (see govaudit/scoring/subjects.py)."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_finding_site", "run_id", "site_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[str] = mapped_column(String(64))
    indicator: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(20))  # veto | deduction | bonus | requirement | info
    check: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    points: Mapped[float] = mapped_column(Float, default=0.0)  # points actually applied (after caps)
    message: Mapped[str] = mapped_column(Text)
    subject_url: Mapped[str] = mapped_column(Text, default="")
    evidence_refs: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)


class ManualFinding(Base):
    """Findings an operator adds (e.g. a serious typo); they enter the verdict of runs covering the site."""

    __tablename__ = "manual_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    indicator: Mapped[str] = mapped_column(String(40))
    points: Mapped[float | None] = mapped_column(Float, nullable=True)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author: Mapped[str] = mapped_column(String(100))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # applies to as-of dates from here
    valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class RegistrySite(Base):
    """The imported registry (issue: registry import), with status history kept in RegistryEvent."""

    __tablename__ = "registry_sites"

    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000))
    organizer: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(20), default="department")
    status: Mapped[str] = mapped_column(String(30), default="running")
    status_since: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    has_services: Mapped[bool] = mapped_column(Boolean, default=True)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # further hosts of the site (the registry's optional `hosts` field): part of its crawl scope
    hosts: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    updated: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class RegistryEvent(Base):
    __tablename__ = "registry_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")


class ArchiveRecord(Base):
    """Where one archived fetch lives in the run's WARC files (govaudit/archive): the index that lets a page,
    column or finding find its record by (run, url). `warc_file` is relative to GOVAUDIT_EVIDENCE_DIR;
    `offset`/`length` delimit the record's gzip member. kind: response (the bytes as received), revisit (a
    body identical to an earlier record's: payload `digest` names it), rendered (the DOM after scripts, a
    WARC conversion record referring to the response), truncated (headers only: body over the size limit).
    A re-extraction run indexes the records it replayed under its own run id (same files)."""

    __tablename__ = "archive_records"
    __table_args__ = (
        Index("ix_archive_run_url", "run_id", "url"),
        Index("ix_archive_digest", "digest"),
        Index("ix_archive_file", "warc_file"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(String(2000))
    method: Mapped[str] = mapped_column(String(10), default="GET")
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(20))  # response | revisit | truncated | rendered | rendered-truncated
    warc_file: Mapped[str] = mapped_column(String(500))
    offset: Mapped[int] = mapped_column(BigInteger)
    length: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[str] = mapped_column(String(64))  # WARC-Record-ID
    digest: Mapped[str] = mapped_column(String(64), default="")  # payload sha1 (WARC-Payload-Digest)
    size: Mapped[int] = mapped_column(Integer, default=0)  # payload bytes as received (also when not stored)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class Screenshot(Base):
    """A full-page screenshot of an audited page (the home page, a page behind a veto or deduction finding),
    taken after the crawl from its archived copy; the capture time is printed on the image and kept here.
    `path` is relative to GOVAUDIT_EVIDENCE_DIR."""

    __tablename__ = "screenshots"
    __table_args__ = (UniqueConstraint("run_id", "site_id", "url", name="uq_screenshot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    site_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2000))
    path: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(20), default="home")  # home | veto | deduction
    source: Mapped[str] = mapped_column(String(20), default="archive")  # archive | live
    captured_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)  # of the archived copy
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(Integer, default=0)


class ZhaocuoMessage(Base):
    """A message of the national 「我为政府网站找错」 platform, imported from its export (`scrapy zhaocuo import`).
    `site_id` is the registry site it concerns ("" when the export names a site the registry does not know)."""

    __tablename__ = "zhaocuo_messages"

    message_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True, default="")
    site_name: Mapped[str] = mapped_column(String(300), default="")  # as the export names it
    received: Mapped[dt.date] = mapped_column(Date)
    replied: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    finished: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(40), default="")  # the platform's status text
    source: Mapped[str] = mapped_column(String(500), default="")  # the export file
    imported: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


# --- daily monitoring (日常监管): state kept across runs -------------------------------------------------


class MonitorSite(Base):
    """A site as daily monitoring knows it: which full audit its column map came from, its navigation."""

    __tablename__ = "monitor_sites"

    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    basis_run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the full audit of the map
    home_url: Mapped[str] = mapped_column(Text, default="")
    nav_digest: Mapped[str] = mapped_column(String(64), default="")  # the home page's column links
    rediscovered: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # last column re-discovery
    last_pass: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class MonitorColumn(Base):
    """A column of the monitor's map (the home page too, role "home"), with the validators of its first page
    and what that page listed when it was last read."""

    __tablename__ = "monitor_columns"
    __table_args__ = (UniqueConstraint("site_id", "key_hash", name="uq_monitor_column"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("monitor_columns"))
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40), default="other")
    depth: Mapped[int] = mapped_column(Integer, default=1)
    parent_url: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="audit")  # audit | nav | subcolumn | home
    role: Mapped[str] = mapped_column(String(20), default="list")  # home | list (daily) | aggregate | page
    rendered: Mapped[bool] = mapped_column(Boolean, default=False)
    # the JSON endpoint a rendered list is built from (seen while rendering): read directly on later days
    data_url: Mapped[str] = mapped_column(Text, default="")
    first_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    gone_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # left the navigation / not found
    etag: Mapped[str] = mapped_column(String(200), default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="")
    digest: Mapped[str] = mapped_column(String(64), default="")
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_checked: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_read: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # listed, or confirmed unchanged
    last_changed: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    snapshot: Mapped[list[Any]] = mapped_column(JSON, default=list)  # first page: [{url, title, date}]
    span_oldest: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # oldest date it covered
    latest: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    blank_note: Mapped[bool] = mapped_column(Boolean, default=False)


class LedgerEntry(Base):
    """First-seen ledger: an article as listed by a column, with the day govaudit first and last saw it
    there and the day it disappeared (taken off the list)."""

    __tablename__ = "monitor_ledger"
    __table_args__ = (
        UniqueConstraint("site_id", "key_hash", name="uq_ledger"),
        Index("ix_ledger_site_seen", "site_id", "first_seen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("monitor_ledger"))
    column_url: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    list_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the date the list shows
    url_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    page_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the article page's own date
    # known from a full audit or from the first sight of its column: never seen appearing (not a new entry)
    seeded: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[dt.date] = mapped_column(Date)
    last_seen: Mapped[dt.date] = mapped_column(Date)
    gone: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    gone_how: Mapped[str] = mapped_column(String(40), default="")  # unlisted | page-gone
    first_run_id: Mapped[str] = mapped_column(String(64), default="")
    last_run_id: Mapped[str] = mapped_column(String(64), default="")


class DateFlag(Base):
    """A suspected forged date (疑似伪造发稿日期) for a person to confirm or dismiss; never a veto by itself."""

    __tablename__ = "monitor_flags"
    __table_args__ = (UniqueConstraint("site_id", "key_hash", name="uq_monitor_flag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    key_hash: Mapped[str] = mapped_column(String(32), default=_key_default("monitor_flags"))
    column_url: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))  # backdated | page_later | url_later
    list_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    other_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    day: Mapped[dt.date] = mapped_column(Date)  # flagged on (the monitor run's as-of date)
    run_id: Mapped[str] = mapped_column(String(64), default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | confirmed | dismissed
    reviewed_by: Mapped[str] = mapped_column(String(100), default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class MonitorSiteDay(Base):
    """One site on one day of monitoring: what the daily pass saw (the monthly report's data)."""

    __tablename__ = "monitor_site_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64))
    reachable: Mapped[bool] = mapped_column(Boolean, default=False)
    home_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    home_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    home_latest: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    columns_checked: Mapped[int] = mapped_column(Integer, default=0)
    columns_changed: Mapped[int] = mapped_column(Integer, default=0)
    columns_failed: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    blank_columns: Mapped[int] = mapped_column(Integer, default=0)
    new_entries: Mapped[int] = mapped_column(Integer, default=0)
    removed_entries: Mapped[int] = mapped_column(Integer, default=0)
    flags: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")


class MonitorAlert(Base):
    """A site that crossed a line: open from `opened` until the condition clears (one per site, condition and
    subject at a time)."""

    __tablename__ = "monitor_alerts"
    __table_args__ = (Index("ix_monitor_alert", "site_id", "condition"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64))
    condition: Mapped[str] = mapped_column(String(40))  # home_stale | key_column | blank_columns | unreachable | forged_date
    subject: Mapped[str] = mapped_column(Text, default="")  # e.g. the column's URL
    opened: Mapped[dt.date] = mapped_column(Date)
    cleared: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    cleared_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # as it was when it opened
    last_details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MonitorNotification(Base):
    """Every message sent (or tried) about alerts: one per reference, channel and recipient, never twice."""

    __tablename__ = "monitor_notifications"
    __table_args__ = (UniqueConstraint("ref", "channel", "recipient", name="uq_monitor_notification"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(100))  # alert:<id> | digest:<day>
    day: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook
    recipient: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
