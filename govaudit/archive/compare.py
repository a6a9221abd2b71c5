"""How extraction changed on an archive: the pages of one WARC file read again by the current extractor and
compared with the evidence stored when they were crawled (or with another run's evidence of the same pages,
e.g. an earlier re-extraction). `python scripts/accuracy.py --warc FILE [--run RUN]` prints it.

Per column whose page is in the file: the entries the current extractor finds on that page against the
stored entries of the column that the page links (a paginated column's later pages are in other records),
the newest date and the blank state. Per page: the page features (找错 entry, identity numbers, meta tags...)."""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.http import Headers
from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from govaudit.crawl.responses import fetched_at
from govaudit.extract.encoding import content_type_charset, decode_html
from govaudit.extract.features import page_features
from govaudit.extract.feeds import read_feed
from govaudit.extract.listpage import extract_list
from govaudit.store import models as m


@dataclass
class ColumnChange:
    url: str
    site_id: str
    stored: tuple[int, dt.date | None, bool]  # entries on this page, newest date, blank
    current: tuple[int, dt.date | None, bool]
    gained: int = 0
    lost: int = 0

    @property
    def changed(self) -> bool:
        return self.stored != self.current or bool(self.gained or self.lost)


@dataclass
class PageChange:
    url: str
    site_id: str
    changes: dict[str, tuple[Any, Any]]


@dataclass
class Comparison:
    warc: Path
    crawl_run: str
    evidence_run: str
    asof: dt.date
    records: int = 0
    columns: list[ColumnChange] = field(default_factory=list)
    pages: list[PageChange] = field(default_factory=list)

    @property
    def changed_columns(self) -> list[ColumnChange]:
        return [c for c in self.columns if c.changed]

    @property
    def changed_pages(self) -> list[PageChange]:
        return [p for p in self.pages if p.changes]


Bodies = dict[tuple[str, bool], tuple[bytes, str | None, str]]


def _date_of(rec: Any) -> str:
    """The page's fetch time as an HTTP date: its Date header, else the record's WARC-Date (as replay does)."""
    if rec.http_headers is not None and rec.http_headers.get_header("Date"):
        return str(rec.http_headers.get_header("Date"))
    when = dt.datetime.fromisoformat(str(rec.rec_headers.get_header("WARC-Date")).replace("Z", "+00:00"))
    return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)


def _bodies(path: Path) -> tuple[str, Bodies]:
    """The run named by the file's warcinfo, and {(url, rendered): (body, charset, date)} of its pages: 2xx
    GET responses (a revisit's body is its original's in this file) and rendered DOMs."""
    run_id = ""
    out: Bodies = {}
    by_digest: dict[str, bytes] = {}
    last: tuple[str, tuple[str, bool]] | None = None  # (record id, key) of the last response
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            head = rec.rec_headers
            if rec.rec_type == "warcinfo":
                for line in rec.content_stream().read().decode("utf-8", "replace").splitlines():
                    if line.startswith("isPartOf:"):
                        run_id = line.split(":", 1)[1].strip()
            elif rec.rec_type == "request":
                # a HEAD link check's response has no body: the page is the GET's
                if last and head.get_header("WARC-Concurrent-To") == last[0] and rec.http_headers.protocol != "GET":
                    out.pop(last[1], None)
            elif rec.rec_type in ("response", "revisit") and rec.http_headers is not None:
                status = int(rec.http_headers.get_statuscode() or 0)
                body = rec.content_stream().read()
                digest = head.get_header("WARC-Payload-Digest") or ""
                if rec.rec_type == "response" and body:
                    by_digest.setdefault(digest, body)
                elif rec.rec_type == "revisit":
                    body = by_digest.get(digest, b"")
                key = (head.get_header("WARC-Target-URI"), False)
                if 200 <= status < 300 and body and not head.get_header("WARC-Truncated"):
                    out[key] = (body, content_type_charset(rec.http_headers.get_header("Content-Type")), _date_of(rec))
                    last = (head.get_header("WARC-Record-ID"), key)
            elif rec.rec_type == "conversion" and not head.get_header("WARC-Truncated"):
                out[(head.get_header("WARC-Target-URI"), True)] = (
                    rec.content_stream().read(), content_type_charset(head.get_header("Content-Type")), _date_of(rec))
    return run_id, out


def _links(text: str, url: str) -> set[str]:
    from lxml import html as lhtml

    try:
        root = lhtml.fromstring(text)
    except Exception:
        return set()
    return {urljoin(url, str(a.get("href")).strip()) for a in root.iter("a") if a.get("href")}


def _on_page(url: str, links: set[str], text: str) -> bool:
    """The page links this URL, or names it in its text (lists held in scripts or XML data stores)."""
    if url in links:
        return True
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return url in text or (len(path) > 1 and path in text)


def _fetched(date: str, tz: str) -> dt.datetime:
    return fetched_at(SimpleNamespace(headers=Headers({"Date": date})), tz)


