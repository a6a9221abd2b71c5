"""Dates as Chinese government sites write them (issue 11.12), rule by rule, on text and on saved pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govaudit.extract.dates import invalid_date_text, parse_date, parse_relative
from govaudit.extract.listpage import ListPage, extract_list

TRAITS = Path(__file__).resolve().parent.parent / "pages" / "traits"
JAN3 = dt.date(2018, 1, 3)


def load(name: str, url: str, asof: dt.date, fetched: dt.datetime | None = None, **kw: object) -> ListPage:
    return extract_list((TRAITS / name).read_bytes(), url, asof=asof, fetched=fetched, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17-12-28", dt.date(2017, 12, 28)),  # ASP.NET two-digit year
        ("17.12.28", dt.date(2017, 12, 28)),
        ("2017.12.28", dt.date(2017, 12, 28)),
        ("2017/12/28", dt.date(2017, 12, 28)),
        ("12月28日", dt.date(2017, 12, 28)),  # year-less, across the year boundary at the fetch day
        ("01月02日", dt.date(2018, 1, 2)),
        ("十二月二十八日", dt.date(2017, 12, 28)),
        ("二〇一七年十二月二十八日", dt.date(2017, 12, 28)),
        ("二O一七年十一月三十日", dt.date(2017, 11, 30)),  # a Latin O for zero
    ],
)
def test_date_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, JAN3) == expected


@pytest.mark.parametrize("text", ["1-10月", "10:30", "0571-87654321", "10.12.28.1", "2017-13-45", "0000-00-00"])
def test_not_dates(text: str) -> None:
    assert parse_date(text, JAN3) is None


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("刚刚", dt.datetime(2018, 1, 3, 10), dt.date(2018, 1, 3)),
        ("15分钟前", dt.datetime(2018, 1, 3, 0, 10), dt.date(2018, 1, 2)),  # just after midnight
        ("3小时前", dt.datetime(2018, 1, 3, 10), dt.date(2018, 1, 3)),
        ("2小时前", dt.datetime(2018, 1, 3, 0, 30), dt.date(2018, 1, 2)),
        ("今天 09:12", dt.datetime(2018, 1, 3, 10), dt.date(2018, 1, 3)),
        ("昨天", dt.datetime(2018, 1, 3, 10), dt.date(2018, 1, 2)),
        ("前天", dt.datetime(2018, 1, 3, 10), dt.date(2018, 1, 1)),
        ("5天前", dt.datetime(2018, 1, 3, 10), dt.date(2017, 12, 29)),
        ("三天前", dt.datetime(2018, 1, 3, 10), dt.date(2017, 12, 31)),
        ("2周前", dt.datetime(2018, 1, 3, 10), dt.date(2017, 12, 20)),
        ("1个月前", dt.datetime(2018, 3, 31, 10), dt.date(2018, 2, 28)),
    ],
)
def test_relative_dates_count_back_from_the_fetch_time(text: str, now: dt.datetime, expected: dt.date) -> None:
    assert parse_relative(text, now) == expected
    assert parse_date(text, now.date(), now=now) == expected
    assert parse_date(text, now.date()) is None  # without the fetch time a relative date means nothing


def test_invalid_dates_are_reported_as_written() -> None:
    assert invalid_date_text("2017-13-45", JAN3) == "2017-13-45"
    assert invalid_date_text("发布：0000-00-00 00:00:00", JAN3) == "0000-00-00"
    assert invalid_date_text("2017年13月5日", JAN3) == "2017年13月5日"
    assert invalid_date_text("1900-01-01", JAN3) == "1900-01-01"  # a CMS default, not a date
    assert invalid_date_text("2017-12-28", JAN3) is None


def test_year_less_dates_take_the_year_before_at_new_year() -> None:
    page = load("yearless_bracket_hanweb.html", "http://jtj.xiling.gov.cn/col/col2102/index.html",
                dt.date(2018, 1, 5), dt.datetime(2018, 1, 5, 9))
    assert [e.date for e in page.entries] == [
        dt.date(2018, 1, 4), dt.date(2017, 12, 28), dt.date(2017, 12, 15), dt.date(2017, 11, 20)]
    assert {e.date_source for e in page.entries} == {"inferred"}
    assert page.entries[1].date_text == "12-28"  # as written (the brackets are not part of it)


def test_year_less_dates_take_the_year_of_their_url_or_heading() -> None:
    """A stale list must not look fresh: [12-28] under /2016/1228/ or under a 2016年 heading is 2016."""
    page = load("yearless_url_year.html", "http://www.longtang.gov.cn/gzdt/", dt.date(2018, 1, 5))
    assert page.latest() == dt.date(2016, 12, 28)
    page = load("yearless_grouped_headings.html", "http://www.hekou.gov.cn/zwgk/rsrm/", dt.date(2018, 1, 5))
    assert [e.date for e in page.entries] == [
        dt.date(2016, 12, 28), dt.date(2016, 9, 6), dt.date(2015, 11, 12), dt.date(2015, 3, 2)]


def test_the_fetch_day_decides_the_year_not_the_asof_date() -> None:
    # rescored later: the page was read on 2018-01-05, so [12-28] is 2017-12-28 whatever the as-of date
    page = load("yearless_bracket_hanweb.html", "http://jtj.xiling.gov.cn/col/col2102/index.html",
                dt.date(2018, 6, 30), dt.datetime(2018, 1, 5, 9))
    assert page.latest() == dt.date(2018, 1, 4)


def test_relative_dates_on_a_list_are_recorded_as_relative() -> None:
    page = load("relative_minutes_midnight.html", "http://www.fengcheng.gov.cn/ywdt/", JAN3,
                dt.datetime(2018, 1, 3, 0, 30))
    assert [e.date for e in page.entries] == [
        dt.date(2018, 1, 3), dt.date(2018, 1, 3), dt.date(2018, 1, 2), dt.date(2018, 1, 2), dt.date(2017, 12, 31),
        dt.date(2017, 12, 20)]
    assert [e.date_relative for e in page.entries] == [True] * 5 + [False]
    assert page.entries[2].date_text == "2小时前" and page.entries[2].date_source == "relative"
    assert page.fetched == dt.datetime(2018, 1, 3, 0, 30)


def test_dates_closing_the_title_text() -> None:
    page = load("title_date_table_cn.html", "http://ggzy.pingchuan.gov.cn/zbcg/", dt.date(2018, 1, 10))
    assert [e.date for e in page.entries] == [
        dt.date(2017, 12, 27), dt.date(2017, 12, 14), dt.date(2017, 11, 30), dt.date(2017, 11, 6)]
    assert page.entries[0].date_source == "title"
    assert page.entries[0].title == "平川县城区道路照明改造工程招标公告（2017年12月27日）"
    # a date in the middle of a title (2017年11月1日起) is not the entry's date
    page = load("title_date_brackets_hanweb.html", "http://rsj.shiqiao.gov.cn/col/col305/index.html",
                dt.date(2018, 1, 10))
    assert page.entries[2].date == dt.date(2017, 10, 20)


def test_header_clock_copyright_and_site_stamps_are_not_entry_dates() -> None:
    page = load("chrome_today_lunar.html", "http://lyj.baisha.gov.cn/tzgg/", JAN3, dt.datetime(2018, 1, 3, 8))
    assert page.latest() == dt.date(2017, 9, 18) and len(page.entries) == 3
    home = load("chrome_home_topbar.html", "http://www.donghu.gov.cn/", JAN3, dt.datetime(2018, 1, 3, 8))
    assert home.kind == "home" and len(home.entries) == 5
    assert home.latest() == dt.date(2017, 12, 15)  # not 2018-01-03 (the top bar's 2018年01月03日 星期三)


def test_a_labelled_stamp_on_a_home_page_is_not_an_update() -> None:
    html = ("<html><body><div class='top'>更新时间：2018-01-03 <a href='/wza/'>无障碍</a></div>"
            "<ul class='news'><li><a href='/a/1.html'>县政府召开常务会议研究部署工作</a><span>2017-11-02</span></li>"
            "<li><a href='/a/2.html'>县领导调研农业产业化项目建设</a><span>2017-10-20</span></li></ul></body></html>")
    page = extract_list(html, "http://www.x.gov.cn/", asof=JAN3)
    assert page.latest() == dt.date(2017, 11, 2) and len(page.entries) == 2


def test_chinese_numeral_dates_in_a_gbk_table() -> None:
    page = load("cn_numerals_gbk_table.html", "http://www.shimen.gov.cn/zwgk/zfl/index.htm", dt.date(2018, 1, 10))
    assert page.encoding in ("gbk", "gb18030")
    assert [e.date for e in page.entries] == [dt.date(2017, 12, 5), dt.date(2017, 7, 20), dt.date(2016, 12, 31)]


def test_invalid_dates_are_kept_on_the_entry_not_fixed() -> None:
    page = load("invalid_feb30_1900.html", "http://mzj.qingxi.gov.cn/zwgk/", dt.date(2018, 1, 10))
    assert [(e.date, e.date_text, e.date_invalid) for e in page.entries] == [
        (dt.date(2017, 12, 20), "2017-12-20", False),
        (None, "2017-02-30", True),
        (None, "1900-01-01", True),
        (dt.date(2017, 10, 9), "2017-10-09", False),
    ]
    page = load("invalid_table_cn.html", "http://czj.example.gov.cn/tz/", dt.date(2018, 1, 10))
    assert page.entries[0].date is None and page.entries[0].date_text == "2017年13月5日"


def test_two_digit_years_full_width_and_mixed_forms() -> None:
    page = load("formats_fullwidth_mixed.html", "http://sjj.yangshan.gov.cn/gzdt/", dt.date(2018, 1, 10))
    assert [e.date for e in page.entries] == [
        dt.date(2017, 12, 29), dt.date(2017, 12, 20), dt.date(2017, 12, 8), dt.date(2017, 11, 2)]


def test_a_lone_today_in_a_widget_is_not_an_update() -> None:
    html = ("<html><body><div class='weather'><a href='/tq/'>天气</a><span>今天</span></div>"
            "<ul class='news'><li><a href='/a/1.html'>县政府召开常务会议研究部署工作</a><span>2017-11-02</span></li>"
            "<li><a href='/a/2.html'>县领导调研农业产业化项目建设</a><span>2017-10-20</span></li></ul></body></html>")
    page = extract_list(html, "http://www.x.gov.cn/", asof=JAN3, fetched=dt.datetime(2018, 1, 3, 9))
    assert page.latest() == dt.date(2017, 11, 2)
