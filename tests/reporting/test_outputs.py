"""Each output of the bundle is rendered on its own: one that fails is named (log, exception, `scrapy report`
exit status) and the others are written; crawled control characters do not break the XML outputs."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from scrapy.settings import Settings

from govaudit.commands.report import Command
from govaudit.reporting import BundleIncomplete, render_bundle

from .conftest import TEMPLATES
from .factory import ColumnSpec, FindingSpec, SiteSpec, add_run, make_engine

OUTPUTS = ("index.html", "notice.html", "attachment1.html", "attachment2.html", "monitoring.html", "results.json",
           "sites.csv", "attachment1-qualified.csv", "attachment2-unqualified.csv", "findings.csv", "results.xlsx",
           "notice.docx")


def _run(tmp_path: Path, name: str = "甲网站") -> str:
    db = tmp_path / "db.sqlite"
    engine = make_engine(db)
    home = "http://a.example.gov.cn/"
    bad = SiteSpec("230A", name, home, verdict="unqualified", score=50.0,
                   columns=[ColumnSpec("政务\x01动态", home + "zwdt/", "news", dt.date(2017, 1, 2))],
                   findings=[FindingSpec("C19-D4", "deduction", "动态要闻", "栏目\x0b长期未更新", 5.0,
                                         {"url": home + "zwdt/", "name": "政务\x01动态"})])
    add_run(engine, "r", dt.date(2017, 12, 15), [bad, SiteSpec("230B", "乙网站", "http://b.example.gov.cn/")])
    engine.dispose()
    return f"sqlite:///{db}"


def _broken_templates(tmp_path: Path) -> Path:
    """A copy of reports/ whose notice template fails while rendering (an undefined name)."""
    copy = tmp_path / "reports"
    shutil.copytree(TEMPLATES, copy)
    notice = copy / "templates" / "notice.html"
    notice.write_text(notice.read_text("utf-8").replace("<h2>二、存在问题</h2>", "<h2>{{ no_such_name.x }}</h2>", 1),
                      "utf-8")
    return copy


def test_control_characters_do_not_break_xlsx_or_docx(tmp_path: Path) -> None:
    url = _run(tmp_path, name="甲\x01网站")
    bundle = render_bundle(make_engine(url), "r", tmp_path / "out", TEMPLATES)
    for name in OUTPUTS:
        assert (bundle / name).stat().st_size > 0, name
    ws = openpyxl.load_workbook(bundle / "results.xlsx")["附件2 不合格网站名单"]
    assert ws.cell(row=2, column=3).value == "甲网站"
    document = docx.Document(str(bundle / "notice.docx"))
    assert "甲网站" in [c.text for c in document.tables[1].rows[1].cells]
    assert "栏目长期未更新" in (bundle / "findings.csv").read_text("utf-8-sig")


def test_a_failed_output_is_named_and_the_others_are_written(tmp_path: Path, caplog) -> None:
    url = _run(tmp_path)
    templates = _broken_templates(tmp_path)
    with caplog.at_level(logging.ERROR, logger="govaudit.reporting.render"), pytest.raises(BundleIncomplete) as err:
        render_bundle(make_engine(url), "r", tmp_path / "out", templates)
    bundle = err.value.path
    assert set(err.value.failed) == {"notice.html", "notice.docx"}
    assert "no_such_name" in err.value.failed["notice.html"]
    assert "notice.html" in caplog.text and "report output" in caplog.text
    for name in OUTPUTS:
        assert (bundle / name).exists() is (name not in err.value.failed), name
    data = json.loads((bundle / "results.json").read_text("utf-8"))
    assert len(data["sites"]) == 2 and len(list((bundle / "sites").iterdir())) == 2
    assert (bundle / "static" / "style.css").exists()


def test_report_command_exits_non_zero_naming_the_failed_output(tmp_path: Path, capsys) -> None:
    url = _run(tmp_path)
    templates = _broken_templates(tmp_path)
    cmd = Command()
    cmd.settings = Settings({"GOVAUDIT_DATABASE_URL": url, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "out"),
                             "GOVAUDIT_TEMPLATES_DIR": str(templates)})
    cmd.run(["r"], argparse.Namespace(out=None))
    out = capsys.readouterr().out
    assert cmd.exitcode == 1
    assert "output notice.html not written" in out and "output notice.docx not written" in out
    assert str(tmp_path / "out" / "r") in out and (tmp_path / "out" / "r" / "index.html").exists()
    cmd.exitcode = 0
    cmd.settings.set("GOVAUDIT_TEMPLATES_DIR", str(TEMPLATES))
    cmd.run(["r"], argparse.Namespace(out=None))
    assert cmd.exitcode == 0 and capsys.readouterr().out.strip() == str(tmp_path / "out" / "r")
    assert (tmp_path / "out" / "r" / "notice.docx").exists()


def test_attachment_titles_come_from_the_wording_file(tmp_path: Path) -> None:
    url = _run(tmp_path)
    templates = tmp_path / "reports"
    shutil.copytree(TEMPLATES, templates)
    wording = templates / "templates" / "wording.yaml"
    wording.write_text(wording.read_text("utf-8").replace("title: 不合格政府网站名单", "title: 问题网站名单", 1)
                       .replace("sheet: 附件2 不合格网站名单", "sheet: 附件2 问题网站", 1), "utf-8")
    bundle = render_bundle(make_engine(url), "r", tmp_path / "out", templates)
    assert "问题网站名单" in (bundle / "attachment2.html").read_text("utf-8")
    assert "问题网站名单" in (bundle / "notice.html").read_text("utf-8")
    assert "附件2 问题网站" in openpyxl.load_workbook(bundle / "results.xlsx").sheetnames
    paragraphs = [p.text for p in docx.Document(str(bundle / "notice.docx")).paragraphs]
    assert "附件2 问题网站名单" in paragraphs
