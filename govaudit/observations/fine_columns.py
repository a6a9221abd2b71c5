"""栏目设置过细: a column structure too fine for a site to maintain.

Measured on the columns a crawl stored (home page excluded), with the thresholds of observations.yaml
(`fine_columns`): many columns for the site's kind and level, most of them thin (blank or a handful of
entries), many stale (blank or nothing inside the window before the as-of date), and sibling columns that
split one topic (same parent, and the same category or a common name stem) with thin members — those groups
are the columns that would merge. An observation: the rubrics do not score it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from govaudit import asof as asof_rules
from govaudit.observations.config import section
from govaudit.store.models import Column

SKIP_CATEGORIES = {"home", "other", ""}


@dataclass
class MergeGroup:
    parent: str
    topic: str  # the shared category or name stem
    columns: list[str]  # names of the sibling columns that would merge


@dataclass
class FineColumns:
    site_id: str
    columns: int
    threshold: int
    thin: int
    stale: int
    groups: list[MergeGroup] = field(default_factory=list)

    @property
    def merge_names(self) -> list[str]:
        return [name for g in self.groups for name in g.columns]


def min_columns(kind: str, level: str, rules: list[dict[str, Any]]) -> int:
    for rule in rules:
        if rule.get("kind") not in (None, kind) or rule.get("level") not in (None, level):
            continue
        return int(rule["value"])
    raise ValueError("observations.yaml fine_columns.min_columns needs a rule without kind/level")


def _thin(col: Column, limit: int) -> bool:
    return bool(col.blank) or int(col.entries_count or 0) <= limit


def measure(site_id: str, kind: str, level: str, cols: list[Column], asof: dt.date,
            cfg: dict[str, Any] | None = None) -> FineColumns | None:
    """The site's measure when it is over-fine, else None."""
    cfg = cfg or section("fine_columns")
    content = [c for c in cols if c.source != "home" and c.category != "home"]
    threshold = min_columns(kind, level, cfg["min_columns"])
    if len(content) < threshold:
        return None
    limit = int(cfg["thin_entries"])
    win = asof_rules.window(asof, str(cfg["stale_window"]))
    thin = sum(1 for c in content if _thin(c, limit))
    stale = sum(1 for c in content if c.blank or c.latest not in win)
    if thin < float(cfg["thin_share"]) * len(content) or stale < float(cfg["stale_share"]) * len(content):
        return None
    groups = merge_groups(content, limit, int(cfg["stem_chars"]))
    if len(groups) < int(cfg["min_merge_groups"]):
        return None
    return FineColumns(site_id, len(content), threshold, thin, stale, groups)


def merge_groups(content: list[Column], thin_limit: int, stem_chars: int) -> list[MergeGroup]:
    """Sibling columns of one topic with at least two thin members; each column in one group at most."""
    siblings: dict[str, list[Column]] = defaultdict(list)
    for col in content:
        siblings[col.parent_url or ""].append(col)
    groups: list[MergeGroup] = []
    for parent, cols in sorted(siblings.items()):
        used: set[str] = set()
        keyed: dict[tuple[str, str], list[Column]] = defaultdict(list)
        for col in cols:
            if (col.category or "") not in SKIP_CATEGORIES:
                keyed[("category", col.category)].append(col)
        for col in cols:
            name = (col.name or "").strip()
            if len(name) > stem_chars:
                keyed[("stem", name[:stem_chars])].append(col)
        for (_, topic), members in sorted(keyed.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            members = [c for c in members if c.url not in used]
            if len(members) < 2 or sum(1 for c in members if _thin(c, thin_limit)) < 2:
                continue
            used.update(c.url for c in members)
            groups.append(MergeGroup(parent, topic, [c.name or c.url for c in members]))
    return groups
