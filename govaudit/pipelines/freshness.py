"""Freshness: the newest dated entry of each column not after the as-of date."""

from __future__ import annotations

from typing import Any

from govaudit.items import ColumnItem


class FreshnessPipeline:
    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ColumnItem):
            dates = [e["date"] for e in item.entries if e.get("date")]
            item.latest = max(dates) if dates else None
            stats = self.crawler.stats
            stats.inc_value("govaudit/columns")
            if item.blank:
                stats.inc_value("govaudit/columns_blank")
            if item.error:
                stats.inc_value("govaudit/columns_error")
            if item.entries and item.latest is None:
                stats.inc_value("govaudit/columns_undated")
        return item
