"""List extraction on saved pages of the tricky shapes (raw bytes in, ListPage out)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govaudit.asof import is_future
from govaudit.extract.listpage import ListPage, extract_list, to_json

PAGES = Path(__file__).resolve().parent.parent / "pages" / "extract"
ASOF = dt.date(2026, 9, 30)


def load(name: str, url: str, **kw: object) -> ListPage:
    return extract_list((PAGES / name).read_bytes(), url, asof=kw.pop("asof", ASOF), **kw)  # type: ignore[arg-type]


def test_gbk_list_without_meta() -> None:
    page = load("gbk_no_meta.html", "http://www.xx.gov.cn/tzgg/index.html")
    assert page.encoding == "gb18030"
    assert [e.title for e in page.entries][:2] == ["关于做好2018年元旦春节期间安全生产工作的通知", "关于开展冬季消防检查的通知"]
    assert len(page.entries) == 4  # the footer's 更新时间 is not an entry
    assert page.latest() == dt.date(2017, 12, 10)
    assert page.entries[0].url == "http://www.xx.gov.cn/tzgg/201712/t20171210_1001.html"
    assert not page.blank


def test_misdeclared_page_in_a_table() -> None:
    page = extract_list((PAGES / "misdeclared_gb2312_utf8.html").read_bytes(), "http://a.gov.cn/gzdt/index.html",
                        encoding="gb2312", asof=ASOF)
    assert page.encoding == "utf-8"
    assert [e.date for e in page.entries] == [dt.date(2018, 3, 2), dt.date(2018, 2, 28), dt.date(2018, 2, 11)]
    assert page.entries[0].url == "http://a.gov.cn/gzdt/201803/t20180302_55.htm"


def test_old_trs_table_layout_with_hot_sidebar_and_createpagehtml() -> None:
    page = load("trs_old_table_gb2312.html", "http://www.yichun.gov.cn/zwdt/index.htm")
    assert page.cms == "trs"
    assert len(page.entries) == 5  # the 热点信息 block (newer dates!) is not the list
    assert page.latest() == dt.date(2017, 12, 10)
    assert page.entries[2].title == "宜春市第四届人民代表大会常务委员会第八次会议召开"  # full title from title=
    assert page.next_pages == ["http://www.yichun.gov.cn/zwdt/index_1.htm"]
    assert page.total_pages == 12
    assert {s.name for s in page.subcolumns} == {"政务动态", "县市区动态", "部门动态"}


def test_hanweb_datastore_column_page() -> None:
    page = load("hanweb_datastore_column.html", "http://fgw.example.gov.cn/col/col1229275/index.html")
    assert page.cms == "hanweb"
    assert [e.date for e in page.entries] == [
        dt.date(2017, 12, 10), dt.date(2017, 12, 6), dt.date(2017, 11, 29), dt.date(2017, 11, 20)]
    assert page.entries[1].url == "http://fgw.example.gov.cn/art/2017/12/6/art_1229275_30331002.html"
    assert page.total_pages == 6  # ceil(87 / 15)
    [nxt] = page.next_pages
    assert nxt.startswith("http://fgw.example.gov.cn/module/web/jpage/dataproxy.jsp?")
    assert "columnid=1229275" in nxt and "startrecord=5" in nxt and "perpage=15" in nxt


def test_chinese_numeral_dates_and_query_pager() -> None:
    page = load("chinese_numerals.html", "http://www.xx.gov.cn/zcwj/list.jsp?page=1")
    assert [e.date for e in page.entries] == [
        dt.date(2018, 1, 5), dt.date(2017, 12, 10), dt.date(2017, 11, 21), dt.date(2017, 10, 30)]
    assert page.next_pages == ["http://www.xx.gov.cn/zcwj/list.jsp?page=2"]


def test_year_less_dates_inside_links_and_commented_block() -> None:
    page = load("mmdd_list.html", "http://tjj.xx.gov.cn/bmdt/index.html")
    assert [e.date for e in page.entries] == [
        dt.date(2026, 9, 2), dt.date(2026, 8, 17), dt.date(2026, 6, 30), dt.date(2025, 12, 20), dt.date(2025, 11, 5)]
    assert {e.date_source for e in page.entries} == {"inferred"}
    assert page.entries[0].title == "市统计局召开半年工作会议"  # the [09-02] label is not part of the title
    assert all("old1" not in e.url for e in page.entries)  # the commented-out block is ignored


def test_year_less_dates_depend_on_asof() -> None:
    page = load("mmdd_list.html", "http://tjj.xx.gov.cn/bmdt/index.html", asof=dt.date(2026, 8, 20))
    assert page.latest() == dt.date(2026, 8, 17)
    assert page.entries[0].date == dt.date(2025, 9, 2)


def test_placeholder_page_is_blank() -> None:
    page = load("blank_zanwu.html", "http://www.xx.gov.cn/zcjd/index.html")
    assert page.blank and not page.blank_note
    assert page.placeholder == "暂无信息"
    assert page.entries == [] and not page.needs_render


def test_explained_empty_page_is_blank_with_note() -> None:
    page = load("blank_note.html", "http://www.xx.gov.cn/xxgk/xzcf/index.html")
    assert page.blank and page.blank_note
    assert page.placeholder and "暂无信息" in page.placeholder


def test_script_built_list_needs_render() -> None:
    page = load("js_built_list.html", "http://www.xx.gov.cn/gzdt/index.html")
    assert page.entries == [] and page.blank and page.needs_render


def test_related_links_hot_block_footer_future_and_invalid_dates() -> None:
    page = load("related_footer_hot.html", "http://www.xx.gov.cn/tzgg/index.html")
    titles = [e.title for e in page.entries]
    assert len(page.entries) == 6, titles  # 5 dated rows + the row whose date 2026-13-45 is invalid
    assert "图解：国庆节放假安排" not in titles  # 相关解读 nested link
    assert not any(t.startswith("热点") for t in titles)
    assert page.entries[5].date is None and page.entries[5].title == "关于征集2027年度民生实事项目的公告"
    assert page.entries[5].date_invalid and page.entries[5].date_text == "2026-13-45"  # kept as evidence
    assert [e.url for e in page.entries if is_future(e.date, page.asof)] == ["http://www.xx.gov.cn/tzgg/203001/t20300101_8970.html"]
    assert page.latest() == dt.date(2026, 9, 20)  # neither the forged 2030 date nor the footer's 09-29
    assert page.next_pages == ["http://www.xx.gov.cn/tzgg/index_1.html"]
    assert page.total_pages == 8


def test_per_site_selectors_override_the_generic_algorithm() -> None:
    selectors = {"item": "div.hot-news li", "link": "a", "date": "span", "next": "div.pagination a:last-child"}
    page = load("related_footer_hot.html", "http://www.xx.gov.cn/tzgg/index.html", selectors=selectors)
    assert [e.title for e in page.entries][:2] == ["热点一", "热点二"]
    assert len(page.entries) == 7 and page.latest() == dt.date(2026, 9, 28)
    assert page.next_pages[0] == "http://www.xx.gov.cn/tzgg/index_7.html"


def test_home_mode_collects_every_dated_block() -> None:
    page = load("related_footer_hot.html", "http://www.xx.gov.cn/", kind=None)
    assert page.kind == "home"
    assert len(page.entries) == 6 + 7  # main list (5 dated rows + 1 invalid date kept as evidence) + hot block
    assert sum(e.date_invalid for e in page.entries) == 1
    assert page.latest() == dt.date(2026, 9, 28)


def test_to_json_shape() -> None:
    data = to_json(load("mmdd_list.html", "http://tjj.xx.gov.cn/bmdt/index.html"))
    assert set(data) >= {"entries", "next_pages", "subcolumns", "blank"}
    assert data["entries"][0] == {"title": "市统计局召开半年工作会议", "url": "http://tjj.xx.gov.cn/bmdt/content/4f1c2e10.html",
                                  "date": "2026-09-02", "date_source": "inferred", "date_text": "09-02"}
