"""The `runs` table and its rubric snapshot: opening, finishing and reading a run's record.

One place writes run status (open -> running, finish -> finished | interrupted); the crawl's run-lifecycle
extension and `scrapy rescore` both go through here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from govaudit.runs.context import AuditRun
from govaudit.scoring.model import Rubric
from govaudit.scoring.rubric import RubricError, load_rubric, load_rubric_bytes
from govaudit.store import models as m
from govaudit.store.db import upsert

RUN_STATUSES = ("running", "finished", "interrupted")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def save_rubric_snapshot(session: Session, rubric: Rubric) -> None:
    if rubric.digest and session.get(m.RubricSnapshot, rubric.digest) is None:
        session.add(m.RubricSnapshot(hash=rubric.digest, name=rubric.name, text=rubric.source_text))


def open_run(session: Session, run: AuditRun) -> None:
    """Create the run (or mark a resumed one running again) and one row per target site."""
    save_rubric_snapshot(session, run.rubric)
    existing = session.get(m.Run, run.run_id)
    if existing is None:
        session.add(m.Run(**run.record()))
    else:
        existing.status = "running"
        existing.finished = None
    session.flush()
    rows = [{"run_id": run.run_id, **site} for site in run.site_records()]
    upsert(session, m.RunSite, rows, keys=["run_id", "site_id"],
           update=["name", "url", "organizer", "region", "level", "kind", "has_services"])


def finish_run(session: Session, run_id: str, status: str) -> None:
    if status not in RUN_STATUSES:
        raise ValueError(f"run status {status!r} is not one of {RUN_STATUSES}")
    session.execute(update(m.Run).where(m.Run.id == run_id).values(status=status, finished=_utcnow()))


def evidence_run_id(session: Session, run_id: str) -> str:
    """The run whose evidence rows `run_id` scored (itself for a crawl)."""
    run = session.get(m.Run, run_id)
    if run is None:
        raise LookupError(f"run {run_id!r} not found")
    return run.evidence_run_id or run.id


def rubric_of_run(session: Session, run_id: str, rubrics_dir: str | Path) -> Rubric:
    """The rubric a run was scored with: its stored snapshot, else (runs from before snapshots) the file
    its reference names today."""
    run = session.get(m.Run, run_id)
    if run is None:
        raise LookupError(f"run {run_id!r} not found")
    snap = session.get(m.RubricSnapshot, run.rubric_hash) if run.rubric_hash else None
    if snap is not None:
        return load_rubric_bytes(snap.text.encode("utf-8"), Path(f"<snapshot {snap.name} {snap.hash[:12]}>"))
    try:
        return load_rubric(run.rubric, rubrics_dir)
    except RubricError as exc:
        raise LookupError(f"run {run_id!r}: rubric {run.rubric!r} is neither stored nor readable: {exc}") from exc
