"""Home-page availability from the probe log: failure ratio over the window before the as-of date.

「监测1周，每天间隔性访问20次以上，超过（含）15秒网站仍打不开的次数累计占比超过（含）5%」: the data are
enough only when *every* day of the window (local days of the run's time zone, govaudit.asof) holds at least
``min_daily`` probes; a total alone is not enough. The probes decide whether the site could be opened, so the
veto also applies to a site whose audit crawl found it unreachable or blocked (govaudit.scoring.verdict)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from govaudit import asof as asof_rules
from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import ProbeEv, SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding

_PARAMS = {"window": Param("period"), "min_daily": Param("int"), "threshold_pct": Param("number")}


@dataclass
class ProbeWindow:
    probes: list[ProbeEv]
    per_day: dict[dt.date, int]  # every observed day of the window -> probes that day
    min_daily: int

    @property
    def failures(self) -> int:
        return sum(1 for p in self.probes if not p.ok)

    @property
    def short_days(self) -> list[dt.date]:
        return [d for d, n in self.per_day.items() if n < self.min_daily]

    @property
    def enough(self) -> bool:
        return bool(self.per_day) and not self.short_days

    @property
    def ratio(self) -> Fraction | None:
        return Fraction(self.failures, len(self.probes)) if self.probes else None


def probe_window(ev: SiteEvidence, asof: dt.date, ind: Indicator) -> ProbeWindow:
    """Probes of the window before the as-of date (from local midnight of its first day up to, not including,
    the as-of day: govaudit.asof instants), counted per local day."""
    p = ind.params
    win = ev.window(asof, p["window"])
    probes = [x for x in ev.probes if win.holds(x.at)]
    counted = Counter(asof_rules.local_day(x.at, ev.timezone) for x in probes)
    per_day = {d: counted.get(d, 0) for d in asof_rules.observed_days(win)}
    return ProbeWindow(probes, per_day, p["min_daily"])


def _evidence(pw: ProbeWindow, with_ratio: bool = True) -> dict:
    failed = [p for p in pw.probes if not p.ok]
    ratio = pw.ratio if with_ratio else None
    return {
        "count": len(pw.probes),
        "failures": pw.failures,
        "ratio": float(round(ratio, 4)) if ratio is not None else None,
        "window_days": len(pw.per_day),
        "per_day": {d.isoformat(): n for d, n in pw.per_day.items()},
        "short_days": [d.isoformat() for d in pw.short_days],
        "min_daily": pw.min_daily,
        "failed": [{"at": p.at.isoformat(timespec="seconds"), "status": p.status, "error": p.error}
                   for p in failed[:20]],
    }


def _short_text(pw: ProbeWindow) -> str:
    if not pw.probes:
        return "均无访问记录"
    return "、".join(f"{d.month}月{d.day}日{pw.per_day[d]}次" for d in pw.short_days)


@register("availability_veto", _PARAMS, messages=("insufficient",))
def availability_veto(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """站点无法访问: failure ratio >= threshold over a window with >= min_daily probes every day. Without
    enough probes: an info finding naming the days short of data, never a guess."""
    pw = probe_window(ev, asof, ind)
    if not pw.enough:
        return [RawFinding(ind.id, ind.text("insufficient", count=len(pw.probes), days=len(pw.short_days),
                                            short=_short_text(pw)),
                           evidence=_evidence(pw, with_ratio=False), info=True)]
    ratio = pw.ratio
    assert ratio is not None
    if ratio * 100 < Fraction(str(ind.params["threshold_pct"])):
        return []
    pct = float(round(ratio * 100, 2))
    return [RawFinding(ind.id, ind.text(count=len(pw.probes), failures=pw.failures, pct=pct),
                       evidence=_evidence(pw))]


@register("availability_deduction", {**_PARAMS, "points_per_percent": Param("number", scoring=True)})
def availability_deduction(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """首页可用性: points per full 1% of failures below the veto threshold (at or above it the veto applies;
    with too few probes nothing is deducted — the veto indicator reports the missing data)."""
    p = ind.params
    pw = probe_window(ev, asof, ind)
    if not pw.enough:
        return []
    ratio = pw.ratio
    assert ratio is not None
    if ratio * 100 >= Fraction(str(p["threshold_pct"])):
        return []
    full_percent = math.floor(ratio * 100)
    if full_percent == 0:
        return []
    pct = float(round(ratio * 100, 2))
    points = full_percent * p.get("points_per_percent", 0.0)
    return [RawFinding(ind.id, ind.text(count=len(pw.probes), failures=pw.failures, pct=pct), points=points,
                       evidence=_evidence(pw))]
