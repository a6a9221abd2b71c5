"""Rectification (整改): compare a site's findings with those of its previous run."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from govaudit.reporting.notice_artefacts import loopback_artefact
from govaudit.reporting.views import FindingView, RunInfo
from govaudit.store.models import Run, Score

STATUS_LABELS = {"fixed": "已整改", "open": "仍未整改", "new": "新发现"}


@dataclass
class FindingChange:
    status: str  # fixed | open | new
    indicator: str
    title: str
    before: FindingView | None
    after: FindingView | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class SiteRectification:
    site_id: str
    previous_run_id: str
    previous_asof: dt.date
    verdict_before: str
    verdict_after: str
    score_before: float | None
    score_after: float | None
    changes: list[FindingChange] = field(default_factory=list)
    site: Any = None  # the SiteView of the current run

    def count(self, status: str) -> int:
        return sum(1 for c in self.changes if c.status == status)


def compare_findings(before: list[FindingView], after: list[FindingView]) -> list[FindingChange]:
    """Match findings by indicator and subject (the column, page or link URL they are about, site-relative).

    A pair with the same indicator and key is still open. Leftovers of one indicator pair up when
    either side has no key (an indicator-level finding such as "5 blank columns"). Unmatched earlier
    findings were fixed; unmatched current findings are new. Artefacts of the demo's loopback addressing are no
    rectification items (left out)."""
    changes: list[FindingChange] = []
    left = [f for f in before if not loopback_artefact(f.evidence)]
    right = [f for f in after if not loopback_artefact(f.evidence)]

    def take(pred) -> None:
        for b in list(left):
            for a in right:
                if pred(b, a):
                    changes.append(FindingChange("open", a.indicator, a.title or b.title, b, a))
                    left.remove(b)
                    right.remove(a)
                    break

    take(lambda b, a: b.indicator == a.indicator and b.match_key == a.match_key)
    take(lambda b, a: b.indicator == a.indicator and (b.match_key is None or a.match_key is None))
    changes.extend(FindingChange("fixed", b.indicator, b.title, b, None) for b in left)
    changes.extend(FindingChange("new", a.indicator, a.title, None, a) for a in right)
    order = {"open": 0, "new": 1, "fixed": 2}
    changes.sort(key=lambda c: (order[c.status], c.indicator))
    return changes


def previous_runs(session: Session, run: RunInfo, site_ids: list[str]) -> dict[str, str]:
    """site_id -> id of the latest earlier run that covered and scored the site; for a recheck
    (params `recheck`), the rechecked run for every site it scored."""
    rechecked = (run.params or {}).get("recheck")
    if rechecked:
        scored = set(session.scalars(select(Score.site_id).where(Score.run_id == rechecked)))
        return {site_id: str(rechecked) for site_id in site_ids if site_id in scored}
    found: dict[str, tuple[dt.date, dt.datetime, str]] = {}
    started = run.started or dt.datetime.max
    earlier = or_(Run.asof < run.asof, and_(Run.asof == run.asof, Run.started < started))
    for start in range(0, len(site_ids), 400):
        chunk = site_ids[start : start + 400]
        stmt = (  # a run covered a site when it scored it (a rescore has no run_sites rows of its own)
            select(Score.site_id, Run.id, Run.asof, Run.started)
            .join(Run, Run.id == Score.run_id)
            .where(Score.site_id.in_(chunk), Run.id != run.id, earlier)
        )
        for site_id, run_id, asof, run_started in session.execute(stmt):
            key = (asof, run_started or dt.datetime.min, run_id)
            if site_id not in found or key > found[site_id]:
                found[site_id] = key
    return {site_id: key[2] for site_id, key in found.items()}


def group_by_run(prev: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for site_id, run_id in prev.items():
        out[run_id].append(site_id)
    return out
