"""Finding an archived fetch by (run, url) in `archive_records` and reading it back from its WARC file with
warcio's ArchiveIterator (a revisit's body is read from the record its payload digest names)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from govaudit.archive.fetch import RENDER_REQUESTS_HEADER
from govaudit.crawl.urls import clean
from govaudit.store.models import ArchiveRecord

PLAIN_KINDS = ("response", "revisit", "truncated")
RENDERED_KINDS = ("rendered", "rendered-truncated")


class ArchiveMissing(LookupError):
    """The record (or its file) is not in the archive any more."""


@dataclass(frozen=True)
class ArchivedFetch:
    """One archived fetch, read back: the body raw (as received: replay) and decoded (content-encoding
    undone: views, screenshots, extraction)."""

    row: Any  # an archive_records row (ORM object or Core row)
    status: int | None
    headers: list[tuple[str, str]]
    raw: bytes
    body: bytes
    truncated: bool
    render_requests: list[dict[str, Any]] = field(default_factory=list)  # of a rendered page (archive.fetch)

    @property
    def url(self) -> str:
        return self.row.url

    @property
    def fetched_at(self) -> dt.datetime:
        return self.row.fetched_at

    @property
    def rendered(self) -> bool:
        return self.row.kind in RENDERED_KINDS

    def header(self, name: str) -> str:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return ""


def _variants(url: str) -> list[str]:
    base = clean(url)
    out = [url, base]
    out.append(base[:-1] if base.endswith("/") else base + "/")
    return list(dict.fromkeys(out))


_T = ArchiveRecord.__table__
# prepared once: one replayed request costs one indexed lookup (~0.2 ms), not an ORM query
_BY_URL = select(_T).where(_T.c.run_id == bindparam("run"), _T.c.url == bindparam("url")).order_by(_T.c.id.desc())
_BY_DIGEST = (select(_T).where(_T.c.digest == bindparam("digest"), _T.c.kind == "response")
              .order_by(_T.c.id).limit(1))


def records_for(db: Session | Connection, run_id: str, url: str) -> list[Any]:
    """Every record of `url` in the run, newest first (a URL fetched again, HEAD then GET, plain then
    rendered all leave records); the URL as given, else without its fragment or with(out) a final slash."""
    for variant in _variants(url):
        rows = list(db.execute(_BY_URL, {"run": run_id, "url": variant}).all())
        if rows:
            return rows
    return []


def _pick(rows: Iterable[Any], kinds: tuple[str, ...], method: str | None) -> Any:
    for row in rows:
        if row.kind in kinds and (method is None or row.method == method):
            return row
    return None


def find_record(db: Session | Connection, run_id: str, url: str, *, rendered: bool | None = None,
                method: str | None = "GET") -> Any:
    """The record to show or replay for `url`: rendered=True the DOM after scripts, False the response as
    received, None (a view, a screenshot) the best there is: the rendered DOM, else the response."""
    rows = records_for(db, run_id, url)
    if rendered is True:
        return _pick(rows, RENDERED_KINDS, None)
    if rendered is False:
        return _pick(rows, PLAIN_KINDS, method)
    for kinds in (("rendered",), ("response", "revisit"), ("truncated", "rendered-truncated")):
        row = _pick(rows, kinds, method if kinds != ("rendered",) else None)
        if row is not None:
            return row
    return None


def _read_at(evidence_dir: Path, warc_file: str, offset: int) -> tuple[Any, bytes]:
    path = Path(evidence_dir) / warc_file
    if not path.is_file():
        raise ArchiveMissing(f"{warc_file}: not in {evidence_dir} (pruned?)")
    with path.open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)), None)
        if record is None:
            raise ArchiveMissing(f"{warc_file}@{offset}: no record")
        return record, record.raw_stream.read()


def read_record(db: Session | Connection, evidence_dir: Path | str, row: Any) -> ArchivedFetch:
    """Read `row`'s record back; a revisit's body comes from the response record with the same digest."""
    evidence_dir = Path(evidence_dir)
    record, raw = _read_at(evidence_dir, row.warc_file, row.offset)
    http = record.http_headers
    headers = list(http.headers) if http is not None else [("Content-Type", row.content_type)]
    status = int(http.get_statuscode()) if http is not None and record.rec_type != "conversion" else row.status
    truncated = bool(record.rec_headers.get_header("WARC-Truncated"))
    if row.kind == "revisit":
        original = db.execute(_BY_DIGEST, {"digest": row.digest}).first()
        if original is None:
            raise ArchiveMissing(f"{row.url}: revisit of {row.digest} whose original record is gone")
        _, raw = _read_at(evidence_dir, original.warc_file, original.offset)
    body = _decode(raw, headers) if record.rec_type != "conversion" else raw
    return ArchivedFetch(row=row, status=status, headers=headers, raw=raw, body=body, truncated=truncated,
                         render_requests=_render_requests(record.rec_headers.get_header(RENDER_REQUESTS_HEADER)))


def _render_requests(value: str | None) -> list[dict[str, Any]]:
    try:
        found = json.loads(value) if value else []
    except ValueError:
        return []
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def read_body(evidence_dir: Path | str, warc_file: str, offset: int) -> bytes:
    """The body of the record at (file, offset), content-encoding undone (no SQL needed)."""
    record, raw = _read_at(Path(evidence_dir), warc_file, offset)
    if record.rec_type == "conversion" or record.http_headers is None:
        return bytes(raw)
    return _decode(raw, list(record.http_headers.headers))


def _decode(raw: bytes, headers: list[tuple[str, str]]) -> bytes:
    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if not encoding or encoding == "identity":
        return raw
    import gzip
    import zlib

    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(raw)
        if encoding == "deflate":
            try:
                return zlib.decompress(raw)
            except zlib.error:
                return zlib.decompress(raw, -zlib.MAX_WBITS)
        if encoding == "br":
            import brotli  # type: ignore[import-not-found]

            return bytes(brotli.decompress(raw))
    except Exception:  # a body the server mislabelled: give it as it is
        return raw
    return raw
