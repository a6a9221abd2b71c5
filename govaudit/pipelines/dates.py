"""Normalise dates on column entries and letters to YYYY-MM-DD; set aside entries dated after the as-of date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govaudit.extract.dates import parse_date
from govaudit.items import ColumnItem, LetterItem


def to_date(value: Any, asof: dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value), asof)


class DateNormalisePipeline:
    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def _asof(self) -> dt.date | None:
        return getattr(self.crawler.spider, "asof", None)

    def process_item(self, item: Any) -> Any:
        asof = self._asof()
        if isinstance(item, ColumnItem):
            kept, future, undated = [], list(item.future), 0
            for entry in item.entries:
                d = to_date(entry.get("date"), asof)
                entry = {**entry, "date": d.isoformat() if d else None}
                if d is None:
                    undated += 1
                if d is not None and asof is not None and d > asof:
                    future.append(entry)  # a forged or mistyped date: evidence, not the latest update
                    continue
                kept.append(entry)
            item.entries, item.future, item.undated = kept, future, undated
        elif isinstance(item, LetterItem):
            for field in ("submitted", "replied"):
                d = to_date(getattr(item, field), asof)
                setattr(item, field, d.isoformat() if d else None)
        return item
