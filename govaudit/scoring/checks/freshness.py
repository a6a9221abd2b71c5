"""Home-page and column freshness: 首页不更新, 首页更新量, 栏目不更新, 空白栏目, per-column deductions."""

from __future__ import annotations

import datetime as dt

from govaudit import asof as asof_rules
from govaudit.asof import Period
from govaudit.scoring.checks.columns import (
    REASON_KEYS,
    Staleness,
    column_evidence,
    effective,
    is_blank,
    is_container,
    judged_columns,
    note_exempt,
    reason_text,
    rule_for,
    stale_in,
    staleness,
)
from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import ArticleEv, ColumnEv, SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding


def _home_sources(ev: SiteEvidence) -> tuple[list[ColumnEv], bool]:
    """Columns whose entries are the home page's (home + home blocks); else, for a navigation-only home
    page, the first-level columns. Returns (columns, navigation_only)."""
    home_cols = [c for c in ev.columns if c.is_home or (c.on_home and not c.unreachable)]
    if any(c.entry_total() > 0 for c in home_cols):
        return home_cols, False
    level1 = [effective(c, ev) for c in ev.content_columns if c.depth <= 1 and not c.unreachable
              and (not c.blank_note or is_container(c, ev))]
    return level1, True


def _unique_articles(cols: list[ColumnEv]) -> list[ArticleEv]:
    seen: dict[tuple[str, str], ArticleEv] = {}
    for col in cols:
        for art in col.entries:
            key = (art.url, "") if art.url else ("", f"{art.title}|{art.date}")
            seen.setdefault(key, art)
    return list(seen.values())


def _updates(ev: SiteEvidence, cols: list[ColumnEv], asof: dt.date, period: Period) -> list[ArticleEv]:
    win = ev.window(asof, period)
    return [a for a in _unique_articles(cols) if a.date in win]


