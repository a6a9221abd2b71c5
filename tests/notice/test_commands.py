"""`scrapy zhaocuo import FILE` (CSV and XLSX, a bad file refused whole) and `scrapy report RUN --region`."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from scrapy.settings import Settings
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from govaudit import settings as project_settings
from govaudit.commands.report import Command as ReportCommand
from govaudit.commands.zhaocuo import Command as ZhaocuoCommand
from govaudit.store.models import ManualFinding, ZhaocuoMessage
from tests.reporting.factory import HLJ_TOTALS, add_run, make_engine, spotcheck_sites

TEMPLATES = Path(__file__).resolve().parents[2] / "reports"
HEADER = ["编号", "网站标识码", "网站名称", "留言时间", "答复时间", "办结时间", "状态"]


def _settings(db: Path, reports: Path) -> Settings:
    return Settings({"GOVAUDIT_DATABASE_URL": f"sqlite:///{db}", "GOVAUDIT_REPORTS_DIR": str(reports),
                     "GOVAUDIT_TEMPLATES_DIR": str(TEMPLATES),
                     "GOVAUDIT_RUBRICS_DIR": project_settings.GOVAUDIT_RUBRICS_DIR,
                     "GOVAUDIT_DEFAULT_RUBRIC": "inspection-2019"})


def test_zhaocuo_import_xlsx_links_sites_and_scores_late_replies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.sqlite"
    sites = spotcheck_sites(3, 0, dt.date(2017, 12, 14), seed=4)
    add_run(make_engine(db), "r", dt.date(2017, 12, 14), sites, totals=HLJ_TOTALS)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["A1", sites[0].site_id, "", dt.datetime(2017, 8, 1, 9, 30), dt.datetime(2017, 8, 2), dt.datetime(2017, 8, 3), "已办结"])
    # Friday 2017-08-04 + 3 working days = Wednesday 08-09: a reply on 08-10 is late
    ws.append(["A2", "", sites[1].name, "2017年8月4日", "2017年8月10日", "2017年8月11日", "已办结"])
    ws.append(["A3", "", "不在名录的网站", "2017-08-07", "2017-08-08", "", "办理中"])
    wb.save(tmp_path / "export.xlsx")
    cmd = ZhaocuoCommand()
    cmd.settings = _settings(db, tmp_path / "reports")
    cmd.run(["import", str(tmp_path / "export.xlsx")], argparse.Namespace(rubric=None))
    out = capsys.readouterr().out
    assert "imported 3 message(s)" in out and "1 not linked" in out
    with Session(create_engine(f"sqlite:///{db}")) as s:
        linked = dict(s.execute(select(ZhaocuoMessage.message_id, ZhaocuoMessage.site_id)).all())
        assert linked == {"A1": sites[0].site_id, "A2": sites[1].site_id, "A3": ""}
        late = s.scalars(select(ManualFinding).where(ManualFinding.indicator == "C19-D24")).all()
        assert [f.site_id for f in late] == [sites[1].site_id] and late[0].points == 1.0


def test_zhaocuo_import_refuses_a_bad_file_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.sqlite"
    make_engine(db)
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(HEADER) + "\nB1,,甲,2017-08-01,,,\nB2,,乙,not a date,,,\n", encoding="utf-8")
    cmd = ZhaocuoCommand()
    cmd.settings = _settings(db, tmp_path / "reports")
    cmd.run(["import", str(bad)], argparse.Namespace(rubric=None))
    assert cmd.exitcode == 1 and "row 3" in capsys.readouterr().out
    with Session(create_engine(f"sqlite:///{db}")) as s:
        assert s.scalar(select(func.count()).select_from(ZhaocuoMessage)) == 0


def test_report_command_region_bundle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.sqlite"
    sites = spotcheck_sites(12, 2, dt.date(2017, 12, 14), seed=9)
    add_run(make_engine(db), "r", dt.date(2017, 12, 14), sites, totals=HLJ_TOTALS)
    region = sites[0].region
    cmd = ReportCommand()
    cmd.settings = _settings(db, tmp_path / "reports")
    cmd.run(["r"], argparse.Namespace(out=None, region=region, monthly=None))
    bundle = Path(capsys.readouterr().out.strip())
    assert bundle.parent == tmp_path / "reports" / "r" / "regions"
    own = sum(1 for s in sites if s.region == region)
    assert len(list((bundle / "sites").glob("*.html"))) == own
