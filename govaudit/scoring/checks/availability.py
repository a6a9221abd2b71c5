"""Home-page availability from the probe log: failure ratio over the window before the as-of date."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

from govaudit.asof import Period
from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import ProbeEv, SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding

_PARAMS = {"window": Param("period"), "min_probes": Param("int"), "threshold_pct": Param("number")}


def window_probes(ev: SiteEvidence, asof: dt.date, period: Period) -> list[ProbeEv]:
    """Probes of the window before the as-of date: from local midnight of its first day up to, not including,
    the as-of day (govaudit.asof: instants)."""
    win = ev.window(asof, period)
    return [p for p in ev.probes if win.holds(p.at)]


def _evidence(probes: list[ProbeEv], failures: int, window_days: int, ratio: Fraction | None) -> dict:
    """Evidence of a probe window (window_days: its length in days)."""
    failed = [p for p in probes if not p.ok]
    return {
        "count": len(probes),
        "failures": failures,
        "ratio": float(round(ratio, 4)) if ratio is not None else None,
        "window_days": window_days,
        "failed": [{"at": p.at.isoformat(timespec="seconds"), "status": p.status, "error": p.error}
                   for p in failed[:20]],
    }


@register("availability_veto", _PARAMS, messages=("insufficient",))
def availability_veto(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """站点无法访问: failure ratio >= threshold. Too few probes: an info finding, never a guess."""
    p = ind.params
    probes = window_probes(ev, asof, p["window"])
    days = ev.window(asof, p["window"]).days
    failures = sum(1 for x in probes if not x.ok)
    if len(probes) < p["min_probes"]:
        return [RawFinding(ind.id, ind.text("insufficient", count=len(probes)),
                           evidence=_evidence(probes, failures, days, None), info=True)]
    ratio = Fraction(failures, len(probes))
    if ratio * 100 < Fraction(str(p["threshold_pct"])):
        return []
    pct = float(round(ratio * 100, 2))
    return [RawFinding(ind.id, ind.text(count=len(probes), failures=failures, pct=pct),
                       evidence=_evidence(probes, failures, days, ratio))]


@register("availability_deduction", {**_PARAMS, "points_per_percent": Param("number", scoring=True)})
def availability_deduction(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """首页可用性: points per full 1% of failures below the veto threshold (at or above it the veto applies;
    with too few probes nothing is deducted — the veto indicator reports the missing data)."""
    p = ind.params
    probes = window_probes(ev, asof, p["window"])
    days = ev.window(asof, p["window"]).days
    if not probes or len(probes) < p["min_probes"]:
        return []
    failures = sum(1 for x in probes if not x.ok)
    ratio = Fraction(failures, len(probes))
    if ratio * 100 >= Fraction(str(p["threshold_pct"])):
        return []
    full_percent = math.floor(ratio * 100)
    if full_percent == 0:
        return []
    pct = float(round(ratio * 100, 2))
    points = full_percent * p.get("points_per_percent", 0.0)
    return [RawFinding(ind.id, ind.text(count=len(probes), failures=failures, pct=pct), points=points,
                       evidence=_evidence(probes, failures, days, ratio))]
