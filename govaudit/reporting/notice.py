"""The notice's own sections beyond the score: its dates, 栏目设置过细, the 找错 figures, the 约谈 list and the
rectification deadline. Dates come from the run (its as-of date, `params`, the registry totals), never from
the clock: a rerun of the same as-of date prints the same notice."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.observations.city_checks import CityCheck, city_checks, in_scope
from govaudit.observations.fine_columns import FineColumns, measure
from govaudit.observations.zhaocuo import INDICATOR, ZhaocuoQuarter, quarter_stats, reply_limit
from govaudit.reporting.notice_artefacts import loopback_artefact
from govaudit.reporting.views import FindingView, ProblemGroup, ProblemSite, RunInfo, SiteView
from govaudit.scoring.model import Rubric
from govaudit.store.models import Column


@dataclass
class FineSite:
    site: SiteView
    measure: FineColumns


@dataclass
class Summon:
    organizer: str  # the supervising organizer (主办单位) to summon
    sites: list[SiteView]


def _loopback(finding: FindingView) -> bool:
    return loopback_artefact(finding.evidence)


def notice_problems(groups: list[ProblemGroup]) -> list[ProblemGroup]:
    """The problem groups the notice names: without loopback-host domain artefacts."""
    out: list[ProblemGroup] = []
    for g in groups:
        sites = [ProblemSite(ps.site, kept) for ps in g.sites
                 if (kept := [f for f in ps.findings if not _loopback(f)])]
        if sites:
            out.append(ProblemGroup(g.indicator, g.title, g.category, g.category_label, sites))
    return out


_URL = re.compile(r"(?:页面)?https?://[!-~]+")  # a URL ends where the Chinese text resumes
_OPEN, _CLOSE = "（(", "）)"


def _strip_trailing_aside(text: str) -> str:
    """Without a parenthetical at its end (nested ones too): 「累计5个未更新（超过（含）5个）」 -> 「累计5个未更新」."""
    text = text.rstrip()
    if not text or text[-1] not in _CLOSE:
        return text
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += text[i] in _CLOSE
        depth -= text[i] in _OPEN
        if depth == 0:
            return text[:i].rstrip()
    return text


def brief(message: str) -> str:
    """A finding's message as the notice states it: the summary before its enumeration (the text up to the
    first full-width colon), without URLs (they are in the site pages) or a closing aside."""
    head = _URL.sub("", message.split("：", 1)[0])
    depth, cut = 0, None
    for i, ch in enumerate(head):  # an aside the colon cut open: drop it
        if ch in _OPEN:
            depth, cut = depth + 1, cut if depth else i
        elif ch in _CLOSE and depth:
            depth -= 1
            cut = cut if depth else None
    head = head[:cut] if cut is not None else head
    return _strip_trailing_aside(head).strip("。；;，, ") or message.strip("。；;，, ")


@dataclass
class NoticeSite:
    site: SiteView
    brief: str  # the first finding, briefly
    count: int  # findings of the group on this site


@dataclass
class NoticeGroup:
    title: str
    category: str
    sites: list[NoticeSite]


def _notice_groups(groups: list[ProblemGroup]) -> list[NoticeGroup]:
    return [NoticeGroup(g.title, g.category,
                        [NoticeSite(ps.site, brief(ps.findings[0].message), len(ps.findings)) for ps in g.sites])
            for g in groups]


@dataclass
class NoticeData:
    checked_from: dt.date  # 检查时间: see _check_period
    checked_to: dt.date
    registry_date: dt.date  # 截至: the registry snapshot's date (totals `as_of`), else the as-of date
    due: dt.date | None  # the rectification deadline (-a due=)
    issued: dt.date | None  # the notice's date (params `issued`); None = left for the office to fill in
    fine_columns: list[FineSite] = field(default_factory=list)
    zhaocuo: ZhaocuoQuarter | None = None
    summon: list[Summon] = field(default_factory=list)
    problems: list[ProblemGroup] = field(default_factory=list)
    # 存在问题 as the notice states it: the veto problems site by site (briefly), the other problems counted
    vetoes: list[NoticeGroup] = field(default_factory=list)
    deductions: list[NoticeGroup] = field(default_factory=list)

    @property
    def deduction_sites(self) -> int:
        """Sites with one of the other (non-veto) problems."""
        return len({x.site.site_id for g in self.deductions for x in g.sites})
    # 接受监督: the city/county portals checked, and those whose home page has no current spot-check result
    city_published: list[tuple[SiteView, CityCheck]] = field(default_factory=list)
    city_missing: list[SiteView] = field(default_factory=list)


def _param_date(params: dict[str, Any], key: str) -> dt.date | None:
    value = params.get(key)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _check_period(run: RunInfo) -> tuple[dt.date, dt.date]:
    """检查时间: the run's params `checked_from` to its as-of date; else, for a crawl that ran up to its as-of
    date (a live check), the days it ran, clipped to the as-of date; else (a run at a past as-of date, e.g. a
    reproducible rerun) the as-of date alone — never the day the report is rendered."""
    asof = run.asof
    start = _param_date(run.params, "checked_from")
    if start is not None and start <= asof:
        return start, asof
    if run.started is not None and run.started.date() <= asof:
        end = run.finished.date() if run.finished is not None else asof
        return run.started.date(), min(end, asof)
    return asof, asof


def _fine_sites(session: Session, evidence_run: str, sites: list[SiteView], asof: dt.date) -> list[FineSite]:
    ids = {s.site_id for s in sites}
    cols: dict[str, list[Column]] = defaultdict(list)
    for col in session.scalars(select(Column).where(Column.run_id == evidence_run)):
        if col.site_id in ids:
            cols[col.site_id].append(col)
    out = []
    for site in sites:
        found = measure(site.site_id, site.kind, site.level, cols.get(site.site_id, []), asof)
        if found is not None:
            out.append(FineSite(site, found))
    return out


def _summon(sites: list[SiteView]) -> list[Summon]:
    by_org: dict[str, list[SiteView]] = defaultdict(list)
    for site in sites:
        if site.verdict == "unqualified":
            by_org[site.organizer or site.name].append(site)
    return [Summon(org, by_org[org]) for org in sorted(by_org)]


def build_notice(session: Session, run: RunInfo, sites: list[SiteView], problems: list[ProblemGroup],
                 rubric: Rubric | None, *, all_sites: bool) -> NoticeData:
    """`all_sites`: the report covers the whole registry (the 找错 figures then count every message, also
    those of sites outside the sample); a region bundle counts its own sites' messages only."""
    params = run.params
    asof = run.asof
    ind = next((i for i in rubric.indicators if i.id == INDICATOR), None) if rubric is not None else None
    names = {s.site_id: s.name for s in sites}
    checked_from, checked_to = _check_period(run)
    portals = [s for s in sites if in_scope(s.kind, s.level) and s.crawl_state == "ok"]
    kept = notice_problems(problems)
    found = city_checks(session, run.evidence_run_id or run.id, [s.site_id for s in portals], asof)
    return NoticeData(
        city_published=[(s, found[s.site_id]) for s in portals if found[s.site_id].published],
        city_missing=[s for s in portals if not found[s.site_id].published],
        checked_from=checked_from,
        checked_to=checked_to,
        registry_date=_param_date(run.totals, "as_of") or asof,
        due=_param_date(params, "due"),
        issued=_param_date(params, "issued"),
        fine_columns=_fine_sites(session, run.evidence_run_id or run.id, sites, asof),
        zhaocuo=quarter_stats(session, asof, reply_limit(ind.params if ind else None),
                              None if all_sites else set(names), names),
        summon=_summon(sites),
        problems=kept,
        vetoes=_notice_groups([g for g in kept if g.category == "veto"]),
        deductions=_notice_groups(sorted((g for g in kept if g.category != "veto"), key=lambda g: -len(g.sites))),
    )
