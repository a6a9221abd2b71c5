"""A check: the alerts of a day decided from what monitoring knows (govaudit.monitoring.alerts), their
messages sent (govaudit.monitoring.notify), and — once a day — the digest. Run at the end of every daily
pass, and by `scrapy monitor check` (e.g. after each probe run)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from govaudit.monitoring.alerts import evaluate
from govaudit.monitoring.notify import Notifier, site_infos
from govaudit.monitoring.rules import load_rules
from govaudit.scoring.model import Rubric
from govaudit.scoring.rubric import load_rubric
from govaudit.store.db import session_factory

logger = logging.getLogger(__name__)


@dataclass
class CheckResult:
    day: dt.date
    opened: list[tuple[str, str, str]]  # (site, condition, subject)
    cleared: list[tuple[str, str, str]]
    still_open: int
    sent: int = 0
    failed: int = 0
    notified: bool = False


def run_check(settings: Any, day: dt.date, site_ids: list[str] | None = None, *, digest: bool = False,
              rubric: Rubric | None = None) -> CheckResult:
    Session = session_factory(settings.get("GOVAUDIT_DATABASE_URL"))
    rubric = rubric or load_rubric(settings.get("GOVAUDIT_DEFAULT_RUBRIC"), settings.get("GOVAUDIT_RUBRICS_DIR"))
    rules = load_rules(settings.get("GOVAUDIT_MONITOR_RULES") or None, rubric)
    with Session.begin() as session:
        changes = evaluate(session, rules, day, site_ids)
    result = CheckResult(day, [(a.site_id, a.condition, a.subject) for a in changes.opened],
                         [(a.site_id, a.condition, a.subject) for a in changes.cleared], len(changes.still_open))
    notifier = Notifier.from_settings(settings, Session)
    if notifier is None:
        return result
    result.notified = True
    with Session() as session:
        infos = site_infos(session, sorted({a.site_id for a in changes.opened + changes.still_open}))
    notifier.alerts(day, changes.opened + notifier.to_retry(changes.still_open), infos)
    if digest:
        with Session() as session:
            notifier.digest(session, day)
    result.sent, result.failed = notifier.sent, notifier.failed
    return result
