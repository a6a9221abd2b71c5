"""The `runs` table and its rubric snapshot: opening, finishing and reading a run's record.

One place writes run status (open -> running, finish -> finished | interrupted); the crawl's run-lifecycle
extension and `scrapy rescore` both go through here.

A run is crawled by one owner at a time (`runs.owner` = "host:pid", `runs.heartbeat`): opening a run that
another live process owns is refused. An owner is dead when its heartbeat is older than the lease, or at
once when it is a process of this host that no longer exists (a crawl killed with SIGKILL)."""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from govaudit.runs.context import AuditRun
from govaudit.scoring.model import Rubric
from govaudit.scoring.rubric import RubricError, load_rubric, load_rubric_bytes
from govaudit.store import models as m
from govaudit.store.db import upsert

RUN_STATUSES = ("running", "finished", "interrupted")
# per-site evidence of a crawl: cleared for a site that is crawled again from scratch on resume
SITE_EVIDENCE = (m.Page, m.Column, m.Article, m.Link, m.Guide, m.Letter, m.Finding, m.Score)


class RunLocked(RuntimeError):
    """Another live process is crawling this run."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(owner: str | None, heartbeat: dt.datetime | None, lease_s: float) -> bool:
    if not owner or owner == this_process():
        return False
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False  # killed on this host: its lock is stale at once
        except PermissionError:
            pass
    return heartbeat is not None and _utcnow() - heartbeat < dt.timedelta(seconds=lease_s)


def save_rubric_snapshot(session: Session, rubric: Rubric) -> None:
    if rubric.digest and session.get(m.RubricSnapshot, rubric.digest) is None:
        session.add(m.RubricSnapshot(hash=rubric.digest, name=rubric.name, text=rubric.source_text))


def open_run(session: Session, run: AuditRun, *, owner: str | None = None, lease_s: float = 120.0) -> None:
    """Create the run (or take a resumed one over) and one row per target site. Raises RunLocked when a
    live process owns the run."""
    save_rubric_snapshot(session, run.rubric)
    existing = session.get(m.Run, run.run_id, with_for_update=True)
    if existing is None:
        session.add(m.Run(**run.record(), owner=owner, heartbeat=_utcnow() if owner else None))
    else:
        if existing.status == "running" and owner_alive(existing.owner, existing.heartbeat, lease_s):
            raise RunLocked(f"run {run.run_id} is being crawled by {existing.owner} "
                            f"(last heartbeat {existing.heartbeat:%Y-%m-%d %H:%M:%S} UTC); "
                            "wait for it, or stop it first")
        existing.status = "running"
        existing.finished = None
        existing.owner = owner
        existing.heartbeat = _utcnow() if owner else None
    session.flush()
    rows = [{"run_id": run.run_id, **site} for site in run.site_records()]
    upsert(session, m.RunSite, rows, keys=["run_id", "site_id"],
           update=["name", "url", "organizer", "region", "level", "kind", "has_services"])


def heartbeat(session: Session, run_id: str, owner: str) -> None:
    session.execute(update(m.Run).where(m.Run.id == run_id, m.Run.owner == owner).values(heartbeat=_utcnow()))


def reset_sites(session: Session, run_id: str, site_ids: list[str]) -> None:
    """Forget what an interrupted crawl gathered of these (unfinished) sites: they are crawled again from
    their home pages, so a resumed run ends with exactly the evidence an uninterrupted one would have."""
    if not site_ids:
        return
    for model in SITE_EVIDENCE:
        session.execute(delete(model).where(model.run_id == run_id, model.site_id.in_(site_ids)))
    session.execute(update(m.RunSite).where(m.RunSite.run_id == run_id, m.RunSite.site_id.in_(site_ids))
                    .values(crawl_state="pending", home_status=None, final_url="", error="", write_errors=[],
                            done=False, claimed_by=None, claim_expires=None))


def finish_run(session: Session, run_id: str, status: str) -> None:
    if status not in RUN_STATUSES:
        raise ValueError(f"run status {status!r} is not one of {RUN_STATUSES}")
    session.execute(update(m.Run).where(m.Run.id == run_id)
                    .values(status=status, finished=_utcnow(), owner=None))


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
