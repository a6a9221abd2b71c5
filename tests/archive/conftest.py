"""Helpers of the archive tests: fetches as the capture extension builds them, a run's WARC writer and
its SQL index on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from govaudit.archive.fetch import Fetch
from govaudit.archive.records import FetchArchiver
from govaudit.archive.warcfile import WarcFiles
from govaudit.store.db import get_engine
from govaudit.store.models import ArchiveRecord

RUN = "20261120-080000-test"


def html(title: str, rows: int = 20, charset: str = "utf-8") -> bytes:
    items = "".join(f"<li><a href='/xw/{i}.html'>{title}第{i}条</a><span>2026-11-{1 + i % 19:02d}</span></li>"
                    for i in range(rows))
    return (f"<html><head><meta charset='{charset}'><title>{title}</title></head>"
            f"<body><ul>{items}</ul></body></html>").encode(charset)


def fetch(url: str, body: bytes, *, status: int = 200, method: str = "GET", site_id: str = "s1",
          rendered: bool = False, headers: list[tuple[str, str]] | None = None) -> Fetch:
    return Fetch(url=url, request_url=url, method=method, status=status,
                 headers=headers if headers is not None else [("Content-Type", "text/html; charset=utf-8")],
                 body=body, site_id=site_id, request_headers=[("User-Agent", "govaudit-test")],
                 rendered=rendered, fetched_at=dt.datetime(2026, 11, 20, 8, 0, 0))


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)  # no time in the header: two calls give the same bytes


class Archive:
    """A run's archive in a temporary evidence folder, indexed in SQLite as the extension does it."""

    def __init__(self, tmp: Path, *, max_body: int = 1 << 20, rotate_bytes: int = 50 << 20) -> None:
        self.evidence = tmp / "evidence"
        self.db_url = f"sqlite:///{tmp / 'govaudit.sqlite'}"
        self.engine = get_engine(self.db_url)
        self.files = WarcFiles(self.evidence, RUN, max_bytes=rotate_bytes, info={"description": "test"})
        self.archiver = FetchArchiver(self.files, max_body=max_body)
        self.rows: list[dict[str, Any]] = []

    def add(self, *fetches: Fetch) -> list[dict[str, Any]]:
        out = []
        for f in fetches:
            out.extend(self.archiver.archive(f))
        self.rows.extend(out)
        return out

    def close(self) -> None:
        self.files.close()
        with Session(self.engine) as s, s.begin():
            if self.rows:
                s.execute(insert(ArchiveRecord), [{**r, "run_id": RUN} for r in self.rows])
        self.rows = []


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path)
