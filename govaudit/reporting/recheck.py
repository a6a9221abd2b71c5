"""The recheck of a run's problem sites (`scrapy crawl audit -a recheck=RUN`) and its summary: which sites
fixed their problems, which did not, and which are overdue (still open after the run's `due` date)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.reporting.labels import PROBLEM_CATEGORIES
from govaudit.store.models import Finding, Run, Score


def problem_site_ids(session: Session, run_id: str) -> list[str]:
    """Sites of run `run_id` that were unqualified or had a problem finding (veto, requirement, deduction)."""
    ids = {s for (s,) in session.execute(select(Score.site_id).where(Score.run_id == run_id,
                                                                       Score.verdict == "unqualified"))}
    ids |= {s for (s,) in session.execute(select(Finding.site_id).where(
        Finding.run_id == run_id, Finding.category.in_(sorted(PROBLEM_CATEGORIES)), Finding.points != 0))}
    return sorted(ids)


@dataclass
class RecheckSummary:
    of_run: str
    due: dt.date | None
    asof: dt.date
    fixed: list[str] = field(default_factory=list)  # site ids with every earlier problem fixed
    not_fixed: list[str] = field(default_factory=list)  # site ids with an earlier problem still open
    overdue: list[str] = field(default_factory=list)  # not fixed and the recheck is after the due date


def summarize(session: Session, run_params: dict, asof: dt.date, rectified: list) -> RecheckSummary | None:
    """For a recheck run (params `recheck`): the sites' rectification against the rechecked run."""
    of_run = run_params.get("recheck")
    if not of_run:
        return None
    prev = session.get(Run, of_run)
    due_text = run_params.get("due") or ((prev.params or {}).get("due") if prev is not None else None)
    due = dt.date.fromisoformat(due_text) if due_text else None
    out = RecheckSummary(str(of_run), due, asof)
    for rect in rectified:
        if rect.count("open"):
            out.not_fixed.append(rect.site_id)
            if due is not None and asof > due:
                out.overdue.append(rect.site_id)
        else:
            out.fixed.append(rect.site_id)
    return out