@register("home_updated", {"window": Param("period")}, messages=("nav_only", *REASON_KEYS))
def home_updated(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """首页不更新: no dated home-page entry in the window (navigation-only home page: no first-level column
    updated). Undated and future-dated entries are not updates."""
    period = ind.params["window"]
    cols, nav_only = _home_sources(ev)
    if _updates(ev, cols, asof, period):
        return []
    home_url = ev.home_page.url if ev.home_page else ev.site.final_url or ev.site.url
    days = ev.window(asof, period).days
    if nav_only:
        newest = asof_rules.latest((c.latest_at(asof) for c in cols), asof)
        msg = ind.text("nav_only", count=len(cols), latest=newest.isoformat() if newest else "—")
        evidence = {
            "url": home_url,
            "navigation_only": True,
            "columns": [column_evidence(c, staleness(c, period, asof, ev.timezone)) for c in cols],
            "window_days": days,
        }
        return [RawFinding(ind.id, msg, evidence=evidence)]
    pseudo = ColumnEv(
        run_id=ev.run_id,
        site_id=ev.site.site_id,
        url=home_url,
        name="首页",
        source="home",
        category="home",
        entries_count=sum(c.entry_total() for c in cols),
        entries=_unique_articles(cols),
    )
    st = staleness(pseudo, period, asof, ev.timezone)
    assert st is not None
    reason = reason_text(ind, st)
    evidence = {"url": home_url, "latest": st.latest.isoformat() if st.latest else None,
                "count": pseudo.entry_total(), "window_days": days, "reason": reason}
    return [RawFinding(ind.id, ind.text(reason=reason, **st.reason_values), evidence=evidence)]


@register("home_volume", {"window": Param("period"), "min_updates": Param("int"),
                          "points": Param("number", scoring=True)})
def home_volume(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """首页栏目信息更新总量 below the minimum (0 is left to the 首页不更新 veto)."""
    p = ind.params
    cols, nav_only = _home_sources(ev)
    updates = _updates(ev, cols, asof, p["window"])
    if not updates or len(updates) >= p["min_updates"]:
        return []
    evidence = {"count": len(updates), "window_days": ev.window(asof, p["window"]).days, "threshold": p["min_updates"],
                "navigation_only": nav_only, "urls": [a.url for a in updates if a.url][:20]}
    return [RawFinding(ind.id, ind.text(count=len(updates)), points=p.get("points", 0.0), evidence=evidence)]


def _details(ind: Indicator, items: list[Staleness], limit: int = 12) -> str:
    parts = [f"「{s.column.name}」{reason_text(ind, s)}" for s in items[:limit]]
    if len(items) > limit:
        parts.append("…")
    return "；".join(parts)


@register("stale_columns_count", {"rules": Param("windows"), "threshold": Param("int"),
                                   "note_categories": Param("categories", required=False)}, messages=REASON_KEYS)
def stale_columns_count(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """Veto count: columns of the rules' categories not updated within their windows (blank ones included,
    columns that could not be fetched or carry an accepted no-information note excluded)."""
    p = ind.params
    stale = stale_in(ev, p["rules"], asof, p.get("note_categories"))
    if len(stale) < p["threshold"]:
        return []
    evidence = {
        "count": len(stale),
        "threshold": p["threshold"],
        "columns": [column_evidence(s.column, s, reason_text(ind, s)) for s in stale],
    }
    return [RawFinding(ind.id, ind.text(count=len(stale), details=_details(ind, stale)), evidence=evidence)]


@register("blank_columns_count", {"threshold": Param("int"), "note_categories": Param("categories", required=False)},
          messages=("note",))
def blank_columns_count(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """Veto count of 空白栏目; empty columns with an explanatory note in a column where the rubric accepts it
    (``note_categories``) are reported as info only."""
    out: list[RawFinding] = []
    cats = ind.params.get("note_categories")
    blank = [c for c in ev.content_columns if is_blank(c, ev, cats)]
    if len(blank) >= ind.params["threshold"]:
        names = "、".join(f"「{c.name}」" for c in blank[:12]) + ("…" if len(blank) > 12 else "")
        evidence = {"count": len(blank), "threshold": ind.params["threshold"],
                    "columns": [column_evidence(c) for c in blank]}
        out.append(RawFinding(ind.id, ind.text(count=len(blank), names=names), evidence=evidence))
    for col in ev.content_columns:
        if note_exempt(col, ev, cats):
            out.append(RawFinding(ind.id, ind.text("note", name=col.name), evidence=column_evidence(col), info=True))
    return out


@register(
    "column_freshness",
    {
        "categories": Param("categories"),
        "window": Param("period"),
        "points": Param("number", scoring=True),
        "max_depth": Param("int", required=False),
        "points_missing": Param("number", required=False),
        "note_categories": Param("categories", required=False),
    },
    messages=("missing@points_missing", *REASON_KEYS),
)
def column_freshness(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """Per-column deduction for columns of the categories not updated in the window; optionally a deduction
    when no column of the categories exists at all."""
    p = ind.params
    out: list[RawFinding] = []
    present = [c for c in ev.content_columns if c.category in p["categories"]]
    if not present:
        if "points_missing" in p:
            out.append(RawFinding(ind.id, ind.text("missing"), points=p["points_missing"],
                                  evidence={"categories": p["categories"]}))
        return out
    rule = {"categories": p["categories"], "window": p["window"]}
    if "max_depth" in p:
        rule["max_depth"] = p["max_depth"]
    for st in stale_in(ev, [rule], asof, p.get("note_categories")):
        reason = reason_text(ind, st)
        out.append(RawFinding(ind.id, ind.text(name=st.column.name, reason=reason, **st.reason_values),
                              points=p.get("points", 0.0), evidence=column_evidence(st.column, st, reason)))
    return out


def _top(col: ColumnEv, ev: SiteEvidence) -> ColumnEv:
    by_url = {c.url: c for c in ev.content_columns}
    top, hops = col, 0
    while top.parent_url in by_url and top.depth > 1 and hops < 4:
        top, hops = by_url[top.parent_url], hops + 1
    return top


def _deducted_tops(ev: SiteEvidence, p: dict, asof: dt.date) -> set[str]:
    """一级栏目 of the own-level categories found stale by their own indicator (judged with their sub-columns)."""
    own = p.get("own_level_categories", [])
    rules = [r for r in p["rules"] if set(r["categories"]) & set(own)]
    if not own or not rules:
        return set()
    level1 = [{**r, "max_depth": 1} for r in rules]
    return {st.column.url for st in stale_in(ev, level1, asof, p.get("note_categories"))}


@register(
    "other_columns",
    {
        "rules": Param("windows"),
        "exclude_categories": Param("categories"),
        "own_level_categories": Param("categories", required=False),
        "points_blank": Param("number", scoring=True),
        "points_stale": Param("number", scoring=True),
        "note_categories": Param("categories", required=False),
    },
    messages=("blank", *REASON_KEYS),
)
def other_columns(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """其他栏目: blank (each) and should-update-but-stale (each), each column counted once, and columns of
    categories already deducted by their own indicator left out (no double counting)."""
    p = ind.params
    out: list[RawFinding] = []
    cats = p.get("note_categories")
    own_level = p.get("own_level_categories", [])
    deducted = _deducted_tops(ev, p, asof)
    for col in judged_columns(ev, cats):
        if is_container(col, ev):
            continue
        # an excluded category is judged here only below the level its own indicator covers (一级栏目), and not
        # when the 一级栏目 above it was already deducted (「已按其他指标扣分的，本指标项下不重复扣分」)
        if col.category in p["exclude_categories"] and (
                col.category not in own_level or col.depth <= 1 or _top(col, ev).url in deducted):
            continue
        if is_blank(col, ev, cats):
            out.append(RawFinding(ind.id, ind.text("blank", name=col.name), points=p.get("points_blank", 0.0),
                                  evidence=column_evidence(col)))
            continue
        rule = rule_for(col, p["rules"])
        if rule is None:
            continue
        st = staleness(col, rule["window"], asof, ev.timezone)
        if st is not None:
            reason = reason_text(ind, st)
            out.append(RawFinding(ind.id, ind.text(name=col.name, reason=reason, **st.reason_values),
                                  points=p.get("points_stale", 0.0), evidence=column_evidence(col, st, reason)))
    return out


@register("column_exists", {"categories": Param("categories"), "points": Param("number", scoring=True)})
def column_exists(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """未开设…类栏目: no column of the categories was found."""
    if any(c.category in ind.params["categories"] for c in ev.content_columns):
        return []
    return [RawFinding(ind.id, ind.text(), points=ind.params.get("points", 0.0),
                       evidence={"categories": ind.params["categories"]})]


@register("recency_bonus", {"categories": Param("categories"), "tiers": Param("tiers")})
def recency_bonus(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """Bonus for a column of the categories updated recently: the best tier reached counts."""
    cols = [c for c in judged_columns(ev) if c.category in ind.params["categories"]]
    newest = asof_rules.latest((c.latest_at(asof) for c in cols), asof)
    if newest is None:
        return []
    reached = [t for t in ind.params["tiers"] if newest in ev.window(asof, t["within"])]
    if not reached:
        return []
    best = max(reached, key=lambda t: t["points"])
    evidence = {"latest": newest.isoformat(), "columns": [c.url for c in cols],
                "window_days": ev.window(asof, best["within"]).days}
    return [RawFinding(ind.id, ind.text(latest=newest.isoformat(), within=best["within"]),
                       points=best["points"], evidence=evidence)]
