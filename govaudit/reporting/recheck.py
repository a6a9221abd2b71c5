"""The recheck of a run's problem sites (`scrapy crawl audit -a recheck=RUN`) and its summary: which sites
fixed their problems, which did not, which reported a rectification (`-a reported=FILE`: the written 整改情况
reports received) without fixing, and which are overdue (still open after the run's `due` date).

A problem site is one the notice names: unqualified, or with a problem finding that has points and is not an
artefact of the demo's loopback addressing (`notice_artefacts.loopback_artefact`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.reporting.labels import PROBLEM_CATEGORIES
from govaudit.reporting.notice_artefacts import loopback_artefact
from govaudit.store.models import Finding, Run, Score

# header names of a file of received rectification reports (case-insensitive)
REPORT_HEADERS = {
    "site_id": ("site_id", "网站标识码", "标识码"),
    "name": ("name", "site", "网站名称", "网站"),
    "date": ("date", "reported", "报送日期", "报送时间", "收到日期", "日期"),
}


class ReportsFileError(ValueError):
    """A bad file of rectification reports; the message names every bad row."""


def problem_site_ids(session: Session, run_id: str) -> list[str]:
    """Sites of run `run_id` that were unqualified or had a problem finding (veto, requirement, deduction)."""
    ids = {s for (s,) in session.execute(select(Score.site_id).where(Score.run_id == run_id,
                                                                       Score.verdict == "unqualified"))}
    rows = session.execute(select(Finding.site_id, Finding.evidence).where(
        Finding.run_id == run_id, Finding.category.in_(sorted(PROBLEM_CATEGORIES)), Finding.points != 0))
    ids |= {site_id for site_id, evidence in rows if not loopback_artefact(evidence)}
    return sorted(ids)


def read_reports(path: str | Path, sites: list[Any]) -> dict[str, str]:
    """site_id -> ISO date of its written rectification report, from a CSV/XLSX with a site id or exact site
    name and a date per row (`sites`: the registry sites, objects with `site_id` and `name`)."""
    from govaudit.observations.zhaocuo import _date, read_table

    file = Path(path)
    if not file.is_file():
        raise ReportsFileError(f"reported={file}: file not found")
    rows = read_table(file)
    if not rows:
        raise ReportsFileError(f"reported={file}: no rows")
    lower = {str(h).strip().lower(): h for h in rows[0]}
    cols = {key: next((lower[a.lower()] for a in names if a.lower() in lower), None)
            for key, names in REPORT_HEADERS.items()}
    if cols["date"] is None or (cols["site_id"] is None and cols["name"] is None):
        raise ReportsFileError(f"reported={file}: needs a date column and a site id or site name column; "
                               f"header: {', '.join(map(str, rows[0]))}")
    ids = {s.site_id for s in sites}
    names = {s.name: s.site_id for s in sites}
    out: dict[str, str] = {}
    errors: list[str] = []
    for n, row in enumerate(rows, start=2):
        sid = str(row.get(cols["site_id"]) or "").strip() if cols["site_id"] else ""
        name = str(row.get(cols["name"]) or "").strip() if cols["name"] else ""
        site_id = sid if sid in ids else names.get(name, "")
        try:
            day = _date(row.get(cols["date"]))
        except ValueError as exc:
            errors.append(f"row {n}: {exc}")
            continue
        if not site_id or day is None:
            errors.append(f"row {n}: {'no such site ' + (sid or name) if not site_id else 'no date'}")
            continue
        out[site_id] = min(out.get(site_id, day.isoformat()), day.isoformat())
    if errors:
        raise ReportsFileError(f"reported={file}: " + "; ".join(errors))
    return out


@dataclass
class RecheckSummary:
    of_run: str
    due: dt.date | None
    asof: dt.date
    fixed: list[str] = field(default_factory=list)  # site ids with every earlier problem fixed
    not_fixed: list[str] = field(default_factory=list)  # site ids with an earlier problem still open
    overdue: list[str] = field(default_factory=list)  # not fixed and the recheck is after the due date
    new: list[str] = field(default_factory=list)  # site ids with a problem the rechecked run did not find
    reported: dict[str, dt.date] = field(default_factory=dict)  # site id -> date its written report came in
    reported_not_fixed: list[str] = field(default_factory=list)  # reported a rectification, still open
    not_reported: list[str] = field(default_factory=list)  # no written report by the due date
    unchecked: list[str] = field(default_factory=list)  # problem sites the recheck could not check (again)

    @property
    def rechecked(self) -> int:
        return len(self.fixed) + len(self.not_fixed)


def _date_param(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def summarize(session: Session, run_params: dict, asof: dt.date, rectified: list) -> RecheckSummary | None:
    """For a recheck run (params `recheck`): the sites' rectification against the rechecked run."""
    of_run = run_params.get("recheck")
    if not of_run:
        return None
    prev = session.get(Run, of_run)
    due = _date_param(run_params.get("due") or ((prev.params or {}).get("due") if prev is not None else None))
    out = RecheckSummary(str(of_run), due, asof)
    out.reported = {sid: d for sid, text in (run_params.get("reported") or {}).items()
                    if (d := _date_param(text)) is not None}
    for rect in rectified:
        if rect.verdict_after == "unaudited" and not rect.count("open"):
            out.unchecked.append(rect.site_id)  # could not be checked again: nothing is known to be fixed
            continue
        if rect.count("open"):
            out.not_fixed.append(rect.site_id)
            if due is not None and asof > due:
                out.overdue.append(rect.site_id)
            if rect.site_id in out.reported:
                out.reported_not_fixed.append(rect.site_id)
        else:
            out.fixed.append(rect.site_id)
        if rect.count("new"):
            out.new.append(rect.site_id)
        reported = out.reported.get(rect.site_id)
        if due is not None and (reported is None or reported > due):
            out.not_reported.append(rect.site_id)
    seen = {r.site_id for r in rectified}
    if prev is not None:
        out.unchecked += [sid for sid in problem_site_ids(session, prev.id) if sid not in seen]
    return out
