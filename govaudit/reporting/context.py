"""SQL -> report data (plain dataclasses, no HTML). `build_report(session, run_id)` is the entry point."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from govaudit.asof import latest as latest_date
from govaudit.reporting.archived import attach_archived_copies
from govaudit.reporting.evidence import cited
from govaudit.reporting.labels import (
    CRAWL_STATE_LABELS,
    FRESHNESS_CHECKS,
    GUIDE_ELEMENTS,
    LEVEL_ORDER,
    PROBLEM_CATEGORIES,
    VERDICT_LABELS,
    category_label,
)
from govaudit.reporting.monitoring import build_monitoring
from govaudit.reporting.notice import build_notice
from govaudit.reporting.queries import (
    comparable_runs,
    findings_by_site,
    run_info,
    verdict_counts,
)
from govaudit.reporting.recheck import summarize
from govaudit.reporting.rectification import (
    SiteRectification,
    compare_findings,
    group_by_run,
    previous_runs,
)
from govaudit.reporting.safety import safe_href, unique_stems
from govaudit.reporting.stats import pass_rate, percent, rate_change
from govaudit.reporting.views import (
    ColumnView,
    Comparison,
    FindingView,
    GroupStats,
    GuideView,
    LinkView,
    ProblemGroup,
    ProblemSite,
    RegionSites,
    Report,
    RunInfo,
    SiteView,
    Summary,
    TrendPoint,
)
from govaudit.scoring.model import Rubric
from govaudit.scoring.verdict import rule_text
from govaudit.store.models import Article, Column, Guide, Link, Run, RunSite, Score

UNKNOWN_REGION = "未填写地区"
UNKNOWN_LEVEL = "未填写级别"


class RunNotFound(LookupError):
    pass


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _veto_ids(raw: object) -> list[str]:
    out: list[str] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            item = item.get("indicator") or item.get("id")
        if item:
            out.append(str(item))
    return out


def _phrase(rubric: Rubric | None, key: str, fallback: str, **values: object) -> str:
    """A wording of the run's rubric (its `phrases`), or `fallback` (the stored verdict reason) when the run's
    rubric is unknown or has no such wording."""
    if rubric is None or key not in rubric.phrases:
        return fallback
    return rubric.phrase(key, **values)


def _decided_by(rubric: Rubric | None, verdict: str, score: Score | None, vetoes: list[str],
                findings: list[FindingView], reason: str) -> str:
    """The short 判定依据 of the attachments: the vetoes, or the score against the rubric's pass mark."""
    if verdict == "unqualified" and vetoes:
        titles: dict[str, str] = {f.indicator: f.title for f in findings if f.category == "veto" and f.title}
        if rubric is not None:
            titles.update({ind.id: ind.title for ind in rubric.indicators if ind.id in vetoes})
        names = "、".join(dict.fromkeys(titles.get(v, v) for v in vetoes))
        return _phrase(rubric, "basis_veto", reason or names, vetoes=names)
    if verdict not in ("qualified", "unqualified") or score is None or score.score is None:
        return reason
    values: dict[str, object] = {"score": score.score, "deduction_score": score.deduction_score,
                                 "bonus": float(score.bonus or 0.0)}
    if rubric is not None:
        values.update(pass_mark=rubric.pass_rule.pass_mark, rule=rule_text(rubric))
    key = "basis_pass" if verdict == "qualified" else "basis_fail"
    return _phrase(rubric, key, reason, **values)


def _columns(session: Session, run_id: str) -> dict[str, list[Column]]:
    out: dict[str, list[Column]] = defaultdict(list)
    for col in session.scalars(select(Column).where(Column.run_id == run_id)):
        out[col.site_id].append(col)
    return out


