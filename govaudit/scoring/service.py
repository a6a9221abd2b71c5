"""Score a site (or a whole run): load evidence from SQL, run the rubric's checks, decide, store.

Storing replaces the (run_id, site_id) rows of `scores` and `findings`, so scoring twice gives the same
rows. The evidence run (rows read) may differ from the result run (rows written): that is `rescore`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from govaudit.scoring.checks import CHECKS
from govaudit.scoring.evidence import ManualEv, SiteEvidence, load_evidence
from govaudit.scoring.model import RawFinding, Rubric, ScoreResult
from govaudit.scoring.rubric import MANUAL
from govaudit.scoring.subjects import EvidenceIndex, cite, subject_of
from govaudit.scoring.verdict import decide
from govaudit.store import models as m


def manual_raw(rubric: Rubric, mf: ManualEv) -> RawFinding:
    evidence = {**mf.evidence, "author": mf.author, "manual_id": mf.id}
    if mf.created is not None:
        evidence["created"] = mf.created.isoformat(timespec="seconds")
    if mf.valid_from is not None:
        evidence["valid_from"] = mf.valid_from.isoformat()
    ind = rubric.indicator(mf.indicator)
    if ind is None:
        return RawFinding(mf.indicator, mf.message, points=mf.points or 0.0, evidence=evidence, manual=True)
    points = mf.points if mf.points is not None else ind.params.get("points")
    if ind.category in ("deduction", "bonus") and points is None:
        msg = rubric.phrase("manual_no_points", message=mf.message)
        return RawFinding(ind.id, msg, evidence=evidence, info=True, manual=True)
    return RawFinding(ind.id, mf.message, points=float(points or 0.0), evidence=evidence, manual=True)


def annotate(rf: RawFinding, check: str, index: EvidenceIndex) -> RawFinding:
    """Give a raw finding its check kind, subject URL and evidence references (govaudit.scoring.subjects)."""
    rf.check = rf.check or check
    if rf.subject_url is None:
        rf.subject_url = subject_of(rf.evidence)
    if not rf.refs:
        rf.refs = cite(rf.evidence, index)
    return rf


def run_checks(ev: SiteEvidence, rubric: Rubric, asof: dt.date) -> list[RawFinding]:
    """Every automatic check of the rubric, then the manual findings valid at the as-of date."""
    index = EvidenceIndex(ev)
    raw: list[RawFinding] = []
    for ind in rubric.indicators:
        if ind.check == MANUAL:
            continue
        raw.extend(annotate(rf, ind.check, index) for rf in CHECKS[ind.check].func(ev, ind, asof))
    raw.extend(annotate(manual_raw(rubric, mf), MANUAL, index) for mf in ev.manual)
    return raw


def evaluate(ev: SiteEvidence, rubric: Rubric, asof: dt.date) -> ScoreResult:
    """The verdict for loaded evidence, without touching the database."""
    return decide(rubric, ev.site, run_checks(ev, rubric, asof))


def store_result(session: Session, run_id: str, site_id: str, rubric: Rubric, result: ScoreResult) -> None:
    session.execute(delete(m.Finding).where(m.Finding.run_id == run_id, m.Finding.site_id == site_id))
    session.execute(delete(m.Score).where(m.Score.run_id == run_id, m.Score.site_id == site_id))
    session.add(
        m.Score(
            run_id=run_id,
            site_id=site_id,
            rubric=rubric.name,
            verdict=result.verdict,
            score=result.score,
            deduction_score=result.deduction_score,
            bonus=result.bonus,
            vetoes=list(result.vetoes),
            reason=result.reason,
        )
    )
    checks = {ind.id: ind.check for ind in rubric.indicators}
    session.add_all(
        m.Finding(
            run_id=run_id,
            site_id=site_id,
            indicator=f.indicator,
            category=f.category,
            check=f.check or ("manual" if f.manual else checks.get(f.indicator, "")),
            title=f.title,
            points=f.points,
            message=f.message,
            subject_url=f.subject_url or subject_of(f.evidence),
            evidence_refs=list(f.refs),
            evidence=f.evidence,
            manual=f.manual,
        )
        for f in result.findings
    )
    session.flush()


def score_site(
    session: Session,
    run_id: str,
    site_id: str,
    rubric: Rubric,
    asof: dt.date,
    *,
    evidence_run_id: str | None = None,
    timezone: str | None = None,  # None: the evidence run's time zone (runs.timezone)
    commit: bool = False,
) -> ScoreResult:
    """Score one site and replace its `scores`/`findings` rows of `run_id` within the session's transaction
    (committed here only with commit=True; the scoring pipeline runs it inside `Session.begin()`)."""
    ev = load_evidence(session, evidence_run_id or run_id, site_id, asof, timezone=timezone)
    result = evaluate(ev, rubric, asof)
    try:
        store_result(session, run_id, site_id, rubric, result)
        if commit:
            session.commit()
    except Exception:
        if commit:
            session.rollback()
        raise
    return result


def score_run(
    session: Session,
    run_id: str,
    rubric: Rubric,
    asof: dt.date,
    *,
    evidence_run_id: str | None = None,
    timezone: str | None = None,  # None: the evidence run's time zone (runs.timezone)
    commit: bool = True,
) -> dict[str, ScoreResult]:
    """Score every site of the evidence run into `run_id`; each site is its own transaction when commit."""
    source = evidence_run_id or run_id
    site_ids = list(session.scalars(select(m.RunSite.site_id).where(m.RunSite.run_id == source)
                                    .order_by(m.RunSite.site_id)))
    return {
        sid: score_site(session, run_id, sid, rubric, asof, evidence_run_id=source, timezone=timezone,
                        commit=commit)
        for sid in site_ids
    }
