"""Scoring during a crawl: a site is scored from SQL as soon as its last request is handled; when the run
finishes, any crawled site still unscored (its scoring failed, say) is tried once more. The same
`score_site` serves `scrapy rescore`."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from govaudit.runs import AuditRun, require_run
from govaudit.scoring.service import score_site
from govaudit.store import models as m
from govaudit.store.writer import EvidenceWriter, get_writer

logger = logging.getLogger(__name__)

_ATTR = "_govaudit_scorer"


class LiveScorer:
    def __init__(self, run: AuditRun, writer: EvidenceWriter, stats: Any) -> None:
        self.run = run
        self.writer = writer
        self.stats = stats

    def score(self, site_id: str) -> None:
        run = self.run
        try:
            with self.writer.Session.begin() as session:
                result = score_site(session, run.run_id, site_id, run.rubric, run.asof,
                                    evidence_run_id=run.evidence_run_id, timezone=run.timezone)
            self.writer.mark_done(run.run_id, site_id)
            self.stats.inc_value(f"govaudit/verdict/{result.verdict}")
            self.stats.inc_value("govaudit/sites_scored")
        except Exception:  # one site's scoring bug must not stop the run; it stays unscored and is reported
            logger.exception("scoring failed for site %s of run %s", site_id, run.run_id)
            self.stats.inc_value("govaudit/scoring_errors")

    def score_remaining(self) -> None:
        """At the end of a finished run: every crawled site not scored yet."""
        self.writer.flush()
        with self.writer.Session() as s:
            todo = list(s.scalars(select(m.RunSite.site_id).where(
                m.RunSite.run_id == self.run.run_id, m.RunSite.crawl_state != "pending", m.RunSite.done.is_(False))))
        for site_id in todo:
            self.score(site_id)


def get_scorer(crawler: Any) -> LiveScorer:
    scorer = getattr(crawler, _ATTR, None)
    if scorer is None:
        scorer = LiveScorer(require_run(crawler), get_writer(crawler), crawler.stats)
        setattr(crawler, _ATTR, scorer)
    return scorer
