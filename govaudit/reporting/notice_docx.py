"""notice.docx from the rendered notice.html, so the wording stays in the one Jinja template; the attachment
tables take their titles and columns from reports/templates/wording.yaml."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

from govaudit.reporting.exports import site_rows
from govaudit.reporting.safety import xml_text
from govaudit.reporting.views import Report
from govaudit.reporting.wording import Wording

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _add(doc, text: str, font: str, size: float, align=None, indent: bool = False, bold: bool = False) -> None:
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt(size * 2)
    para.paragraph_format.space_after = Pt(4)
    _font(para.add_run(xml_text(text)), font, size, bold)


def _table(doc, title: str, header: list[str], rows: list[list]) -> None:
    _add(doc, title, HEADING_FONT, 14, WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = xml_text(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else xml_text(str(value))


def write_notice_docx(report: Report, notice_html: str, path: Path, wording: Wording) -> Path:
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

    keys = wording.docx_site_columns
    header = [wording.site_columns[k] for k in keys]
    for verdict in ("qualified", "unqualified"):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _table(doc, wording.attachment_title(verdict), header,
               site_rows([s for s in report.sites if s.verdict == verdict], keys))
    doc.save(str(path))
    return path
