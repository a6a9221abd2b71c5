"""Machine-readable outputs: results.json, CSV and XLSX of the site lists and of all findings.

Each output is its own function of (report, wording) -> file, so one that fails does not stop the others
(govaudit.reporting.render). Headers and sheet names come from reports/templates/wording.yaml."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from govaudit.reporting.evidence import evidence_urls
from govaudit.reporting.safety import spreadsheet_text
from govaudit.reporting.views import FindingView, Report, SiteView
from govaudit.reporting.wording import Wording

SITE_FIELDS: dict[str, Callable[[int, SiteView], Any]] = {
    "index": lambda i, s: i,
    "site_id": lambda i, s: s.site_id,
    "name": lambda i, s: s.name,
    "url": lambda i, s: s.url,
    "organizer": lambda i, s: s.organizer,
    "region": lambda i, s: s.region,
    "level": lambda i, s: s.level,
    "verdict": lambda i, s: s.verdict_label,
    "score": lambda i, s: s.score,
    "vetoes": lambda i, s: "、".join(s.vetoes),
    "decided_by": lambda i, s: s.decided_by,
}
FINDING_FIELDS: dict[str, Callable[[SiteView, FindingView], Any]] = {
    "site_id": lambda s, f: s.site_id,
    "name": lambda s, f: s.name,
    "region": lambda s, f: s.region,
    "indicator": lambda s, f: f.indicator,
    "category": lambda s, f: f.category_label,
    "check": lambda s, f: f.check,
    "title": lambda s, f: f.title,
    "points": lambda s, f: f.points,
    "message": lambda s, f: f.message,
    "subject_url": lambda s, f: f.subject_url,
    "urls": lambda s, f: " ".join(evidence_urls(f.evidence)),
    "evidence": lambda s, f: json.dumps(f.evidence, ensure_ascii=False, sort_keys=True, default=str),
}


EXPORT_FILES = ("results.json", "sites.csv", "attachment1-qualified.csv", "attachment2-unqualified.csv",
                "findings.csv", "results.xlsx")


def _fields(table: dict[str, Callable[..., Any]], keys: list[str] | tuple[str, ...], what: str) -> list[Callable[..., Any]]:
    unknown = [k for k in keys if k not in table]
    if unknown:
        raise ValueError(f"wording.yaml: unknown {what} column(s) {', '.join(unknown)} (known: {', '.join(table)})")
    return [table[k] for k in keys]


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _rate(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def results_json(report: Report) -> dict[str, Any]:
    run, s = report.run, report.summary
    sites = []
    for site in report.sites:
        sites.append(
            {
                "site_id": site.site_id,
                "name": site.name,
                "url": site.url,
                "verdict": site.verdict,
                "score": site.score,
                "vetoes": site.vetoes,
                "deductions": [
                    {"indicator": f.indicator, "points": f.points, "evidence": f.evidence}
                    for f in site.findings
                    if f.category == "deduction"
                ],
                "columns": [
                    {
                        "name": c.name,
                        "url": c.url,
                        "category": c.category,
                        "latest": _iso(c.latest),
                        "entries": c.entries,
                        "blank": c.blank,
                        "stale": c.stale,
                    }
                    for c in site.columns
                ],
                # extra keys
                "region": site.region,
                "level": site.level,
                "organizer": site.organizer,
                "crawl_state": site.crawl_state,
                "reason": site.reason,
                "page": site.file,
                "findings": [
                    {
                        "indicator": f.indicator,
                        "category": f.category,
                        "title": f.title,
                        "points": f.points,
                        "message": f.message,
                        "check": f.check,
                        "subject_url": f.subject_url,
                        "evidence_refs": f.refs,
                        "evidence": f.evidence,
                    }
                    for f in site.findings
                ],
            }
        )
    previous = None
    if report.comparison:
        previous = {
            "id": report.comparison.previous.id,
            "asof": _iso(report.comparison.previous.asof),
            "pass_rate": _rate(report.comparison.previous_pass_rate),
            "change_pp": _rate(report.comparison.change),
        }
    return {
        "run": {
            "id": run.id,
            "asof": _iso(run.asof),
            "rubric": run.rubric,
            "started": _iso(run.started),
            "finished": _iso(run.finished),
            "kind": run.kind,
            "status": run.status,
            "evidence_run_id": run.evidence_run_id or run.id,
            "parent_run_id": run.parent_run_id,
        },
        "summary": {
            "checked": s.checked,
            "qualified": s.qualified,
            "unqualified": s.unqualified,
            "pass_rate": _rate(s.pass_rate),
            "unaudited": s.unaudited,
            "registered": s.registered,
            "running": s.running,
            "offline_temporary": s.offline_temporary,
            "offline_permanent": s.offline_permanent,
            "previous": previous,
        },
        "sites": sites,
    }


def site_rows(sites: list[SiteView], keys: list[str] | tuple[str, ...]) -> list[list[Any]]:
    getters = _fields(SITE_FIELDS, keys, "site")
    return [[get(i, site) for get in getters] for i, site in enumerate(sites, 1)]


def finding_rows(report: Report, keys: list[str] | tuple[str, ...]) -> list[list[Any]]:
    getters = _fields(FINDING_FIELDS, keys, "finding")
    return [[get(site, f) for get in getters] for site in report.sites for f in site.findings]


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    # UTF-8 with BOM: Excel on Chinese Windows opens it correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else spreadsheet_text(v) for v in row])


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([spreadsheet_text(v) for v in row])
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJK", (6, 16, 30, 36, 24, 12, 8, 10, 8, 16, 40), strict=False):
        ws.column_dimensions[col].width = width


def _by_verdict(report: Report, verdict: str) -> list[SiteView]:
    return [s for s in report.sites if s.verdict == verdict]


def _write_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(results_json(report), ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def _write_xlsx(report: Report, wording: Wording, path: Path) -> None:
    site_header, site_keys = list(wording.site_columns.values()), list(wording.site_columns)
    wb = Workbook()
    wb.remove(wb.active)
    for verdict in ("qualified", "unqualified"):
        _sheet(wb, wording.sheet(verdict), site_header, site_rows(_by_verdict(report, verdict), site_keys))
    _sheet(wb, wording.sheet("all_sites"), site_header, site_rows(report.sites, site_keys))
    _sheet(wb, wording.sheet("findings"), list(wording.finding_columns.values()),
           finding_rows(report, list(wording.finding_columns)))
    wb.save(path)


def export_writers(report: Report, wording: Wording) -> dict[str, Callable[[Path], None]]:
    """file name -> a function writing it: every machine-readable output of the bundle."""
    site_header, site_keys = list(wording.site_columns.values()), list(wording.site_columns)

    def site_csv(sites: list[SiteView]) -> Callable[[Path], None]:
        return lambda path: _write_csv(path, site_header, site_rows(sites, site_keys))

    writers: dict[str, Callable[[Path], None]] = {
        "results.json": lambda path: _write_json(report, path),
        "sites.csv": site_csv(report.sites),
        "attachment1-qualified.csv": site_csv(_by_verdict(report, "qualified")),
        "attachment2-unqualified.csv": site_csv(_by_verdict(report, "unqualified")),
        "findings.csv": lambda path: _write_csv(path, list(wording.finding_columns.values()),
                                                finding_rows(report, list(wording.finding_columns))),
        "results.xlsx": lambda path: _write_xlsx(report, wording, path),
    }
    assert tuple(writers) == EXPORT_FILES
    return writers
