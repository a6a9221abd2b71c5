"""The crawl plan's tables (govaudit/data/crawl_plan.yaml): which columns a budget keeps first, when a home
page's navigation is too thin to trust without rendering, how far letters columns are paged."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from govaudit.classify import classify_column

TABLE = "data/crawl_plan.yaml"


@dataclass(frozen=True)
class CrawlPlan:
    priority_categories: frozenset[str]
    min_nav_columns: dict[str, int]
    letters_history_days: int

    def is_priority(self, name: str) -> bool:
        """A column the rubric scores (by its name's category)."""
        return classify_column(name) in self.priority_categories

    def nav_too_thin(self, kind: str, found: int) -> bool:
        """Fewer navigation columns than a site of this kind has: its menu is probably written by script."""
        return found < self.min_nav_columns.get(kind, self.min_nav_columns.get("default", 0))

    def order(self, columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """(name, url) pairs with the priority columns first, each group in page order."""
        first = [c for c in columns if self.is_priority(c[0])]
        return first + [c for c in columns if not self.is_priority(c[0])]


@lru_cache(maxsize=2)
def load_plan(path: str | None = None) -> CrawlPlan:
    if path:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    else:
        doc = yaml.safe_load(resources.files("govaudit").joinpath(TABLE).read_text(encoding="utf-8"))
    return CrawlPlan(
        priority_categories=frozenset(doc.get("priority_categories") or ()),
        min_nav_columns={str(k): int(v) for k, v in (doc.get("min_nav_columns") or {}).items()},
        letters_history_days=int(doc.get("letters_history_days", 120)),
    )
