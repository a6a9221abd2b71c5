"""Write evidence items to SQL (buffered; a finished site always flushes before it is scored)."""

from __future__ import annotations

from typing import Any

from govaudit.items import SiteDoneItem
from govaudit.store.writer import EvidenceWriter, get_writer


class StorePipeline:
    def __init__(self, writer: EvidenceWriter, stats: Any) -> None:
        self.writer = writer
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(get_writer(crawler), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SiteDoneItem):
            self.writer.flush()  # the scoring pipeline reads this site's evidence from SQL next
        else:
            self.writer.add(item)
            self.stats.inc_value(f"govaudit/items/{type(item).__name__}")
        return item

    def close_spider(self) -> None:
        self.writer.flush()
