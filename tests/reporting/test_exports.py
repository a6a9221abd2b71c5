"""CSV / XLSX / DOCX exports are readable and agree with the SQL; the `scrapy report` command."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest
from scrapy.settings import Settings
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from govaudit.commands.report import Command
from govaudit.store.models import Finding, Score

from .factory import FindingSpec, SiteSpec, add_run, make_engine


def test_csv_and_xlsx_readable(spotcheck: tuple[Engine, Path]) -> None:
    engine, bundle = spotcheck
    with Session(engine) as s:
        n_findings = s.scalar(select(func.count()).select_from(Finding).where(Finding.run_id == "2017q4"))
        unq = set(s.scalars(select(Score.site_id).where(Score.run_id == "2017q4", Score.verdict == "unqualified")))
    with (bundle / "sites.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 170 and rows[0]["网站名称"]
    assert {r["网站标识码"] for r in rows if r["结论"] == "不合格"} == unq
    with (bundle / "findings.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == n_findings
    with (bundle / "attachment2-unqualified.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert {r["网站标识码"] for r in csv.DictReader(fh)} == unq
    wb = openpyxl.load_workbook(bundle / "results.xlsx", read_only=True)
    assert wb.sheetnames == ["附件1 合格网站名单", "附件2 不合格网站名单", "全部抽查网站", "问题明细"]
    assert wb["附件1 合格网站名单"].max_row == 1 + 166
    assert {r[1] for r in wb["附件2 不合格网站名单"].iter_rows(min_row=2, values_only=True)} == unq
    assert wb["问题明细"].max_row == 1 + n_findings


def test_notice_docx_has_the_notice(spotcheck: tuple[Engine, Path]) -> None:
    _, bundle = spotcheck
    document = docx.Document(str(bundle / "notice.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "关于2017年第四季度全省政府网站抽查情况的通报" in text
    assert "总体合格率97.6%" in text and "二、存在问题" in text
    assert len(document.tables) == 2 and len(document.tables[1].rows) == 1 + 4


def test_spreadsheet_formulas_are_neutralised(tmp_path: Path, templates: Path) -> None:
    from govaudit.reporting import render_bundle

    engine = make_engine(tmp_path / "db.sqlite")
    site = SiteSpec("230X", '=HYPERLINK("http://evil","点我")', "http://x.gov.cn/", verdict="unqualified", score=50.0,
                    findings=[FindingSpec("C19-D4", "deduction", "动态要闻", "@SUM(1+1)", 5.0, {})])
    add_run(engine, "f", dt.date(2017, 12, 15), [site])
    bundle = render_bundle(engine, "f", tmp_path / "out", templates)
    ws = openpyxl.load_workbook(bundle / "results.xlsx")["附件2 不合格网站名单"]
    cell = ws.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert "'@SUM" in (bundle / "findings.csv").read_text("utf-8-sig")


def _command(url: str, reports: Path, templates: Path) -> Command:
    cmd = Command()
    cmd.settings = Settings(
        {"GOVAUDIT_DATABASE_URL": url, "GOVAUDIT_REPORTS_DIR": str(reports), "GOVAUDIT_TEMPLATES_DIR": str(templates)}
    )
    return cmd


def test_report_command_latest_and_out(tmp_path: Path, templates: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.sqlite"
    engine = make_engine(db)
    add_run(engine, "old", dt.date(2017, 9, 15), [SiteSpec("1", "甲", "http://a.gov.cn/")])
    add_run(engine, "new", dt.date(2017, 12, 15), [SiteSpec("1", "甲", "http://a.gov.cn/")])
    cmd = _command(f"sqlite:///{db}", tmp_path / "default", templates)
    cmd.run(["latest"], argparse.Namespace(out=str(tmp_path / "chosen")))
    printed = capsys.readouterr().out.strip()
    assert printed == str(tmp_path / "chosen" / "new") and (Path(printed) / "index.html").exists()
    cmd.run(["old"], argparse.Namespace(out=None))
    assert capsys.readouterr().out.strip() == str(tmp_path / "default" / "old")
    cmd.run(["missing"], argparse.Namespace(out=None))
    assert cmd.exitcode == 1 and "missing" in capsys.readouterr().out
