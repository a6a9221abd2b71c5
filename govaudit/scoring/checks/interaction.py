"""Interaction (互动交流): consultation channel, letters unanswered, activity counts, letters published."""

from __future__ import annotations

import datetime as dt

from govaudit import asof as asof_rules
from govaudit.asof import Window
from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import ColumnEv, LetterEv, SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding


def _channels(ev: SiteEvidence, categories: list[str]) -> list[ColumnEv]:
    return [c for c in ev.content_columns if c.category in categories]


def letters_of(ev: SiteEvidence, categories: list[str] | None) -> list[LetterEv]:
    """Letters read from columns of the categories only (政务咨询/留言/信箱): 「在线访谈、调查征集、网上信访、纪检
    举报类栏目除外」. A letter whose column is unknown is not counted. None: every letter (no filter)."""
    if categories is None:
        return list(ev.letters)
    wanted = {c.url for c in ev.columns if c.category in categories}
    return [x for x in ev.letters if x.column_url in wanted]


def _dated_in(cols: list[ColumnEv], win: Window) -> list[dt.date]:
    seen: dict[str, dt.date] = {}
    for col in cols:
        for art in col.entries:
            if art.date is not None and art.date in win:
                seen.setdefault(art.url or f"{art.title}|{art.date}", art.date)
    return list(seen.values())


@register("consultation_channel", {"categories": Param("categories"), "points": Param("number", scoring=True)})
def consultation_channel(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """未开设政务咨询类栏目 / 未提供网上有效咨询建言渠道 (petition/discipline channels are other categories)."""
    if _channels(ev, ind.params["categories"]):
        return []
    return [RawFinding(ind.id, ind.text(), points=ind.params.get("points", 0.0),
                       evidence={"categories": ind.params["categories"]})]


@register("consultation_activity", {"categories": Param("categories"), "window": Param("period"),
                                    "points": Param("number", scoring=True)})
def consultation_activity(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """Channel exists but no letter or dated entry in the window (no channel: left to the channel check)."""
    p = ind.params
    cols = _channels(ev, p["categories"])
    if not cols:
        return []
    win = ev.window(asof, p["window"])
    letters = [x for x in letters_of(ev, p["categories"]) if x.submitted in win]
    if letters or _dated_in(cols, win):
        return []
    return [RawFinding(ind.id, ind.text(), points=p.get("points", 0.0),
                       evidence={"columns": [c.url for c in cols], "window_days": win.days})]


@register("letters_unanswered", {"window": Param("period"), "max_age": Param("period"),
                                 "categories": Param("categories", required=False)},
          messages=("no_letters", "late"))
def letters_unanswered(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """A letter submitted within the window left unanswered (or answered) after more than max_age
    (calendar: a letter exactly 3 months old is not "超过3个月"). With no dated letters the check cannot
    conclude: an info finding, not a pass."""
    p = ind.params
    win = ev.window(asof, p["window"])
    counted = letters_of(ev, p.get("categories"))
    letters = [x for x in counted if x.submitted in win]
    if not letters:
        return [RawFinding(ind.id, ind.text("no_letters", total=len(counted)),
                           evidence={"count": len(counted), "window_days": win.days}, info=True)]
    bad: list[dict] = []
    for x in letters:
        submitted, replied = x.submitted, x.replied
        assert submitted is not None
        if replied is None or asof_rules.is_future(replied, asof):
            if asof_rules.exceeds(submitted, asof, p["max_age"]):
                bad.append({"url": x.url, "name": x.title, "date": submitted.isoformat(),
                            "days": asof_rules.age_days(submitted, asof), "replied": None})
        elif asof_rules.exceeds(submitted, replied, p["max_age"]):
            bad.append({"url": x.url, "name": x.title, "date": submitted.isoformat(),
                        "days": asof_rules.age_days(submitted, replied), "replied": replied.isoformat()})
    if not bad:
        return []
    unanswered = sum(1 for b in bad if b["replied"] is None)
    worst = max(bad, key=lambda b: b["days"])
    key = "message" if unanswered else "late"
    return [RawFinding(ind.id, ind.text(key, count=len(bad), unanswered=unanswered, days=worst["days"],
                                        date=worst["date"], title=worst["name"]),
                       evidence={"count": len(bad), "letters": bad[:20], "window_days": win.days})]


@register(
    "activity_count",
    {
        "categories": Param("categories"),
        "window": Param("period"),
        "min_count": Param("int"),
        "min_count_portal": Param("int", required=False),
        "portal_kinds": Param("list[str]", required=False),
        "points_missing": Param("number", required=False),
        "points_none": Param("number", required=False),
        "points_few": Param("number", required=False),
        "points_enough": Param("number", required=False),
    },
    messages=("missing@points_missing", "none@points_none", "few@points_few", "enough@points_enough"),
)
def activity_count(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """调查征集 / 在线访谈 activities (dated entries of the columns) in the window. Which outcomes score is
    set by the points_* params present (missing column, none, fewer than the minimum, enough)."""
    p = ind.params
    cols = _channels(ev, p["categories"])
    portal = ev.site.kind in p.get("portal_kinds", ["portal"])
    minimum = p.get("min_count_portal", p["min_count"]) if portal else p["min_count"]
    if not cols:
        if "points_missing" in p:
            return [RawFinding(ind.id, ind.text("missing"), points=p["points_missing"],
                               evidence={"categories": p["categories"]})]
        return []
    usable = [c for c in cols if not c.unreachable]
    win = ev.window(asof, p["window"])
    count = len(_dated_in(usable, win))
    evidence = {"count": count, "threshold": minimum, "window_days": win.days,
                "columns": [{"url": c.url, "name": c.name, "status": c.http_status} for c in cols]}
    if count == 0 and "points_none" in p:
        return [RawFinding(ind.id, ind.text("none"), points=p["points_none"], evidence=evidence)]
    if 0 < count < minimum and "points_few" in p:
        return [RawFinding(ind.id, ind.text("few", count=count, minimum=minimum), points=p["points_few"],
                           evidence=evidence)]
    if count >= minimum and "points_enough" in p:
        return [RawFinding(ind.id, ind.text("enough", count=count, minimum=minimum), points=p["points_enough"],
                           evidence=evidence)]
    return []


@register("letters_published", {"categories": Param("categories"), "window": Param("period"),
                                "points_none": Param("number", scoring=True),
                                "points_stale": Param("number", scoring=True)}, messages=("stale",))
def letters_published(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """留言公开: no letter published at all, or none published within the window."""
    p = ind.params
    cols = _channels(ev, p["categories"])
    if not cols:
        return []
    win = ev.window(asof, p["window"])
    letters = letters_of(ev, p["categories"])
    newest = asof_rules.latest([d for x in letters for d in (x.submitted, x.replied)]
                               + [c.latest_at(asof) for c in cols], asof)
    published = bool(letters) or any(c.entry_total() > 0 for c in cols)
    evidence = {"columns": [c.url for c in cols], "count": len(letters), "window_days": win.days}
    if not published:
        return [RawFinding(ind.id, ind.text(), points=p.get("points_none", 0.0), evidence=evidence)]
    if newest not in win:
        evidence["latest"] = newest.isoformat() if newest else None
        return [RawFinding(ind.id, ind.text("stale", latest=newest.isoformat() if newest else "—"),
                           points=p.get("points_stale", 0.0), evidence=evidence)]
    return []