def compare_warc(session: Session, warc: Path | str, run_id: str | None = None, *,
                 max_parse: int | None = None) -> Comparison:
    """Compare the pages of `warc` as stored (the evidence of `run_id`, default the run that wrote the file)
    with what the current extractor reads from the same bytes."""
    if max_parse is None:
        from govaudit import settings

        max_parse = int(settings.GOVAUDIT_MAX_PARSE_BYTES)
    path = Path(warc)
    crawl_run, bodies = _bodies(path)
    if not crawl_run:
        raise LookupError(f"{path}: no warcinfo naming its run (isPartOf)")
    crawl = session.get(m.Run, crawl_run)
    if crawl is None:
        raise LookupError(f"{path}: run {crawl_run!r} is not in this database")
    evidence_run = run_id or crawl.evidence_run_id or crawl_run
    ev = session.get(m.Run, evidence_run)
    asof = (ev or crawl).asof
    out = Comparison(warc=path, crawl_run=crawl_run, evidence_run=evidence_run, asof=asof, records=len(bodies))
    tz = (ev or crawl).timezone or "Asia/Shanghai"
    names = dict(session.execute(select(m.RunSite.site_id, m.RunSite.name).where(m.RunSite.run_id == evidence_run)).all())
    articles: dict[tuple[str, str], dict[str, dt.date | None]] = {}
    for a in session.scalars(select(m.Article).where(m.Article.run_id == evidence_run)):
        articles.setdefault((a.site_id, a.column_url), {})[a.url] = a.date
    for col in session.scalars(select(m.Column).where(m.Column.run_id == evidence_run).order_by(m.Column.site_id,
                                                                                                  m.Column.url)):
        feed_url = col.feed_url or ""
        if " " in feed_url:
            continue  # a list read from a form post: not archived as a page to read again
        found = bodies.get((feed_url, False)) if feed_url else None
        if not feed_url:
            found = bodies.get((col.url, True)) if col.rendered else None
            found = found or bodies.get((col.url, False))
        if found is None:
            continue
        body, charset, date = found
        body = body[:max_parse] if max_parse else body  # the spider's cut (GOVAUDIT_MAX_PARSE_BYTES)
        if feed_url:  # the list's first page is its script's request (extract/feeds.py)
            spec = {"url": feed_url, "method": "GET", "form": [], "page": 1, "base": col.url}
            listing, _ = read_feed(body, charset, spec, asof, _fetched(date, tz))
            text, links = decode_html(body, charset)[0].replace("\\/", "/"), set()
        else:
            listing = extract_list(body, col.url, charset, asof, fetched=_fetched(date, tz))
            text, _ = decode_html(body, charset)
            links = _links(text, col.url)
        stored = {u: d for u, d in articles.get((col.site_id, col.url), {}).items() if _on_page(u, links, text)}
        current = {e.url: e.date for e in listing.entries}
        newest = lambda dates: max((d for d in dates if d is not None and d <= asof), default=None)  # noqa: E731
        blank = listing.blank and not listing.blank_note and not listing.subcolumns
        out.columns.append(ColumnChange(
            url=col.url, site_id=col.site_id,
            stored=(len(stored), newest(stored.values()), bool(col.blank)),
            current=(len(current), newest(current.values()), bool(blank) and not current),
            gained=len(set(current) - set(stored)), lost=len(set(stored) - set(current))))
    for page in session.scalars(select(m.Page).where(m.Page.run_id == evidence_run).order_by(m.Page.site_id,
                                                                                              m.Page.url)):
        found = bodies.get((page.url, False))
        if found is None:
            continue
        text, _ = decode_html(found[0][:max_parse] if max_parse else found[0], found[1])
        now = page_features(text, page.url, names.get(page.site_id, ""))
        before = page.features or {}
        changes = {k: (before.get(k), now.get(k)) for k in sorted(set(before) | set(now))
                   if before.get(k) != now.get(k)}
        out.pages.append(PageChange(url=page.url, site_id=page.site_id, changes=changes))
    return out


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return "-"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def report_lines(cmp: Comparison) -> list[str]:
    head = (f"{cmp.warc}: run {cmp.crawl_run}, as-of {cmp.asof}, {cmp.records} page record(s); "
            f"stored evidence of run {cmp.evidence_run} vs the current extractor")
    lines = [head]
    changed = cmp.changed_columns
    lines.append(f"columns compared: {len(cmp.columns)}, extraction changed: {len(changed)}")
    for c in changed:
        (n0, d0, b0), (n1, d1, b1) = c.stored, c.current
        lines.append(f"  {c.site_id} {c.url}: entries {n0} -> {n1} (+{c.gained} -{c.lost}), newest {_show(d0)} -> "
                     f"{_show(d1)}, blank {b0} -> {b1}")
    pages = cmp.changed_pages
    lines.append(f"pages compared: {len(cmp.pages)}, features changed: {len(pages)}")
    for p in pages:
        diff = "; ".join(f"{k} {_show(a)} -> {_show(b)}" for k, (a, b) in p.changes.items())
        lines.append(f"  {p.site_id} {p.url}: {diff}")
    return lines


def main(argv: list[str]) -> int:
    """`--warc FILE [--run RUN] [--database URL]`: print the comparison; exit 0 (figures, not a verdict)."""
    import argparse

    ap = argparse.ArgumentParser(prog="accuracy.py --warc", description=__doc__)
    ap.add_argument("--warc", required=True, type=Path, help="a WARC file of a run's evidence archive")
    ap.add_argument("--run", default=None, help="compare with this run's evidence (default: the file's run)")
    ap.add_argument("--database", default=None, help="SQLAlchemy URL (default: GOVAUDIT_DATABASE_URL)")
    args = ap.parse_args(argv)
    if not args.warc.is_file():
        print(f"{args.warc}: no such file")
        return 2
    from govaudit import settings
    from govaudit.store.db import get_engine

    with Session(get_engine(args.database or settings.GOVAUDIT_DATABASE_URL, create=False)) as session:
        try:
            cmp = compare_warc(session, args.warc, args.run)
        except LookupError as exc:
            print(f"error: {exc}")
            return 2
    print("\n".join(report_lines(cmp)))
    return 0
