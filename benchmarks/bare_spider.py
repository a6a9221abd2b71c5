"""The bare spider of scripts/bench_scale.py: fetches a list of "METHOD URL" lines (-a urls=FILE) with the
project's download settings and does nothing with the responses (no parsing, no items, no extensions of
govaudit). Its pages/s is what Scrapy alone reaches on the same URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings: ClassVar[dict[str, Any]] = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "HTTPERROR_ALLOW_ALL": True}

    def __init__(self, urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls_file = urls

    async def start(self):
        with Path(self.urls_file).open(encoding="utf-8") as f:
            for line in f:
                method, _, url = line.strip().partition(" ")
                if url:
                    yield scrapy.Request(url, method=method, callback=self.parse, errback=self.failed,
                                         dont_filter=True)

    def parse(self, response: Any) -> None:
        return None

    def failed(self, failure: Any) -> None:
        return None
