"""Write evidence items to SQL (buffered; a finished site always flushes)."""

from __future__ import annotations

from typing import Any

from govaudit.items import SiteDoneItem
from govaudit.store.writer import get_writer


class StorePipeline:
    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.crawler = crawler
        self.writer = get_writer(crawler)

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        if hasattr(spider, "run_record"):
            self.writer.begin_run(spider.run_record(), spider.site_records())

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SiteDoneItem):
            self.writer.flush()  # the scoring pipeline reads this site's evidence from SQL next
        else:
            self.writer.add(item)
            self.crawler.stats.inc_value(f"govaudit/items/{type(item).__name__}")
        return item

    def close_spider(self) -> None:
        self.writer.flush()
        spider = self.crawler.spider
        run_id = getattr(spider, "run_id", None)
        if run_id and hasattr(spider, "run_record"):
            self.writer.finish_run(run_id, "finished")
