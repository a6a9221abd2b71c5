"""Score a site as soon as its crawl is finished, from the evidence already in SQL (govaudit.scoring.live)."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured

from govaudit.items import SiteDoneItem
from govaudit.runs import current_run
from govaudit.scoring.live import LiveScorer, get_scorer


class ScoringPipeline:
    def __init__(self, scorer: LiveScorer) -> None:
        self.scorer = scorer

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScoringPipeline:
        if not crawler.settings.getbool("GOVAUDIT_SCORING_ENABLED", True):
            raise NotConfigured("GOVAUDIT_SCORING_ENABLED is off")
        if current_run(crawler) is None:
            raise NotConfigured("no audit run (e.g. the probe spider)")
        return cls(get_scorer(crawler))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SiteDoneItem):
            self.scorer.score(item.site_id)
        return item
