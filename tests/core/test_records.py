"""Evidence records: built clean of XML-illegal characters, rows derived generically, loaded back the same."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from openpyxl import Workbook
from sqlalchemy import select

from govaudit import records as rec
from govaudit.scoring.evidence import load_evidence
from govaudit.store import models as m
from govaudit.store.writer import EvidenceWriter
from tests.conftest import begin_run

DIRTY = "政务\x01公开\x00\x0b\x0c\x1f\ud800\ufffe\uffff"
CLEAN = "政务公开"


def test_clean_text_keeps_tabs_and_newlines():
    assert rec.clean_text(DIRTY) == CLEAN
    assert rec.clean_text("第一行\n第二行\t\r") == "第一行\n第二行\t\r"
    text = "干净的文字"
    assert rec.clean_text(text) is text


def test_every_text_field_is_cleaned_when_a_record_is_built():
    col = rec.Column(run_id="r", site_id="s", url="http://a.gov.cn/\x01x/", name=DIRTY,
                     entries=[rec.Entry(url="http://a.gov.cn/1.html", title=DIRTY, date_text="2017-13-45\x02")])
    assert col.name == CLEAN and col.url == "http://a.gov.cn/x/"
    assert col.entries[0].title == CLEAN and col.entries[0].date_text == "2017-13-45"
    page = rec.Page(run_id="r", site_id="s", url="http://a.gov.cn/", kind="home",
                    features={"title": DIRTY, "meta": {"SiteName\x01": DIRTY}, "zhaocuo": True, "n": 3})
    assert page.features == {"title": CLEAN, "meta": {"SiteName": CLEAN}, "zhaocuo": True, "n": 3}
    guide = rec.Guide(run_id="r", site_id="s", url="http://a.gov.cn/g", title=DIRTY, elements=["name\x03"],
                      attachments=[{"url": "http://a.gov.cn/\x04f.doc", "ok": False}])
    assert guide.elements == ["name"] and guide.attachments == [{"url": "http://a.gov.cn/f.doc", "ok": False}]


def test_cleaned_text_survives_xlsx_and_docx():
    """The outputs that died on `&#1;`: openpyxl and python-docx accept every cleaned text."""
    wb = Workbook()
    with pytest.raises(Exception):  # noqa: B017 - openpyxl's IllegalCharacterError: the fault is real
        wb.active["A1"] = DIRTY
    wb.active["A1"] = rec.Column(run_id="r", site_id="s", url="u", name=DIRTY).name
    wb.save(io.BytesIO())
    document = docx.Document()
    document.add_paragraph(rec.Entry(url="u", title=DIRTY).title)
    document.save(io.BytesIO())


def test_rows_and_records_round_trip_through_sql(db_url):
    w = EvidenceWriter(db_url)
    begin_run(w, {"id": "r1", "asof": dt.date(2024, 6, 30), "rubric": "inspection-2019", "timezone": "UTC"},
                [{"site_id": "s", "name": "示范站", "url": "http://s.gov.cn/"}])
    site = rec.Site(run_id="r1", site_id="s", name="示范站", url="http://s.gov.cn/", home_status=200,
                    final_url="http://www.s.gov.cn/\x01")
    col = rec.Column(run_id="r1", site_id="s", url="http://s.gov.cn/xw/", name="要闻\x01", category="news",
                     depth=2, blank_note=True, pages_fetched=3,
                     entries=[rec.Entry(url="http://s.gov.cn/xw/1.html", title="一", date=dt.date(2024, 6, 1)),
                              rec.Entry(url="http://s.gov.cn/xw/2.html", title="二", date=dt.date(2024, 7, 9)),
                              rec.Entry(url="http://s.gov.cn/xw/3.html", title="三", date_text="2024-02-30")])
    letter = rec.Letter(run_id="r1", site_id="s", url="http://s.gov.cn/l/1", submitted=dt.date(2024, 5, 1))
    probe = rec.Probe(site_id="s", url="http://s.gov.cn/", at=dt.datetime(2024, 6, 29, 12), ok=True, status=200)
    for record in (site, col, letter, probe):
        w.add(record)
    w.flush()
    with w.Session() as s:
        row = s.scalars(select(m.Column)).one()
        assert (row.latest, row.undated, row.entries_count) == (dt.date(2024, 6, 1), 1, 3)
        ev = load_evidence(s, "r1", "s", dt.date(2024, 6, 30))
    assert ev.timezone == "UTC"  # the run's time zone, not a default
    assert ev.site.final_url == "http://www.s.gov.cn/" and ev.site.home_status == 200
    loaded = ev.columns[0]
    assert loaded == col  # every field, entries included (future-dated and invalid ones too)
    assert loaded.latest_at(dt.date(2024, 6, 30)) == dt.date(2024, 6, 1)
    assert loaded.latest_at(dt.date(2024, 7, 10)) == dt.date(2024, 7, 9)
    assert ev.letters == [letter] and ev.probes == [probe]
