"""From raw findings to the verdict: caps per indicator, vetoes, the pass rule, the bonus rule."""

from __future__ import annotations

import math
from collections.abc import Iterable

from govaudit.scoring.evidence import UNAUDITABLE_STATES, SiteInfo
from govaudit.scoring.model import Finding, Indicator, RawFinding, Rubric, ScoreResult


def _r(x: float, digits: int = 4) -> float:
    return round(x + 0.0, digits)


def active_indicators(rubric: Rubric, site: SiteInfo) -> tuple[list[Indicator], list[str]]:
    """Indicators that apply to the site, and the blocks skipped (no external services)."""
    skipped = [] if site.has_services else list(rubric.pass_rule.skip_blocks_without_services)
    active = [
        ind for ind in rubric.indicators
        if ind.block not in skipped and not (ind.services_only and not site.has_services)
    ]
    return active, skipped


def passes(rubric: Rubric, score: float) -> bool:
    rule = rubric.pass_rule
    return score >= rule.pass_mark if rule.inclusive else score > rule.pass_mark


def unaudited(rubric: Rubric, site: SiteInfo) -> ScoreResult:
    reason = rubric.phrase("unaudited", state=site.crawl_state, error=site.error or "—",
                           status=site.home_status if site.home_status is not None else "—")
    finding = Finding(indicator="", category="info", title="", points=0.0, message=reason,
                      evidence={"url": site.final_url or site.url, "status": site.home_status,
                                "error": site.error, "crawl_state": site.crawl_state})
    return ScoreResult("unaudited", None, None, 0.0, [], [finding], reason)


def decide(rubric: Rubric, site: SiteInfo, raw: Iterable[RawFinding]) -> ScoreResult:
    """Apply the rubric to a site's raw findings (from checks and manual input)."""
    if site.crawl_state in UNAUDITABLE_STATES or site.crawl_state == "pending":
        return unaudited(rubric, site)
    active, skipped = active_indicators(rubric, site)
    by_id = {ind.id: ind for ind in active}
    known = {ind.id for ind in rubric.indicators}
    grouped: dict[str, list[RawFinding]] = {}
    findings: list[Finding] = []
    for rf in raw:
        if rf.indicator in by_id:
            grouped.setdefault(rf.indicator, []).append(rf)
        elif rf.manual and rf.indicator not in known:
            msg = rubric.phrase("manual_unknown", indicator=rf.indicator, message=rf.message)
            findings.append(Finding(rf.indicator, "info", "", 0.0, msg, rf.evidence, manual=True))

    vetoes: list[str] = []
    deductions: list[float] = []
    bonus_findings: list[tuple[Finding, float]] = []
    for ind in active:
        remaining = ind.cap if ind.cap is not None else math.inf
        for rf in grouped.get(ind.id, []):
            if rf.info:
                findings.append(Finding(ind.id, "info", ind.title, 0.0, rf.message, rf.evidence, rf.manual))
                continue
            applied = 0.0
            if ind.category in ("deduction", "bonus"):
                applied = _r(max(0.0, min(rf.points, remaining)))
                remaining = _r(remaining - applied)
            elif ind.category == "veto" and ind.id not in vetoes:
                vetoes.append(ind.id)
            finding = Finding(ind.id, ind.category, ind.title, applied, rf.message, dict(rf.evidence), rf.manual)
            if applied != rf.points and ind.category in ("deduction", "bonus"):
                finding.evidence["points_before_cap"] = rf.points
            findings.append(finding)
            if ind.category == "deduction":
                deductions.append(applied)
            elif ind.category == "bonus":
                bonus_findings.append((finding, applied))

    rule = rubric.pass_rule
    base = rule.full_marks - sum(rubric.blocks.get(b, 0.0) for b in skipped)
    lost = math.fsum(deductions)
    deduction_score = _r(max(0.0, base - lost) * rule.full_marks / base, 2) if base > 0 else 0.0

    bonus = 0.0
    eligible = not vetoes and rule.bonus_above is not None and deduction_score > rule.bonus_above
    room = rule.bonus_cap
    for finding, applied in bonus_findings:
        if not eligible:
            finding.evidence["bonus_applied"] = False
            finding.points = 0.0
            continue
        take = _r(min(applied, room))
        room = _r(room - take)
        finding.points = take
        bonus += take
    bonus = _r(bonus, 2)
    score = _r(deduction_score + bonus, 2)

    rule_text = f"{'≥' if rule.inclusive else '>'}{rule.pass_mark:g}"
    if vetoes:
        titles = "、".join(f"{v} {by_id[v].title}" for v in vetoes)
        return ScoreResult("unqualified", score, deduction_score, bonus, vetoes, findings,
                           rubric.phrase("verdict_veto", vetoes=titles, score=score))
    if passes(rubric, deduction_score):
        reason = rubric.phrase("verdict_pass", score=score, deduction_score=deduction_score, bonus=bonus,
                               rule=rule_text)
        return ScoreResult("qualified", score, deduction_score, bonus, vetoes, findings, reason)
    reason = rubric.phrase("verdict_fail", score=score, deduction_score=deduction_score, rule=rule_text)
    return ScoreResult("unqualified", score, deduction_score, bonus, vetoes, findings, reason)
