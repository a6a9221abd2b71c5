"""Column helpers shared by the freshness checks: which columns a rule covers, and why one is stale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from govaudit import asof as asof_rules
from govaudit.asof import Period, Window
from govaudit.scoring.evidence import ColumnEv, SiteEvidence
from govaudit.scoring.model import Indicator

# wording keys every column-freshness check uses (they live in the rubric's `phrases`)
REASON_KEYS = ("reason_latest", "reason_undated", "reason_empty", "reason_future")


@dataclass
class Staleness:
    column: ColumnEv
    window: Window
    latest: dt.date | None
    reason_key: str
    reason_values: dict[str, Any]

    @property
    def window_days(self) -> int:
        return self.window.days


def staleness(col: ColumnEv, period: Period, asof: dt.date, tz: str = asof_rules.DEFAULT_TIMEZONE) -> Staleness | None:
    """None when `col` was updated within the window `period` before `asof`, else why not (undated and
    future-dated entries are not updates; a column whose entries are all future-dated says so)."""
    win = asof_rules.window(asof, period, tz)
    latest = col.latest_at(asof)
    if latest in win:
        return None
    total = col.entry_total()
    undated = col.undated_count()
    future = col.future_count(asof)
    if latest is not None:
        key, values = "reason_latest", {"latest": latest.isoformat(), "age_days": asof_rules.age_days(latest, asof)}
    elif total == 0:
        key, values = "reason_empty", {}
    elif future and future + undated >= total:
        key, values = "reason_future", {"future": future, "entries": total}
    else:
        key, values = "reason_undated", {"entries": total, "undated": max(undated, total - future)}
    return Staleness(col, win, latest, key, values)


def reason_text(ind: Indicator, st: Staleness) -> str:
    return ind.text(st.reason_key, **st.reason_values)


def rule_for(col: ColumnEv, rules: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first window rule covering the column's category (and depth, when the rule limits it)."""
    for rule in rules:
        if col.category in rule["categories"] and col.depth <= rule.get("max_depth", col.depth):
            return rule
    return None


def note_exempt(col: ColumnEv, ev: SiteEvidence, note_categories: list[str] | None) -> bool:
    """An empty column whose page states why nothing was produced (备注说明), in a column where the rubric
    allows that statement: one of ``note_categories`` (the 信息公开 categories) or below a column of them.
    Without the parameter every such note exempts (the older reading)."""
    if not col.blank_note or col.unreachable:
        return False
    if note_categories is None or col.category in note_categories:
        return True
    by_url = {c.url: c for c in ev.columns}
    parent, hops = by_url.get(col.parent_url), 0
    while parent is not None and hops < 4:
        if parent.category in note_categories:
            return True
        parent, hops = by_url.get(parent.parent_url), hops + 1
    return False


def subcolumns(col: ColumnEv, ev: SiteEvidence) -> list[ColumnEv]:
    return [c for c in ev.content_columns if c.parent_url == col.url and c.url != col.url]


def descendants(col: ColumnEv, ev: SiteEvidence, limit: int = 4) -> list[ColumnEv]:
    out: list[ColumnEv] = []
    level = [col]
    for _ in range(limit):
        level = [c for parent in level for c in subcolumns(parent, ev) if c not in out and c is not col]
        if not level:
            break
        out.extend(level)
    return out


def is_container(col: ColumnEv, ev: SiteEvidence) -> bool:
    """A column that only holds sub-columns (no entries of its own): 「一级栏目」 updated when its sub-columns
    are, never blank or stale by itself."""
    return not col.unreachable and col.entry_total() == 0 and bool(subcolumns(col, ev))


def effective(col: ColumnEv, ev: SiteEvidence) -> ColumnEv:
    """The column as the rubric judges it: a container carries the entries of its sub-columns."""
    if not is_container(col, ev):
        return col
    subs = [c for c in descendants(col, ev) if not c.unreachable]
    entries = [e for c in subs for e in c.entries]
    return replace(col, entries=entries, entries_count=sum(c.entry_total() for c in subs), blank=False,
                   blank_note=False)


def is_blank(col: ColumnEv, ev: SiteEvidence, note_categories: list[str] | None = None) -> bool:
    """空白栏目: fetched and empty, without a note the rubric accepts (a CMS placeholder is no note); a column
    holding sub-columns is not blank (its sub-columns are judged)."""
    if is_container(col, ev):
        return False
    if col.truly_blank:
        return True
    return col.blank_note and not col.unreachable and col.entry_total() == 0 and not note_exempt(
        col, ev, note_categories)


def judged_columns(ev: SiteEvidence, note_categories: list[str] | None = None) -> list[ColumnEv]:
    """Content columns whose freshness can be judged: fetched, and not an empty list with an accepted note."""
    return [c for c in ev.content_columns if not c.unreachable and not note_exempt(c, ev, note_categories)]


def column_evidence(col: ColumnEv, st: Staleness | None = None, reason: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "url": col.url,
        "name": col.name,
        "category": col.category,
        "depth": col.depth,
        "entries": col.entry_total(),
    }
    if st is not None:
        out["latest"] = st.latest.isoformat() if st.latest else None
        out["window_days"] = st.window.days
    if reason:
        out["reason"] = reason
    return out


def stale_in(ev: SiteEvidence, rules: list[dict[str, Any]], asof: dt.date,
             note_categories: list[str] | None = None) -> list[Staleness]:
    """Columns the rules cover that were not updated. A container is judged (with its sub-columns' entries)
    only by a rule limited to its level (一级栏目); otherwise its sub-columns are judged, never both."""
    out: list[Staleness] = []
    for col in judged_columns(ev, note_categories):
        rule = rule_for(col, rules)
        if rule is None:
            continue
        if is_container(col, ev):
            if "max_depth" not in rule:
                continue
            col = effective(col, ev)
        st = staleness(col, rule["window"], asof, ev.timezone)
        if st is not None:
            out.append(st)
    return out
