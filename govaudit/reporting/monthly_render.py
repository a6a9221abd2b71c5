"""`scrapy report --monthly 2017-12`: the month's report folder <reports>/monthly-2017-12/ — summary.html
(the one-page report to the leadership), index.html (figures, trends, lines crossed, every site),
charts/*.svg, data.json (every figure) and 运行情况月报-2017-12.docx — written to a temporary sibling and
swapped in, like a run's bundle."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy.orm import Session

from govaudit.monitoring.rules import Rules
from govaudit.reporting.monthly import MonthlyReport, build_monthly
from govaudit.reporting.monthly_charts import DayChart, day_chart
from govaudit.reporting.notice_docx import BODY_FONT, HEADING_FONT, TITLE_FONT
from govaudit.reporting.render import make_environment, resolve_assets

SITE_COLUMNS = (("网站名称", "name"), ("地区", "region"), ("监测天数", "days_checked"), ("可访问天数", "days_reachable"),
                ("新发布信息", "new_entries"), ("撤下信息", "removed_entries"), ("预警（次）", "alerts_opened"),
                ("月末未整改", "alerts_open_at_end"))


def charts_of(report: MonthlyReport) -> list[DayChart]:
    days = report.daily
    return [
        day_chart("availability", "首页可访问率", "%", "line",
                  [(p.day, float(p.availability) if p.availability is not None else None) for p in days], lo=0, hi=100),
        day_chart("new_entries", "每日新发布信息", "条", "bar",
                  [(p.day, float(p.new_entries) if p.sites_checked else None) for p in days]),
        day_chart("open_alerts", "触及预警线未整改", "项", "line",
                  [(p.day, float(p.open_alerts) if p.sites_checked else None) for p in days]),
    ]


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text: str, font: str, size: float, align=None, indent: bool = False) -> None:
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt(size * 2)
    _font(para.add_run(text), font, size)


def write_docx(report: MonthlyReport, summary_html: str, path: Path) -> Path:
    """The one-page report (its wording from summary.html) and the table of sites."""
    doc = Document()
    tree = lxml.html.fromstring(summary_html)
    root = (tree.xpath('//article[contains(@class, "notice")]') or [tree])[0]
    for el in root.iter("h1", "h2", "p"):
        text = " ".join(el.text_content().split())
        if not text:
            continue
        classes = set((el.get("class") or "").split())
        if el.tag == "h1":
            _para(doc, text, TITLE_FONT, 22, WD_ALIGN_PARAGRAPH.CENTER)
        elif el.tag == "h2":
            _para(doc, text, HEADING_FONT, 16, indent=True)
        elif "sign" in classes:
            _para(doc, text, BODY_FONT, 16, WD_ALIGN_PARAGRAPH.RIGHT)
        elif "addressee" in classes:
            _para(doc, text, BODY_FONT, 16)
        else:
            _para(doc, text, BODY_FONT, 16, indent=True)
    doc.add_page_break()
    _para(doc, "附件：各网站运行情况", HEADING_FONT, 14, WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=1, cols=len(SITE_COLUMNS))
    table.style = "Table Grid"
    for cell, (label, _key) in zip(table.rows[0].cells, SITE_COLUMNS, strict=True):
        cell.text = label
    for site in report.sites:
        for cell, (_label, key) in zip(table.add_row().cells, SITE_COLUMNS, strict=True):
            cell.text = str(getattr(site, key))
    doc.save(str(path))
    return path


def render_monthly(session: Session, month: str, out_dir: Path, templates_dir: Path, rules: Rules, tz: str,
                   availability_threshold: float | None) -> Path:
    report = build_monthly(session, month, rules, tz, availability_threshold)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"monthly-{report.month}"
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=out_dir))
    tmp.chmod(0o755)
    try:
        tpl_dir, static_dir = resolve_assets(templates_dir)
        env = make_environment(tpl_dir)
        charts = charts_of(report)
        (tmp / "charts").mkdir()
        for chart in charts:
            (tmp / "charts" / f"{chart.name}.svg").write_text(env.get_template("monthly/chart.svg").render(chart=chart),
                                                               "utf-8")
        summary = env.get_template("monthly/summary.html").render(r=report)
        (tmp / "summary.html").write_text(summary, "utf-8")
        (tmp / "index.html").write_text(env.get_template("monthly/index.html").render(r=report, charts=charts), "utf-8")
        (tmp / "data.json").write_text(json.dumps(report.data(), ensure_ascii=False, indent=1), "utf-8")
        (tmp / "static").mkdir()
        if static_dir.is_dir():
            for item in static_dir.iterdir():
                if item.is_file():
                    shutil.copy2(item, tmp / "static" / item.name)
        write_docx(report, summary, tmp / f"运行情况月报-{report.month}.docx")
        if final.exists():
            old = out_dir / f".{final.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
            tmp.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final
