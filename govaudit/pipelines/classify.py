"""Classify each column into a rubric category by its name (keyword table in data, not code)."""

from __future__ import annotations

from typing import Any

from govaudit.classify import load_table
from govaudit.items import ColumnItem


class ColumnClassifyPipeline:
    def __init__(self, table_path: str | None) -> None:
        self.table = load_table(table_path)

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler.settings.get("GOVAUDIT_CATEGORY_TABLE"))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ColumnItem) and not item.category:
            item.category = "home" if item.source == "home" else self.table.classify(item.name)
        return item
