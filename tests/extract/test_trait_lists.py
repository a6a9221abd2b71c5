"""Lists a generic extractor misses (issue 12.6), blank columns vs notes (11.2) and link-list columns (11.5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govaudit.asof import is_future
from govaudit.extract.listpage import ListPage, extract_list
from govaudit.extract.phrases import is_blank_note

TRAITS = Path(__file__).resolve().parent.parent / "pages" / "traits"
REALPAGES = Path(__file__).resolve().parents[3] / "shared" / "realpages"
ASOF = dt.date(2018, 1, 10)


def load(name: str, url: str, asof: dt.date = ASOF, **kw: object) -> ListPage:
    return extract_list((TRAITS / name).read_bytes(), url, asof=asof, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------ pinned


def test_pinned_rows_are_marked_and_the_newest_is_the_max() -> None:
    page = load("pinned_zhiding_two.html", "http://jtj.tonglin.gov.cn/tzgg/")
    assert [e.pinned for e in page.entries] == [True, True, False, False, False]
    assert page.entries[0].date == dt.date(2015, 9, 1)
    assert page.latest() == dt.date(2017, 12, 27) and page.oldest() == dt.date(2015, 9, 1)


def test_oldest_first_list_newest_is_the_last_row() -> None:
    page = load("oldest_first_table.html", "http://jtj.baihe.gov.cn/zbgg/")
    assert page.entries[0].date == dt.date(2017, 1, 5)
    assert page.latest() == dt.date(2017, 12, 19)
    assert not any(e.pinned for e in page.entries)  # ascending order is not pinning


@pytest.mark.skipif(not (REALPAGES / "truth.json").is_file(), reason="no ../shared/realpages")
def test_real_pinned_rows_without_a_marker() -> None:
    """hebei: the first row (2024-09-20) sits above 2026-09-07..2026-02-02 - held up, so pinned."""
    page = extract_list((REALPAGES / "list_hebei_zrzy_stdt_pagenav.html").read_bytes(),
                        "http://zrzy.hebei.gov.cn/heb/xinwen/stdt/index_1.html", asof=dt.date(2026, 9, 30))
    assert [e.pinned for e in page.entries[:2]] == [True, False]
    assert sum(e.pinned for e in page.entries) == 1


# -------------------------------------------------------------------------------------- tables, groups


def test_date_in_its_own_cell_before_the_title() -> None:
    page = load("td_date_bracket_first.html", "http://yjj.gaoping.gov.cn/gzdt/")
    assert next((e.title, e.date) for e in page.entries) == ("县应急管理局开展岁末年初安全生产检查", dt.date(2017, 12, 28))
    assert len(page.entries) == 3


def test_publication_date_not_the_writing_date() -> None:
    page = load("td_date_two_dates_meta.html", "http://www.dongjiang.gov.cn/xxgk/zcwj/")
    assert [e.date for e in page.entries] == [dt.date(2017, 12, 27), dt.date(2017, 11, 22), dt.date(2017, 10, 12)]


def test_a_closing_date_after_the_fetch_day_is_not_the_entry_date() -> None:
    html = ("<html><body><table class='list'>"
            + "".join(f"<tr><td><a href='/zb/{i}.html'>某某项目招标公告第{i}号</a></td><td>2017-12-{20 + i}</td>"
                      f"<td>截止：2018-02-{10 + i}</td></tr>" for i in range(3))
            + "</table></body></html>")
    page = extract_list(html, "http://www.x.gov.cn/zb/", asof=dt.date(2018, 1, 3))
    assert [e.date for e in page.entries] == [dt.date(2017, 12, 20), dt.date(2017, 12, 21), dt.date(2017, 12, 22)]
    assert not [e for e in page.entries if is_future(e.date, page.asof)]


@pytest.mark.parametrize(("name", "count", "oldest"), [
    ("grouped_year_divs.html", 6, dt.date(2015, 3, 30)),
    ("grouped_tab_panes.html", 4, dt.date(2016, 2, 15)),
])
def test_every_group_of_a_grouped_static_list_counts(name: str, count: int, oldest: dt.date) -> None:
    page = load(name, "http://www.x.gov.cn/xxgk/nb/")
    assert len(page.entries) == count and page.oldest() == oldest


# ------------------------------------------------------------------------------------------- home pages


def test_home_tabs_next_to_an_undated_carousel() -> None:
    page = load("home_tabs_hanweb_slide.html", "http://sthjj.beichuan.gov.cn/", dt.date(2018, 1, 3),
                fetched=dt.datetime(2018, 1, 3, 8))
    assert page.kind == "home" and len(page.entries) == 5  # 3 + 2 (hidden tab); the slides show no date
    assert page.latest() == dt.date(2018, 1, 2)


def test_link_date_runs_inside_one_shared_container() -> None:
    page = load("home_shared_box_carousel.html", "http://www.yunxi.gov.cn/", dt.date(2018, 1, 3))
    assert [(e.title, e.date) for e in page.entries] == [
        ("县委召开全委会", dt.date(2018, 1, 2)), ("县长调研乡村振兴", dt.date(2017, 12, 29)),
        ("云溪县获评省级卫生县城", dt.date(2017, 12, 25)), ("关于元旦期间燃放烟花爆竹的通告", dt.date(2017, 12, 30)),
        ("关于2018年度城乡居民医保缴费的通知", dt.date(2017, 12, 15))]


# ---------------------------------------------------------------------------------------- content pages


@pytest.mark.parametrize("name", ["content_gaikuang.html", "content_article_related.html"])
def test_a_column_that_shows_one_document_is_a_content_page(name: str) -> None:
    page = load(name, "http://www.x.gov.cn/xxgk/jgzn/")
    assert page.content_page and not page.blank and page.entries == []


def test_a_content_page_keeps_its_own_date_apart() -> None:
    page = load("content_article_related.html", "http://jtj.hexi.gov.cn/xxgk/jgzn/")
    assert page.document_date == dt.date(2017, 12, 28)


@pytest.mark.skipif(not (REALPAGES / "truth.json").is_file(), reason="no ../shared/realpages")
@pytest.mark.parametrize("name", ["article_trs_shanxi_gov_cn.html", "article_hanweb_fgw_zj_gov_cn.html",
                                  "article_www_gov_cn_gongbao.html", "article_kepu_gov_cn.html"])
def test_real_article_pages_are_content_pages(name: str) -> None:
    page = extract_list((REALPAGES / name).read_bytes(), "http://www.example.gov.cn/zwgk/xxgkzn/",
                        asof=dt.date(2026, 9, 30))
    assert page.content_page and page.entries == [], [(e.title, e.date) for e in page.entries]


def test_a_short_list_with_dates_is_still_a_list() -> None:
    html = ("<html><body><div class='nav'><a href='/'>首页</a></div><ul class='list'>"
            "<li><a href='/tzgg/1.html'>关于开展安全生产检查的通知</a><span>2017-12-20</span></li>"
            "<li><a href='/tzgg/2.html'>关于做好元旦值班的通知</a><span>2017-12-28</span></li></ul></body></html>")
    page = extract_list(html, "http://www.x.gov.cn/tzgg/", asof=ASOF)
    assert len(page.entries) == 2 and not page.content_page


# ------------------------------------------------------------------------------------ blank vs note


@pytest.mark.parametrize("text", ["依申请公开，暂无主动公开信息", "本机关无此类信息", "本单位本年度未产生此类信息",
                                  "根据本局“三定”方案，本单位不承担该项职能，故无相关信息。",
                                  "本栏目根据本单位“三定”方案及工作实际，暂未产生相关信息。"])
def test_statements_why_nothing_was_produced_are_notes(text: str) -> None:
    assert is_blank_note(text)


@pytest.mark.parametrize("text", ["本栏目暂无信息", "暂无内容", "暂无数据", "没有相关信息", "暂无记录", "暂无此类信息",
                                  "依申请公开", "未经本单位许可不得转载"])
def test_placeholders_and_chrome_are_not_notes(text: str) -> None:
    assert not is_blank_note(text)


@pytest.mark.parametrize(("name", "note"), [
    ("note_ysqgk_trs.html", "依申请公开，暂无主动公开信息"),
    ("note_td_bnd.html", "本单位本年度未产生此类信息。"),
])
def test_an_empty_column_with_a_note(name: str, note: str) -> None:
    page = load(name, "http://www.x.gov.cn/xxgk/xzcf/")
    assert page.blank_note and page.note_text == note and page.entries == []


@pytest.mark.parametrize(("name", "placeholder"), [
    ("placeholder_benlanmu.html", "本栏目暂无信息"),
    ("placeholder_variants_hanweb.html", "没有相关信息"),
    ("placeholder_zanwu_neirong.html", "暂无内容"),
])
def test_a_cms_placeholder_is_a_blank_column(name: str, placeholder: str) -> None:
    page = load(name, "http://www.x.gov.cn/xxgk/ghjh/")
    assert page.blank and not page.blank_note and page.placeholder == placeholder
    assert not page.needs_render  # the server said there is nothing: no browser needed


# -------------------------------------------------------------------------------------- link lists


def test_a_list_of_service_guides_is_content_not_blank() -> None:
    page = load("index_bszn_list.html", "http://mzj.qingyuan.gov.cn/bsfw/bszn/")
    assert not page.blank and page.index_page
    assert [e.title for e in page.entries][:2] == ["内地居民婚姻登记办事指南", "最低生活保障申请办事指南"]
    assert all(e.date is None for e in page.entries) and len(page.entries) == 5


def test_a_channel_index_of_sub_columns_is_not_blank() -> None:
    page = load("index_channel_grid.html", "http://www.songyang.gov.cn/zwgk/")
    assert not page.blank and page.index_page
    assert [s.name for s in page.subcolumns] == ["机构职能", "领导信息", "政策文件", "规划计划", "财政资金", "人事信息"]


def test_a_side_menu_does_not_make_a_blank_column_an_index() -> None:
    html = ("<html><body><div class='left'><ul><li><a href='/xxgk/xzxk/'>行政许可</a></li>"
            "<li><a href='/xxgk/xzcf/'>行政处罚</a></li><li><a href='/xxgk/xzqz/'>行政强制</a></li></ul></div>"
            "<div class='main'><ul class='list'></ul><p>暂无信息</p></div></body></html>")
    page = extract_list(html, "http://www.x.gov.cn/xxgk/xzcf/", asof=ASOF)
    assert page.blank and not page.index_page and page.entries == []
