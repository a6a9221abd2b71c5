"""Shared by the fault tests: a crawler with a run attached, and a run of sites."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scrapy.utils.test import get_crawler

from govaudit.registry.model import Site
from govaudit.runs import AuditRun, attach_run
from govaudit.scoring.rubric import load_rubric
from govaudit.settings import GOVAUDIT_RUBRICS_DIR

_RUBRIC = None


def make_run(sites: list[Site], run_id: str = "fault-run") -> AuditRun:
    global _RUBRIC
    if _RUBRIC is None:
        _RUBRIC = load_rubric("inspection-2019", GOVAUDIT_RUBRICS_DIR)
    return AuditRun(run_id=run_id, asof=dt.date(2026, 11, 30), rubric=_RUBRIC, rubric_ref="inspection-2019",
                    rubric_hash=_RUBRIC.digest, targets=tuple(sites))


def crawler_with_run(sites: list[Site], **settings: Any) -> Any:
    crawler = get_crawler(settings_dict=settings)
    attach_run(crawler, make_run(sites))
    return crawler
