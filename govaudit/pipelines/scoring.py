"""Score a site as soon as its crawl is finished, from the evidence already in SQL.

The check functions read SQL, not items, so this is exactly what `scrapy rescore` runs too.
At close, every crawled site not yet scored is scored (this also covers resumed runs)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import NotConfigured
from sqlalchemy import select

from govaudit.items import SiteDoneItem
from govaudit.scoring.service import score_site
from govaudit.store import models as m
from govaudit.store.writer import get_writer

logger = logging.getLogger(__name__)


class ScoringPipeline:
    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.crawler = crawler
        self.writer = get_writer(crawler)

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        if not crawler.settings.getbool("GOVAUDIT_SCORING_ENABLED", True):
            raise NotConfigured("GOVAUDIT_SCORING_ENABLED is off")
        return cls(crawler)

    def _spider(self) -> Any:
        return self.crawler.spider

    def _score(self, run_id: str, site_id: str) -> None:
        spider = self._spider()
        try:
            with self.writer.Session.begin() as session:
                result = score_site(session, run_id, site_id, spider.rubric, spider.asof)
            self.writer.mark_done(run_id, site_id)
            self.crawler.stats.inc_value(f"govaudit/verdict/{result.verdict}")
            self.crawler.stats.inc_value("govaudit/sites_scored")
        except Exception:  # one site's scoring bug must not stop the run; it stays unscored and is reported
            logger.exception("scoring failed for site %s of run %s", site_id, run_id)
            self.crawler.stats.inc_value("govaudit/scoring_errors")

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SiteDoneItem) and hasattr(self._spider(), "rubric"):
            self._score(item.run_id, item.site_id)
        return item

    def close_spider(self) -> None:
        spider = self._spider()
        if not hasattr(spider, "rubric"):
            return
        self.writer.flush()
        resumed = getattr(spider, "resumed", False)
        with self.writer.Session() as s:
            q = select(m.RunSite.site_id).where(m.RunSite.run_id == spider.run_id, m.RunSite.crawl_state != "pending")
            if not resumed:
                q = q.where(m.RunSite.done.is_(False))
            todo = list(s.scalars(q))
        for site_id in todo:
            self._score(spider.run_id, site_id)
