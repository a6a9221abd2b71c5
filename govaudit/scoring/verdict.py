"""From raw findings to the verdict: caps per indicator, vetoes, the pass rule, the bonus rule.

A veto ends scoring (「出现单项否决指标中任意一种情形，即判定为不合格网站，不再对其他指标进行评分」): a vetoed
site has no score; its other findings are kept (they still need fixing), marked `not_scored`."""

from __future__ import annotations

import math
from collections.abc import Iterable

from govaudit.scoring.evidence import UNAUDITABLE_STATES, SiteInfo
from govaudit.scoring.model import Finding, Indicator, RawFinding, Rubric, ScoreResult


def _r(x: float, digits: int = 4) -> float:
    return round(x + 0.0, digits)


def active_indicators(rubric: Rubric, site: SiteInfo) -> tuple[list[Indicator], list[str]]:
    """Indicators that apply to the site, and the blocks skipped (no external services). Bonus indicators
    apply only to the site kinds the pass rule names (2019: 「加分指标…适用于政府门户网站」)."""
    skipped = [] if site.has_services else list(rubric.pass_rule.skip_blocks_without_services)
    kinds = rubric.pass_rule.bonus_site_kinds
    active = [
        ind for ind in rubric.indicators
        if ind.block not in skipped and not (ind.services_only and not site.has_services)
        and not (ind.category == "bonus" and kinds is not None and site.kind not in kinds)
    ]
    return active, skipped


def rule_text(rubric: Rubric) -> str:
    """The pass rule as the verdict wording shows it: ≥60 (inclusive) or >60."""
    rule = rubric.pass_rule
    return f"{'≥' if rule.inclusive else '>'}{rule.pass_mark:g}"


def passes(rubric: Rubric, score: float) -> bool:
    rule = rubric.pass_rule
    return score >= rule.pass_mark if rule.inclusive else score > rule.pass_mark


AVAILABILITY_CHECKS = ("availability_veto",)


def unaudited(rubric: Rubric, site: SiteInfo, notes: Iterable[Finding] = ()) -> ScoreResult:
    """"Could not audit": no verdict. `notes` (why the availability veto could not be decided, e.g. too few
    probes on which days) are kept as findings and appended to the reason."""
    notes = list(notes)
    reason = rubric.phrase("unaudited", state=site.crawl_state, error=site.error or "—",
                           status=site.home_status if site.home_status is not None else "—")
    reason = "；".join([reason, *(n.message for n in notes)])
    finding = Finding(indicator="", category="info", title="", points=0.0, message=reason,
                      evidence={"url": site.final_url or site.url, "status": site.home_status,
                                "error": site.error, "crawl_state": site.crawl_state},
                      check="unaudited", subject_url=site.final_url or site.url)
    return ScoreResult("unaudited", None, None, 0.0, [], [finding, *notes], reason)


def _down_site(rubric: Rubric, site: SiteInfo, raw: Iterable[RawFinding]) -> ScoreResult:
    """A site the crawl could not open is judged on the monitoring data alone (「站点无法访问」): enough probes
    with failures at or above the threshold veto it; otherwise it could not be audited, and says why."""
    avail = {ind.id: ind for ind in rubric.indicators
             if ind.category == "veto" and ind.check in AVAILABILITY_CHECKS}
    hits = [rf for rf in raw if rf.indicator in avail and not rf.manual]
    vetoes = [rf for rf in hits if not rf.info]
    if vetoes:
        findings = [Finding.of(rf, "veto", avail[rf.indicator].title, 0.0) for rf in vetoes]
        ids = list(dict.fromkeys(rf.indicator for rf in vetoes))
        return _vetoed(rubric, avail, ids, findings)
    return unaudited(rubric, site, [Finding.of(rf, "info", avail[rf.indicator].title, 0.0) for rf in hits])


def decide(rubric: Rubric, site: SiteInfo, raw: Iterable[RawFinding]) -> ScoreResult:
    """Apply the rubric to a site's raw findings (from checks and manual input)."""
    if site.crawl_state in UNAUDITABLE_STATES:
        return _down_site(rubric, site, raw)
    if site.crawl_state == "pending":
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
            finding = Finding.of(rf, "info", "", 0.0)
            finding.message = rubric.phrase("manual_unknown", indicator=rf.indicator, message=rf.message)
            findings.append(finding)

    vetoes: list[str] = []
    deductions: list[float] = []
    bonus_findings: list[tuple[Finding, float]] = []
    for ind in active:
        remaining = ind.cap if ind.cap is not None else math.inf
        for rf in grouped.get(ind.id, []):
            if rf.info:
                findings.append(Finding.of(rf, "info", ind.title, 0.0))
                continue
            applied = 0.0
            if ind.category in ("deduction", "bonus"):
                applied = _r(max(0.0, min(rf.points, remaining)))
                remaining = _r(remaining - applied)
            elif ind.category == "veto" and ind.id not in vetoes:
                vetoes.append(ind.id)
            finding = Finding.of(rf, ind.category, ind.title, applied)
            if applied != rf.points and ind.category in ("deduction", "bonus"):
                finding.evidence["points_before_cap"] = rf.points
            findings.append(finding)
            if ind.category == "deduction":
                deductions.append(applied)
            elif ind.category == "bonus":
                bonus_findings.append((finding, applied))

    if vetoes:
        return _vetoed(rubric, by_id, vetoes, findings)

    rule = rubric.pass_rule
    base = rule.full_marks - sum(rubric.blocks.get(b, 0.0) for b in skipped)
    lost = math.fsum(deductions)
    deduction_score = _r(max(0.0, base - lost) * rule.full_marks / base, 2) if base > 0 else 0.0

    bonus = 0.0
    eligible = rule.bonus_above is not None and deduction_score > rule.bonus_above
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

    rule_txt = rule_text(rubric)
    if passes(rubric, deduction_score):
        reason = rubric.phrase("verdict_pass", score=score, deduction_score=deduction_score, bonus=bonus,
                               rule=rule_txt, pass_mark=rule.pass_mark)
        return ScoreResult("qualified", score, deduction_score, bonus, vetoes, findings, reason)
    reason = rubric.phrase("verdict_fail", score=score, deduction_score=deduction_score, rule=rule_txt,
                           pass_mark=rule.pass_mark)
    return ScoreResult("unqualified", score, deduction_score, bonus, vetoes, findings, reason)


def _vetoed(rubric: Rubric, by_id: dict[str, Indicator], vetoes: list[str], findings: list[Finding]) -> ScoreResult:
    """Unqualified without a score. Deductions found are kept with the points their rule gives (what needs
    fixing, and how much it would cost) and marked `not_scored`; bonuses are not applied."""
    for finding in findings:
        if finding.category == "deduction":
            finding.evidence["not_scored"] = True
        elif finding.category == "bonus":
            finding.evidence["not_scored"] = True
            finding.evidence["bonus_applied"] = False
            finding.points = 0.0
    titles = "、".join(f"{v} {by_id[v].title}" for v in vetoes)
    return ScoreResult("unqualified", None, None, 0.0, vetoes, findings, rubric.phrase("verdict_veto", vetoes=titles))
