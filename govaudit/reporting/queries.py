"""SQL reads shared by the report sections."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govaudit.reporting.evidence import evidence_entries, match_key
from govaudit.reporting.labels import CATEGORY_LABELS
from govaudit.reporting.views import FindingView, RunInfo
from govaudit.store.models import Finding, Run, RunSite, Score

_CATEGORY_ORDER = {"veto": 0, "requirement": 1, "deduction": 2, "bonus": 3, "info": 4}


def run_info(run: Run) -> RunInfo:
    return RunInfo(
        id=run.id,
        kind=run.kind or "audit",
        asof=run.asof,
        rubric=run.rubric or "",
        started=run.started,
        finished=run.finished,
        status=run.status or "",
        sample_share=run.sample_share,
        sample_seed=run.sample_seed,
        totals=dict(run.totals or {}),
        params=dict(run.params or {}),
        evidence_run_id=run.evidence_run_id or run.id,
        parent_run_id=run.parent_run_id,
        timezone=run.timezone or "",
    )


def finding_view(row: Finding) -> FindingView:
    evidence = row.evidence if row.evidence is not None else {}
    return FindingView(
        id=row.id,
        site_id=row.site_id,
        indicator=row.indicator or "",
        category=row.category or "info",
        category_label=CATEGORY_LABELS.get(row.category or "", row.category or ""),
        title=row.title or row.indicator or "",
        points=float(row.points or 0.0),
        message=row.message or "",
        evidence=evidence,
        entries=evidence_entries(evidence),
        refs=list(row.evidence_refs or []),
        subject_url=row.subject_url or "",
        match_key=match_key(row.subject_url),
        manual=bool(row.manual),
        check=row.check or "",
        not_scored=bool(evidence.get("not_scored")) if isinstance(evidence, dict) else False,
    )


def findings_by_site(session: Session, run_id: str, site_ids: Iterable[str] | None = None) -> dict[str, list[FindingView]]:
    """site_id -> findings of the run, vetoes first, then by indicator."""
    out: dict[str, list[FindingView]] = defaultdict(list)
    ids = list(site_ids) if site_ids is not None else None
    chunks = [ids[i : i + 400] for i in range(0, len(ids), 400)] if ids is not None else [None]
    for chunk in chunks:
        stmt = select(Finding).where(Finding.run_id == run_id)
        if chunk is not None:
            if not chunk:
                continue
            stmt = stmt.where(Finding.site_id.in_(chunk))
        for row in session.scalars(stmt):
            out[row.site_id].append(finding_view(row))
    for views in out.values():
        views.sort(key=lambda f: (_CATEGORY_ORDER.get(f.category, 9), f.indicator, f.id))
    return out


def evidence_runs(session: Session, run_ids: list[str]) -> dict[str, str]:
    """run id -> the run whose evidence rows (run_sites, columns, links...) it scored (itself for a crawl)."""
    out: dict[str, str] = {}
    for i in range(0, len(run_ids), 400):
        for run_id, evidence_run_id in session.execute(
            select(Run.id, Run.evidence_run_id).where(Run.id.in_(run_ids[i : i + 400]))
        ):
            out[run_id] = evidence_run_id or run_id
    return out


def verdict_counts(session: Session, run_ids: list[str]) -> dict[str, dict[str, int]]:
    """run_id -> {"checked", "qualified", "unqualified", "unaudited"} (checked = sites of its evidence run)."""
    out: dict[str, dict[str, int]] = {
        rid: {"checked": 0, "qualified": 0, "unqualified": 0, "unaudited": 0} for rid in run_ids
    }
    if not run_ids:
        return out
    source = evidence_runs(session, run_ids)
    sites = dict(session.execute(
        select(RunSite.run_id, func.count())
        .where(RunSite.run_id.in_(sorted(set(source.values()))))
        .group_by(RunSite.run_id)
    ).all())
    for run_id in run_ids:
        out[run_id]["checked"] = int(sites.get(source.get(run_id, run_id), 0))
    for run_id, verdict, count in session.execute(
        select(Score.run_id, Score.verdict, func.count())
        .where(Score.run_id.in_(run_ids))
        .group_by(Score.run_id, Score.verdict)
    ):
        if verdict in ("qualified", "unqualified"):
            out[run_id][verdict] += count
    for counts in out.values():
        counts["unaudited"] = max(0, counts["checked"] - counts["qualified"] - counts["unqualified"])
    return out


def is_partial_rerun(run: RunInfo) -> bool:
    """A rerun of chosen sites (`-a site=ID`) is not comparable with a full check."""
    value = run.params.get("site") or run.params.get("sites")
    return bool(value)


def comparable_runs(session: Session, run: RunInfo, limit: int = 12) -> list[RunInfo]:
    """Earlier full runs of the same kind and rubric (oldest first, at most `limit`), scored at least once."""
    scored = select(Score.run_id).distinct()
    stmt = (
        select(Run)
        .where(Run.kind == run.kind, Run.rubric == run.rubric, Run.id != run.id, Run.id.in_(scored))
        .order_by(Run.asof.desc(), Run.started.desc())
    )
    out: list[RunInfo] = []
    for row in session.scalars(stmt):
        info = run_info(row)
        earlier = info.asof < run.asof or (
            info.asof == run.asof and run.started is not None and info.started is not None and info.started < run.started
        )
        if not earlier or is_partial_rerun(info):
            continue
        out.append(info)
        if len(out) >= limit:
            break
    out.reverse()
    return out
