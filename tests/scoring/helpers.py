from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from govaudit.scoring.evidence import load_evidence
from govaudit.scoring.model import Finding, Rubric, ScoreResult
from govaudit.scoring.service import evaluate

from .factory import ASOF


def score(session: Session, rubric: Rubric, site_id: str, asof: dt.date = ASOF, run_id: str = "run1") -> ScoreResult:
    return evaluate(load_evidence(session, run_id, site_id, asof), rubric, asof)


def of(result: ScoreResult, indicator: str, category: str | None = None) -> list[Finding]:
    return [f for f in result.findings if f.indicator == indicator and (category is None or f.category == category)]
