"""Classify each column into a rubric category by its name (keyword table in data, not code), and count the
columns as they pass (the progress log reads govaudit/columns)."""

from __future__ import annotations

from typing import Any

from govaudit.classify import load_table
from govaudit.records import Column


class ColumnClassifyPipeline:
    def __init__(self, table_path: str | None, stats: Any = None) -> None:
        self.table = load_table(table_path)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("GOVAUDIT_CATEGORY_TABLE"), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Column):
            if not item.category:
                item.category = "home" if item.source == "home" else self.table.classify(item.name)
            if self.stats is not None:
                self._count(item)
        return item

    def _count(self, col: Column) -> None:
        self.stats.inc_value("govaudit/columns")
        if col.blank:
            self.stats.inc_value("govaudit/columns_blank")
        if col.error:
            self.stats.inc_value("govaudit/columns_error")
        if col.entries and col.undated_count() == len(col.entries):
            self.stats.inc_value("govaudit/columns_undated")  # entries, none with a real date
