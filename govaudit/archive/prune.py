"""Retention of the evidence archive: a run's WARC files and screenshots are kept for
GOVAUDIT_EVIDENCE_RETENTION_DAYS after the run started, then removed by `scrapy prune`.

Only the raw evidence goes: the run's folder under GOVAUDIT_EVIDENCE_DIR and the index rows that point into
it (`archive_records` of any run, since a re-extraction indexes its source's files; `screenshots`). Results
(runs, evidence rows, scores, findings) and rendered report bundles, which carry their own copies of the
screenshots, are never touched. A folder no run row names is judged by its modification time; a run that is
still running is never pruned."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from govaudit.store import models as m


@dataclass
class Expired:
    run_id: str
    folder: Path
    started: dt.datetime | None  # None: no run row (an orphan folder, judged by its mtime)
    files: int = 0
    bytes: int = 0


@dataclass
class PruneResult:
    cutoff: dt.datetime
    expired: list[Expired] = field(default_factory=list)
    kept: int = 0
    index_rows: int = 0
    screenshot_rows: int = 0

    @property
    def bytes(self) -> int:
        return sum(e.bytes for e in self.expired)


def _deleted(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def expired_runs(session: Session, evidence_dir: Path, cutoff: dt.datetime) -> tuple[list[Expired], int]:
    """The run folders older than `cutoff` (UTC, naive), and how many are kept."""
    out: list[Expired] = []
    kept = 0
    if not evidence_dir.is_dir():
        return out, kept
    for folder in sorted(p for p in evidence_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        run = session.get(m.Run, folder.name)
        if run is not None:
            if run.status == "running" or run.started >= cutoff:
                kept += 1
                continue
            started: dt.datetime | None = run.started
        else:
            mtime = dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC).replace(tzinfo=None)
            if mtime >= cutoff:
                kept += 1
                continue
            started = None
        files, size = _size(folder)
        out.append(Expired(folder.name, folder, started, files, size))
    return out, kept


def prune(session: Session, evidence_dir: Path | str, days: int, *, dry_run: bool = False,
          now: dt.datetime | None = None) -> PruneResult:
    evidence_dir = Path(evidence_dir)
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = PruneResult(cutoff=now - dt.timedelta(days=days))
    result.expired, result.kept = expired_runs(session, evidence_dir, result.cutoff)
    for exp in result.expired:
        prefix = f"{exp.run_id}/"
        in_index = m.ArchiveRecord.warc_file.startswith(prefix, autoescape=True)
        in_shots = m.Screenshot.path.startswith(prefix, autoescape=True)
        if dry_run:
            result.index_rows += len(session.scalars(select(m.ArchiveRecord.id).where(in_index)).all())
            result.screenshot_rows += len(session.scalars(select(m.Screenshot.id).where(in_shots)).all())
            continue
        # the index first: a crash between the two leaves files without rows (pruned next time), never rows
        # pointing at missing files
        result.index_rows += _deleted(session.execute(delete(m.ArchiveRecord).where(in_index)))
        result.screenshot_rows += _deleted(session.execute(delete(m.Screenshot).where(in_shots)))
        session.commit()
        shutil.rmtree(exp.folder, ignore_errors=True)
    return result