def _latest_articles(session: Session, run_id: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(site_id, column_url) -> (url, title) of an article dated on the column's latest date."""
    stmt = (
        select(Column.site_id, Column.url, Article.url, Article.title)
        .join(
            Article,
            and_(
                Article.run_id == Column.run_id,
                Article.site_id == Column.site_id,
                Article.column_url == Column.url,
                Article.date == Column.latest,
            ),
        )
        .where(Column.run_id == run_id, Column.latest.is_not(None))
    )
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for site_id, col_url, url, title in session.execute(stmt):
        out.setdefault((site_id, col_url), (url, title or ""))
    return out


def _broken_links(session: Session, run_id: str) -> tuple[dict[str, list[LinkView]], dict[str, int]]:
    broken: dict[str, list[LinkView]] = defaultdict(list)
    for link in session.scalars(select(Link).where(Link.run_id == run_id, Link.ok.is_(False))):
        broken[link.site_id].append(
            LinkView(
                page_url=link.page_url,
                page_href=safe_href(link.page_url),
                link_url=link.link_url,
                link_href=safe_href(link.link_url),
                on_home=bool(link.on_home),
                status=link.status,
                error=link.error or "",
            )
        )
    checked = dict(
        session.execute(select(Link.site_id, func.count()).where(Link.run_id == run_id).group_by(Link.site_id)).all()
    )
    return broken, checked


def _guides(session: Session, run_id: str) -> dict[str, list[GuideView]]:
    out: dict[str, list[GuideView]] = defaultdict(list)
    for guide in session.scalars(select(Guide).where(Guide.run_id == run_id)):
        present_keys = [str(e) for e in (guide.elements or [])]
        known = [k for k in present_keys if k in GUIDE_ELEMENTS]
        present = [GUIDE_ELEMENTS.get(k, k) for k in present_keys]
        # Missing elements can only be named when the extractor uses the keys this report knows.
        missing = [label for key, label in GUIDE_ELEMENTS.items() if key not in present_keys] if known or not present_keys else []
        attachments = [a for a in (guide.attachments or []) if isinstance(a, dict) and not a.get("ok", True)]
        for a in attachments:
            a["href"] = safe_href(a.get("url"))
        out[guide.site_id].append(
            GuideView(guide.url, safe_href(guide.url), guide.title or "", present, missing, attachments)
        )
    return out


def _column_views(cols: list[Column], findings: list[FindingView], latest: dict[tuple[str, str], tuple[str, str]]) -> list[ColumnView]:
    flagged: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        if f.category in PROBLEM_CATEGORIES and (not f.check or f.check in FRESHNESS_CHECKS):
            for url in cited(f.refs, "columns"):
                if f.indicator not in flagged[url]:
                    flagged[url].append(f.indicator)
    views: list[ColumnView] = []
    for col in cols:
        by = flagged.get(col.url, [])
        art = latest.get((col.site_id, col.url))
        views.append(
            ColumnView(
                name=col.name or col.url,
                url=col.url,
                href=safe_href(col.url),
                category=col.category or "other",
                category_label=category_label(col.category),
                latest=col.latest,
                entries=int(col.entries_count or 0),
                undated=int(col.undated or 0),
                blank=bool(col.blank),
                blank_note=bool(col.blank_note),
                stale=bool(by) and not col.blank,
                flagged_by=by,
                http_status=col.http_status,
                error=col.error or "",
                depth=int(col.depth or 1),
                on_home=bool(col.on_home),
                source=col.source or "",
                latest_url=art[0] if art else None,
                latest_href=safe_href(art[0]) if art else None,
                latest_title=art[1] if art else "",
            )
        )
    views.sort(key=lambda c: (c.category != "home", not c.on_home, c.depth, c.name))
    return views


def _group_stats(sites: list[SiteView], key: Callable[[SiteView], str], order: list[str] | None = None) -> list[GroupStats]:
    groups: dict[str, GroupStats] = {}
    for site in sites:
        name = key(site)
        g = groups.setdefault(name, GroupStats(name))
        g.checked += 1
        if site.verdict == "qualified":
            g.qualified += 1
        elif site.verdict == "unqualified":
            g.unqualified += 1
        else:
            g.unaudited += 1
    for g in groups.values():
        g.pass_rate = pass_rate(g.qualified, g.unqualified)
    rank = {name: i for i, name in enumerate(order or [])}
    return sorted(groups.values(), key=lambda g: (rank.get(g.name, len(rank)), -g.checked, g.name))


def _by_region(sites: list[SiteView]) -> list[RegionSites]:
    groups: dict[str, list[SiteView]] = defaultdict(list)
    for site in sites:
        groups[site.region or UNKNOWN_REGION].append(site)
    return [RegionSites(region, sorted(groups[region], key=lambda s: s.site_id)) for region in sorted(groups)]


def _problems(sites: list[SiteView]) -> list[ProblemGroup]:
    groups: dict[str, ProblemGroup] = {}
    for site in sites:
        per_indicator: dict[str, list[FindingView]] = defaultdict(list)
        for f in site.problems:
            per_indicator[f.indicator].append(f)
        for indicator, found in per_indicator.items():
            first = found[0]
            group = groups.setdefault(
                indicator, ProblemGroup(indicator, first.title, first.category, first.category_label, [])
            )
            if first.category == "veto" and group.category != "veto":
                group.category, group.category_label = first.category, first.category_label
            group.sites.append(ProblemSite(site, found))
    rank = {"veto": 0, "requirement": 1, "deduction": 2}
    return sorted(groups.values(), key=lambda g: (rank.get(g.category, 9), -len(g.sites), g.indicator))


def _rectification(session: Session, run: RunInfo, sites: list[SiteView]) -> list[SiteRectification]:
    prev = previous_runs(session, run, [s.site_id for s in sites])
    if not prev:
        return []
    by_id = {s.site_id: s for s in sites}
    out: list[SiteRectification] = []
    for prev_run_id, site_ids in group_by_run(prev).items():
        prev_run = session.get(Run, prev_run_id)
        if prev_run is None:
            continue
        before = findings_by_site(session, prev_run_id, site_ids)
        scores = {
            s.site_id: s
            for s in session.scalars(select(Score).where(Score.run_id == prev_run_id, Score.site_id.in_(site_ids)))
        }
        for site_id in site_ids:
            site = by_id[site_id]
            old = scores.get(site_id)
            rect = SiteRectification(
                site_id=site_id,
                previous_run_id=prev_run_id,
                previous_asof=prev_run.asof,
                verdict_before=old.verdict if old else "unaudited",
                verdict_after=site.verdict,
                score_before=old.score if old else None,
                score_after=site.score,
                changes=compare_findings(
                    [f for f in before.get(site_id, []) if f.category in PROBLEM_CATEGORIES], site.problems
                ),
                site=site,
            )
            site.rectification = rect
            out.append(rect)
    out.sort(key=lambda r: r.site_id)
    return out


def build_report(session: Session, run_id: str, now: dt.datetime | None = None, *,
                 rubric: Rubric | None = None, region: str | None = None, copies: bool = True) -> Report:
    """The report of run `run_id`: its scores and findings, with the evidence rows (sites as crawled,
    columns, links, guides) of the run it scored — itself for a crawl, the source crawl for a rescore.
    `rubric` is the rubric the run was scored with (`govaudit.store.runs.rubric_of_run`): the verdict
    wording comes from it; without it the stored verdict reasons are shown. `region`: a region bundle, only
    the sites of that region (with its own pass rate; the province's registry totals and the comparison with
    the previous run are left out). `copies=False`: the archived copies and screenshots are not attached yet
    (`attach_archived_copies` later, once the run's screenshots are taken)."""
    run_row = session.get(Run, run_id)
    if run_row is None:
        raise RunNotFound(f"no run with id {run_id!r}")
    run = run_info(run_row)
    source = run.evidence_run_id or run_id

    stmt = select(RunSite).where(RunSite.run_id == source).order_by(RunSite.site_id)
    if region is not None:
        stmt = stmt.where(RunSite.region == region)
    run_sites = list(session.scalars(stmt))
    scores = {s.site_id: s for s in session.scalars(select(Score).where(Score.run_id == run_id))}
    findings = findings_by_site(session, run_id)
    columns = _columns(session, source)
    latest = _latest_articles(session, source)
    broken, links_checked = _broken_links(session, source)
    guides = _guides(session, source)
    stems = unique_stems([rs.site_id for rs in run_sites])

    sites: list[SiteView] = []
    for rs in run_sites:
        score = scores.get(rs.site_id)
        verdict = score.verdict if score and score.verdict in VERDICT_LABELS else "unaudited"
        site_findings = findings.get(rs.site_id, [])
        vetoes = _veto_ids(score.vetoes if score else [])
        if not vetoes:
            vetoes = list(dict.fromkeys(f.indicator for f in site_findings if f.category == "veto"))
        reason = (score.reason if score else "") or ""
        if verdict == "unaudited" and not reason:
            state = CRAWL_STATE_LABELS.get(rs.crawl_state, rs.crawl_state)
            reason = f"{state}：{rs.error}" if rs.error else (state if score else f"{state}，未评分")
        cols = _column_views(columns.get(rs.site_id, []), site_findings, latest)
        home = [c.latest for c in cols if (c.category == "home" or c.source == "home") and c.latest]
        sites.append(
            SiteView(
                site_id=rs.site_id,
                name=rs.name or rs.site_id,
                url=rs.url,
                href=safe_href(rs.url),
                organizer=rs.organizer or "",
                region=rs.region or "",
                level=rs.level or "",
                kind=rs.kind or "",
                crawl_state=rs.crawl_state or "",
                crawl_state_label=CRAWL_STATE_LABELS.get(rs.crawl_state or "", rs.crawl_state or ""),
                home_status=rs.home_status,
                error=rs.error or "",
                verdict=verdict,
                verdict_label=VERDICT_LABELS[verdict],
                score=score.score if score else None,
                deduction_score=score.deduction_score if score else None,
                bonus=float(score.bonus or 0.0) if score else 0.0,
                vetoes=vetoes,
                reason=reason,
                decided_by=_decided_by(rubric, verdict, score, vetoes, site_findings, reason),
                file=f"sites/{stems[rs.site_id]}.html",
                findings=site_findings,
                columns=cols,
                broken_links=broken.get(rs.site_id, []),
                links_checked=int(links_checked.get(rs.site_id, 0)),
                guides=guides.get(rs.site_id, []),
                home_latest=latest_date(home, run.asof),
            )
        )

    if copies:
        attach_archived_copies(session, run, sites)  # screenshots and archived copies the site pages link
    qualified = sum(1 for s in sites if s.verdict == "qualified")
    unqualified = sum(1 for s in sites if s.verdict == "unqualified")
    totals = run.totals if region is None else {}
    temp = _int_or_none(totals.get("offline_temporary"))
    perm = _int_or_none(totals.get("offline_permanent"))
    running = _int_or_none(totals.get("running"))
    summary = Summary(
        registered=_int_or_none(totals.get("registered")),
        running=running,
        offline=(temp or 0) + (perm or 0) if temp is not None or perm is not None else None,
        offline_temporary=temp,
        offline_permanent=perm,
        checked=len(sites),
        qualified=qualified,
        unqualified=unqualified,
        unaudited=len(sites) - qualified - unqualified,
        pass_rate=pass_rate(qualified, unqualified),
        sample_share=run.sample_share,
        actual_share=percent(len(sites), running) if running else None,
    )

    earlier = comparable_runs(session, run) if region is None else []
    counts = verdict_counts(session, [r.id for r in earlier])
    trend = [
        TrendPoint(
            r.id, r.asof, counts[r.id]["checked"], pass_rate(counts[r.id]["qualified"], counts[r.id]["unqualified"]), False
        )
        for r in earlier
    ]
    trend.append(TrendPoint(run.id, run.asof, len(sites), summary.pass_rate, True))
    comparison = None
    if earlier:
        prev = earlier[-1]
        prev_rate = trend[-2].pass_rate
        comparison = Comparison(prev, counts[prev.id]["checked"], prev_rate, rate_change(summary.pass_rate, prev_rate))

    level_key: Callable[[SiteView], str] = lambda s: s.level or UNKNOWN_LEVEL  # noqa: E731
    region_key: Callable[[SiteView], str] = lambda s: s.region or UNKNOWN_REGION  # noqa: E731
    rectified = _rectification(session, run, sites)
    problems = _problems(sites)
    return Report(
        run=run,
        summary=summary,
        comparison=comparison,
        by_region=_group_stats(sites, region_key),
        by_level=_group_stats(sites, level_key, LEVEL_ORDER),
        trend=trend,
        problems=problems,
        qualified_by_region=_by_region([s for s in sites if s.verdict == "qualified"]),
        unqualified_by_region=_by_region([s for s in sites if s.verdict == "unqualified"]),
        unaudited=[s for s in sites if s.verdict == "unaudited"],
        sites=sites,
        rectified=rectified,
        monitoring=build_monitoring(session, run, sites, run_row.timezone or "Asia/Shanghai"),
        generated_at=now or dt.datetime.now(),
        notice=build_notice(session, run, sites, problems, rubric, all_sites=region is None),
        region=region,
        recheck=summarize(session, run.params, run.asof, rectified),
    )
