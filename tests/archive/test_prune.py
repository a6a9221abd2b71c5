"""Retention: `scrapy prune` removes the archives and screenshots of runs past the retention period, with
their index rows (a re-extraction's rows into the same files too), and nothing else: runs, findings and
younger or running runs stay; --dry-run removes nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from govaudit.commands.prune import Command as PruneCommand
from govaudit.store import models as m
from govaudit.store.db import get_engine
from tests.ops.helpers import run_command

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _run(s: Session, run_id: str, days_ago: int, status: str = "finished", kind: str = "audit") -> None:
    started = NOW - dt.timedelta(days=days_ago)
    s.add(m.Run(id=run_id, kind=kind, asof=started.date(), rubric="inspection-2019", started=started,
                status=status, evidence_run_id=run_id))
    s.add(m.Finding(run_id=run_id, site_id="s1", indicator="T-1", category="veto", message="一项检查发现"))


def _evidence(root: Path, s: Session, run_id: str, index_as: tuple[str, ...] | None = None) -> None:
    folder = root / run_id
    (folder / "screenshots" / "s1").mkdir(parents=True)
    (folder / "govaudit-1.warc.gz").write_bytes(b"\x1f\x8b" + b"w" * 5000)
    (folder / "screenshots" / "s1" / "a.jpg").write_bytes(b"\xff\xd8" + b"j" * 3000)
    for rid in index_as or (run_id,):
        s.execute(insert(m.ArchiveRecord), [{
            "run_id": rid, "site_id": "s1", "url": "http://a.gov.cn/", "method": "GET", "status": 200,
            "kind": "response", "warc_file": f"{run_id}/govaudit-1.warc.gz", "offset": 0, "length": 5002,
            "record_id": "<urn:uuid:x>", "digest": "sha1:X", "size": 100, "content_type": "text/html",
            "fetched_at": NOW}])
    s.add(m.Screenshot(run_id=run_id, site_id="s1", url="http://a.gov.cn/", path=f"{run_id}/screenshots/s1/a.jpg",
                       captured_at=NOW, bytes=3002))


@pytest.fixture
def store(tmp_path: Path) -> dict[str, Any]:
    url = f"sqlite:///{tmp_path / 'govaudit.sqlite'}"
    root = tmp_path / "evidence"
    with Session(get_engine(url)) as s, s.begin():
        _run(s, "old_1", 500)
        _run(s, "old-reextract", 499, kind="reextract")
        _run(s, "young", 30)
        _run(s, "old-but-running", 600, status="running")
        _evidence(root, s, "old_1", index_as=("old_1", "old-reextract"))
        _evidence(root, s, "young")
        _evidence(root, s, "old-but-running")
    orphan = root / "orphan-folder"
    orphan.mkdir()
    (orphan / "x.warc.gz").write_bytes(b"o" * 100)
    stamp = (NOW - dt.timedelta(days=900)).timestamp()
    os.utime(orphan, (stamp, stamp))
    return {"url": url, "root": root}


def _count(url: str, model: Any, **where: str) -> int:
    with Session(get_engine(url)) as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return int(s.scalar(q) or 0)


def test_prune_removes_expired_evidence_only(store: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_command(PruneCommand, ["--days", "400"], store["url"], capsys,
                            GOVAUDIT_EVIDENCE_DIR=str(store["root"]))
    assert code == 0, out
    assert sorted(p.name for p in store["root"].iterdir()) == ["old-but-running", "young"]
    assert "removed 2 run(s)" in out and "old_1" in out and "no run record" in out
    # index rows into the removed files are gone, the re-extraction's copy too; the others stay
    assert _count(store["url"], m.ArchiveRecord) == 2
    assert _count(store["url"], m.Screenshot) == 2
    # results are untouched
    assert _count(store["url"], m.Run) == 4 and _count(store["url"], m.Finding) == 4


def test_dry_run_removes_nothing(store: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_command(PruneCommand, ["--days", "400", "--dry-run"], store["url"], capsys,
                            GOVAUDIT_EVIDENCE_DIR=str(store["root"]))
    assert code == 0 and "would remove 2 run(s)" in out and "2 archive index row(s)" in out
    assert len(list(store["root"].iterdir())) == 4 and _count(store["url"], m.ArchiveRecord) == 4


def test_retention_setting_is_the_default(store: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_command(PruneCommand, [], store["url"], capsys, GOVAUDIT_EVIDENCE_DIR=str(store["root"]),
                            GOVAUDIT_EVIDENCE_RETENTION_DAYS=10)
    assert code == 0 and "younger than 10 day(s)" in out
    assert sorted(p.name for p in store["root"].iterdir()) == ["old-but-running"]
