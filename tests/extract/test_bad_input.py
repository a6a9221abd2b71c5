"""Bad input gives a result or a per-page error, never an exception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govaudit.asof import is_future
from govaudit.extract.listpage import MAX_PARSE_BYTES, extract_list

PAGES = Path(__file__).resolve().parent.parent / "pages" / "extract"
ASOF = dt.date(2026, 9, 30)
URL = "http://www.xx.gov.cn/tzgg/index.html"


def test_truncated_html_still_yields_the_rows_before_the_cut() -> None:
    body = (PAGES / "trs_old_table_gb2312.html").read_bytes()
    cut = body[: body.index("全市安全生产大检查".encode("gbk"))]
    page = extract_list(cut, URL, asof=ASOF)
    assert any("truncated" in e for e in page.errors)
    assert len(page.entries) == 4 and page.latest() == dt.date(2017, 12, 10)


def test_binary_served_as_html() -> None:
    page = extract_list(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 40, URL, asof=ASOF)
    assert page.errors and "binary" in page.errors[0]
    assert page.entries == [] and not page.blank  # unreadable is not the same as blank


def test_random_bytes_never_raise() -> None:
    import random

    rnd = random.Random(7)
    for size in (1, 10, 1000, 20000):
        body = bytes(rnd.randrange(256) for _ in range(size))
        page = extract_list(body, URL, asof=ASOF)
        assert isinstance(page.errors, list)


def test_empty_and_whitespace_bodies() -> None:
    for body in (b"", b"   \n", ""):
        page = extract_list(body, URL, asof=ASOF)
        assert page.blank and page.errors == ["empty body"]


def test_ten_megabyte_page_is_cut_and_reported() -> None:
    head = (PAGES / "related_footer_hot.html").read_bytes().split(b"</body>")[0]
    filler = b"<p>" + "填充内容".encode() * 50 + b"</p>\n"
    body = head + filler * (10_000_000 // len(filler)) + b"</body></html>"
    assert len(body) > 10_000_000
    page = extract_list(body, URL, asof=ASOF)
    assert any("too large" in e for e in page.errors)
    assert len(body) > MAX_PARSE_BYTES
    assert page.latest() == dt.date(2026, 9, 20)


def test_undeclared_encoding_and_xml_declaration() -> None:
    body = '<?xml version="1.0" encoding="gbk"?><html><body><ul>' + "".join(
        f'<li><a href="/a/{i}.html">第{i}条通知公告标题</a><span>2026-09-{i:02d}</span></li>' for i in range(1, 4)
    ) + "</ul></body></html>"
    page = extract_list(body.encode("gbk"), URL, asof=ASOF)
    assert page.encoding == "gb18030"
    assert [e.title for e in page.entries] == ["第1条通知公告标题", "第2条通知公告标题", "第3条通知公告标题"]


def test_future_dates_are_findings_not_latest() -> None:
    body = "<html><body><ul>" + "".join(
        f'<li><a href="/a/{i}.html">通知公告标题{i}</a><span>{d}</span></li>'
        for i, d in enumerate(["2031-05-01", "2026-09-01", "2026-08-01"])
    ) + "</ul></body></html>"
    page = extract_list(body.encode(), URL, asof=ASOF)
    assert len(page.entries) == 3
    assert [e.date for e in page.entries if is_future(e.date, ASOF)] == [dt.date(2031, 5, 1)]  # kept, flagged
    assert page.latest() == dt.date(2026, 9, 1)
