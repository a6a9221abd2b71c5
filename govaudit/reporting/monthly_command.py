"""The work of `scrapy report --monthly YYYY-MM` (kept out of the command module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.monitoring.rules import RulesError, load_rules
from govaudit.reporting.monthly import MonthNotMonitored, month_bounds
from govaudit.reporting.monthly_render import render_monthly
from govaudit.scoring.rubric import RubricError, load_rubric
from govaudit.store import models as m
from govaudit.store.db import get_engine
from govaudit.store.runs import rubric_of_run


def report_month(settings: Any, month: str, out: str | None) -> int:
    """Render the month's report; print its folder (or why not) and return the exit status."""
    try:
        start, end = month_bounds(month)
    except ValueError as exc:
        print(f"Error: {exc}")
        return 2
    engine = get_engine(settings.get("GOVAUDIT_DATABASE_URL"), create=False)
    with Session(engine) as session:
        last = session.scalars(select(m.Run.id).where(m.Run.kind == "monitor", m.Run.asof >= start, m.Run.asof <= end)
                               .order_by(m.Run.asof.desc(), m.Run.started.desc()).limit(1)).first()
        try:
            try:  # the rubric of the month's last pass; one that no longer loads gives way to today's default
                rubric = rubric_of_run(session, last, settings.get("GOVAUDIT_RUBRICS_DIR")) if last else None
            except (RubricError, LookupError):
                rubric = None
            rubric = rubric or load_rubric(settings.get("GOVAUDIT_DEFAULT_RUBRIC"), settings.get("GOVAUDIT_RUBRICS_DIR"))
            rules = load_rules(settings.get("GOVAUDIT_MONITOR_RULES") or None, rubric)
        except (RubricError, RulesError) as exc:
            print(f"Error: {exc}")
            return 1
        indicator = next((i for i in rubric.indicators if i.id == rules.indicators["unreachable"]), None)
        threshold = indicator.params.get("threshold_pct") if indicator is not None else None
        try:
            folder = render_monthly(session, month, Path(out or settings.get("GOVAUDIT_REPORTS_DIR")),
                                    Path(settings.get("GOVAUDIT_TEMPLATES_DIR")), rules,
                                    settings.get("GOVAUDIT_TIMEZONE"), threshold)
        except MonthNotMonitored as exc:
            print(f"Error: {exc} in {engine.url.render_as_string(hide_password=True)}")
            return 1
    print(folder)
    return 0
