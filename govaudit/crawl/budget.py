"""How much of a site the audit fetches: the per-site budgets, read once from the settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CrawlBudget:
    max_depth: int  # column depth followed from the home page
    max_columns: int  # columns per site outside the rubric's branches
    max_key_columns: int  # columns per site in the rubric's branches (a safety cap)
    max_pages: int  # list pages per column
    max_letter_pages: int  # list pages per letters column
    history: dt.timedelta  # pagination stops once a column's pages reach this far back
    link_sample: int  # links checked per non-home page
    max_links: int  # links checked per site
    max_guides: int  # service-guide pages per site
    max_articles: int  # article pages per site
    max_parse_bytes: int  # bytes of one response that the extractors read

    @classmethod
    def from_settings(cls, settings: Any) -> CrawlBudget:
        return cls(
            max_depth=settings.getint("GOVAUDIT_MAX_COLUMN_DEPTH"),
            max_columns=settings.getint("GOVAUDIT_MAX_COLUMNS_PER_SITE"),
            max_key_columns=settings.getint("GOVAUDIT_MAX_KEY_COLUMNS_PER_SITE"),
            max_pages=settings.getint("GOVAUDIT_MAX_LIST_PAGES"),
            max_letter_pages=settings.getint("GOVAUDIT_MAX_LETTER_PAGES"),
            history=dt.timedelta(days=settings.getint("GOVAUDIT_HISTORY_DAYS")),
            link_sample=settings.getint("GOVAUDIT_LINK_SAMPLE_PER_PAGE"),
            max_links=settings.getint("GOVAUDIT_MAX_LINKS_PER_SITE"),
            max_guides=settings.getint("GOVAUDIT_MAX_GUIDES_PER_SITE"),
            max_articles=settings.getint("GOVAUDIT_MAX_ARTICLES_PER_SITE"),
            max_parse_bytes=settings.getint("GOVAUDIT_MAX_PARSE_BYTES"),
        )
