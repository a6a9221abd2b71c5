"""The date an article page gives itself: its publication meta tag (PubDate, as 47号 meta tags write it, and
the usual alternatives), else the labelled date of its info line (发布时间 / 发布日期 / 发文日期 ...)."""

from __future__ import annotations

import datetime as dt
import re

from govaudit.extract.dates import parse_date
from govaudit.extract.navigation import parse_html

META_NAMES = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "publish_date",
              "dc.date.issued", "dcterms.issued", "og:release_date")
LABEL = re.compile(r"(?:发布时间|发布日期|发表时间|发文日期|发稿时间|发布于|日期)\s*[:：]?\s*(.{6,24})")


def article_date(html: str, asof: dt.date | None = None) -> dt.date | None:
    root = parse_html(html)
    if root is None:
        return None
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in META_NAMES:
            found = parse_date(meta.get("content") or "", asof)
            if found is not None:
                return found
    text = " ".join(root.text_content().split())
    for match in LABEL.finditer(text):
        found = parse_date(match.group(1), asof)
        if found is not None:
            return found
    return None
