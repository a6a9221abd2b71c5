"""notice.docx from the rendered notice.html, so the wording stays in the one Jinja template."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

from govaudit.reporting.exports import SITE_HEADER, site_rows
from govaudit.reporting.views import Report

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:  # noqa: ANN001
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _text(el) -> str:  # noqa: ANN001
    return " ".join(el.text_content().split())


def _add(doc, text: str, font: str, size: float, align=None, indent: bool = False, bold: bool = False) -> None:  # noqa: ANN001
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt(size * 2)
    para.paragraph_format.space_after = Pt(4)
    _font(para.add_run(text), font, size, bold)


def _table(doc, title: str, rows: list[list]) -> None:  # noqa: ANN001
    _add(doc, title, HEADING_FONT, 14, WD_ALIGN_PARAGRAPH.CENTER)
    columns = [0, 2, 3, 5, 6, 10]  # 序号 名称 网址 地区 级别 判定依据
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, idx in zip(table.rows[0].cells, columns, strict=True):
        cell.text = SITE_HEADER[idx]
    for row in rows:
        cells = table.add_row().cells
        for cell, idx in zip(cells, columns, strict=True):
            value = row[idx]
            cell.text = "" if value is None else str(value)


def write_notice_docx(report: Report, notice_html: str, path: Path) -> Path:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    tree = lxml.html.fromstring(notice_html)
    articles = tree.xpath('//article[contains(concat(" ", normalize-space(@class), " "), " notice ")]')
    root = articles[0] if articles else tree
    for el in root.iter("h1", "h2", "h3", "p", "li"):
        text = _text(el)
        if not text:
            continue
        classes = set((el.get("class") or "").split())
        if "no-docx" in classes:
            continue
        if el.tag == "h1":
            _add(doc, text, TITLE_FONT, 22, WD_ALIGN_PARAGRAPH.CENTER)
        elif el.tag == "h2":
            _add(doc, text, HEADING_FONT, 16, indent=True)
        elif el.tag == "h3":
            _add(doc, text, BODY_FONT, 16, indent=True, bold=True)
        elif "sign" in classes:
            _add(doc, text, BODY_FONT, 16, WD_ALIGN_PARAGRAPH.RIGHT)
        elif "addressee" in classes:
            _add(doc, text, BODY_FONT, 16)
        else:
            _add(doc, text, BODY_FONT, 16, indent=True)

    for title, verdict in (("附件1 合格政府网站名单", "qualified"), ("附件2 不合格政府网站名单", "unqualified")):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _table(doc, title, site_rows([s for s in report.sites if s.verdict == verdict]))
    doc.save(str(path))
    return path
