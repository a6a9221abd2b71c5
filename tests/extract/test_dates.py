"""Date parsing: text forms, year inference, invalid and out-of-range dates, URL dates."""

from __future__ import annotations

import datetime as dt

import pytest

from govaudit.extract.dates import date_from_url, find_dates, infer_year, parse_date, url_date

ASOF = dt.date(2026, 9, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-12-10", dt.date(2017, 12, 10)),
        ("发布时间：2017/12/10", dt.date(2017, 12, 10)),
        ("2017.12.10", dt.date(2017, 12, 10)),
        ("2017年12月10日", dt.date(2017, 12, 10)),
        ("2017 年 1 月 5 日", dt.date(2017, 1, 5)),
        ("2017-12-10 08:30", dt.date(2017, 12, 10)),
        ("２０１７－１２－１０", dt.date(2017, 12, 10)),
        ("二〇一七年十二月十日", dt.date(2017, 12, 10)),
        ("二零一八年一月二十一日", dt.date(2018, 1, 21)),
        ("二○二六年九月三十日", dt.date(2026, 9, 30)),
        ("(2026-09-16)", dt.date(2026, 9, 16)),
        ("2017-13-45 然后 2017-01-02", dt.date(2017, 1, 2)),
    ],
)
def test_parse_date_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, ASOF) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[08-05]", dt.date(2026, 8, 5)),  # not after as-of: this year
        ("12-10", dt.date(2025, 12, 10)),  # would be after as-of this year: last year
        ("09-30", dt.date(2026, 9, 30)),  # the as-of day itself
    ],
)
def test_year_less_dates_take_the_latest_year_not_after_asof(text: str, expected: dt.date) -> None:
    assert parse_date(text, ASOF) == expected


@pytest.mark.parametrize(
    "text",
    ["2017-13-45", "2017-02-30", "1985-01-01", "2035-01-01", "0871-12345678", "10:30", "1-10月", "第2017号", ""],
)
def test_rejects_invalid_and_out_of_range(text: str) -> None:
    assert parse_date(text, ASOF) is None


def test_next_year_is_allowed_but_not_later() -> None:
    assert parse_date("2027-01-02", ASOF) == dt.date(2027, 1, 2)
    assert parse_date("2028-01-02", ASOF) is None


def test_find_dates_in_order() -> None:
    assert find_dates("成文 2017年12月1日，发布 2017-12-10，无效 2017-99-01", ASOF) == [
        dt.date(2017, 12, 1),
        dt.date(2017, 12, 10),
    ]


def test_infer_year_handles_feb_29() -> None:
    assert infer_year(2, 29, dt.date(2026, 3, 1)) == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.a.gov.cn/xxgk/202607/t20260731_1406815.html", dt.date(2026, 7, 31)),
        ("http://a.gov.cn/zwgk/kyqjy/t28115724.shtml", None),  # TRS id without a date
        ("http://a.gov.cn/news/2017/1210/123.html", dt.date(2017, 12, 10)),
        ("http://tjj.yancheng.gov.cn/art/2026/8/28/art_1769_4449877.html", dt.date(2026, 8, 28)),
        ("http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html", dt.date(2023, 12, 1)),
        ("http://www.nea.gov.cn/20260916/dbc37cd0/c.html", dt.date(2026, 9, 16)),
        ("http://dnr.yn.gov.cn/html/2026/churanggongshi_0915/4053866.html", dt.date(2026, 9, 15)),
        ("http://a.gov.cn/xjgtzy/xzfw/202609/d949dc13.shtml", None),  # month only: no day
        ("http://a.gov.cn/news/2017/13/45/x.html", None),
    ],
)
def test_date_from_url(url: str, expected: dt.date | None) -> None:
    assert date_from_url(url, ASOF) == expected


def test_month_folders_have_month_precision() -> None:
    found = url_date("http://a.gov.cn/xjgtzy/xzfw/202609/d949dc13.shtml", ASOF)
    assert found is not None and found.precision == "month" and found.date == dt.date(2026, 9, 1)


def test_every_url_date_pattern_begins_at_a_year_mark() -> None:
    """url_date looks only at paths holding one of _URL_YEAR_MARKS: each pattern must need one."""
    from govaudit.extract.dates import _URL_PATTERNS, _URL_YEAR_MARKS

    samples = ["/c/t20171210_123.html", "/art/2017/12/10/art_1_2.html", "/2017/1210/a.html", "/2017-12/10/c.htm",
               "/20171210/a.html", "/c_20171210_1.html", "/2017/news_1210/a.html", "/201712/a.html", "/2017-12/a.html",
               "/t19991231_1.html", "/1999/12/31/a.html"]
    for pattern, _precision in _URL_PATTERNS:
        hits = [m.group(0) for s in samples for m in pattern.finditer(s)]
        assert hits, pattern.pattern  # the samples show every pattern
        assert all(h.startswith(_URL_YEAR_MARKS) for h in hits), pattern.pattern
