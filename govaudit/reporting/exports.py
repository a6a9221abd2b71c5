"""Machine-readable outputs: results.json, CSV and XLSX of the site lists and of all findings."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from govaudit.reporting.evidence import evidence_urls
from govaudit.reporting.safety import spreadsheet_text
from govaudit.reporting.views import Report, SiteView

SITE_HEADER = ["序号", "网站标识码", "网站名称", "首页网址", "主办单位", "所属地区", "级别", "结论", "得分", "单项否决", "判定依据"]
FINDING_HEADER = ["网站标识码", "网站名称", "所属地区", "指标", "类别", "指标名称", "分值", "问题描述", "证据网址", "证据(JSON)"]


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


def _site_row(i: int, site: SiteView) -> list[Any]:
    return [
        i,
        site.site_id,
        site.name,
        site.url,
        site.organizer,
        site.region,
        site.level,
        site.verdict_label,
        site.score,
        "、".join(site.vetoes),
        site.decided_by,
    ]


def site_rows(sites: list[SiteView]) -> list[list[Any]]:
    return [_site_row(i, s) for i, s in enumerate(sites, 1)]


def finding_rows(report: Report) -> list[list[Any]]:
    rows = []
    for site in report.sites:
        for f in site.findings:
            rows.append(
                [
                    site.site_id,
                    site.name,
                    site.region,
                    f.indicator,
                    f.category_label,
                    f.title,
                    f.points,
                    f.message,
                    " ".join(evidence_urls(f.evidence)),
                    json.dumps(f.evidence, ensure_ascii=False, sort_keys=True, default=str),
                ]
            )
    return rows


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


def write_exports(report: Report, out: Path) -> list[Path]:
    qualified = [s for s in report.sites if s.verdict == "qualified"]
    unqualified = [s for s in report.sites if s.verdict == "unqualified"]
    paths = {
        "json": out / "results.json",
        "sites": out / "sites.csv",
        "qualified": out / "attachment1-qualified.csv",
        "unqualified": out / "attachment2-unqualified.csv",
        "findings": out / "findings.csv",
        "xlsx": out / "results.xlsx",
    }
    paths["json"].write_text(
        json.dumps(results_json(report), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    _write_csv(paths["sites"], SITE_HEADER, site_rows(report.sites))
    _write_csv(paths["qualified"], SITE_HEADER, site_rows(qualified))
    _write_csv(paths["unqualified"], SITE_HEADER, site_rows(unqualified))
    findings = finding_rows(report)
    _write_csv(paths["findings"], FINDING_HEADER, findings)
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "附件1 合格网站名单", SITE_HEADER, site_rows(qualified))
    _sheet(wb, "附件2 不合格网站名单", SITE_HEADER, site_rows(unqualified))
    _sheet(wb, "全部抽查网站", SITE_HEADER, site_rows(report.sites))
    _sheet(wb, "问题明细", FINDING_HEADER, findings)
    wb.save(paths["xlsx"])
    return list(paths.values())
