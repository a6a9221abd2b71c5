"""Service guides and letters in every shape (issue 12.7), on the saved trait pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govaudit.extract.guides import ELEMENT_SYNONYMS, NON_ELEMENT_LABELS, find_guide_links, guide_info
from govaudit.extract.letters import extract_letters

from .conftest import read_page

TRAITS = Path(__file__).resolve().parents[1] / "pages" / "traits"


def traits_page(name: str) -> str:
    return read_page(TRAITS / name)


def test_deadlines_are_not_office_hours():
    """承诺时限/法定时限/办理时限 is a deadline; the rubric's 办理时间 is when the window is open."""
    for label in ("承诺时限", "法定时限", "办理时限"):
        assert label in NON_ELEMENT_LABELS and label not in ELEMENT_SYNONYMS["hours"]
    for label in ("办理时间", "受理时间", "工作时间", "办公时间"):
        assert label in ELEMENT_SYNONYMS["hours"]
    info = guide_info(traits_page("guide_dl_noshours.html"), "http://nyj.donghai.gov.cn/bszn/yybl.html")
    assert "hours" not in info.elements
    assert info.elements == ["name", "basis", "materials", "location", "fees", "phone"]


def test_table_guide_with_synonyms_and_a_deadline_row():
    info = guide_info(traits_page("guide_table_chengnuo.html"), "http://wjj.beihu.gov.cn/bsfw/bszn/ggcs.html")
    assert len(info.elements) == 10
    assert info.element_labels["hours"] == "受理时间"  # the 受理时间 row, not the 承诺时限 row above it
    assert info.element_labels["location"] == "窗口地址" and info.element_labels["materials"] == "提交材料"


def test_labels_inside_running_text():
    """A 政府信息公开指南 writes its elements inside sentences: 「本中心受理机构为中心办公室，详细地址：…，办公时间：…」."""
    info = guide_info(traits_page("guide_gkzn_inline.html"), "http://xzfwzx.leping.gov.cn/xxgk/gkzn/")
    assert set(info.elements) == {"agency", "location", "hours", "phone", "process", "fees"}
    assert info.element_labels["agency"] == "受理机构" and info.element_labels["location"] == "详细地址"


def test_a_guide_that_is_only_a_picture_has_every_element_missing():
    info = guide_info(traits_page("guide_image_only.html"), "http://rsj.nanfeng.gov.cn/bsfw/bszn/201708/t1.html")
    assert info.image_only and info.is_guide and info.elements == []


def test_a_text_guide_with_a_flow_chart_is_not_picture_only():
    info = guide_info(traits_page("guide_table_chengnuo.html").replace(
        "</table>", '</table><p><img src="/upload/lct.jpg" alt="办理流程图" width="800"></p>'),
        "http://wjj.beihu.gov.cn/bsfw/bszn/ggcs.html")
    assert not info.image_only and len(info.elements) == 10


def test_guide_links_of_an_undated_guide_list():
    links = find_guide_links(traits_page("index_bszn_list.html"), "http://mzj.qingyuan.gov.cn/bsfw/bszn/")
    assert links == [f"http://mzj.qingyuan.gov.cn/bsfw/bszn/{x}.html" for x in
                     ("hydj", "dbsq", "lsjz", "shzzdj", "mfqy")]


@pytest.mark.parametrize(("name", "url", "expected"), [
    ("letters_qa_siblings.html", "http://scjgj.xicheng.gov.cn/hdjl/zxzx/", [
        (dt.date(2017, 12, 21), dt.date(2017, 12, 22), True),
        (dt.date(2017, 12, 5), dt.date(2017, 12, 6), True),
        (dt.date(2017, 11, 14), None, False)]),
    ("letters_dl_zxzx.html", "http://guiyang.chinatax.gov.cn/zxhf/", [
        (dt.date(2017, 12, 19), dt.date(2017, 12, 20), True),
        (dt.date(2017, 12, 2), None, False)]),
])
def test_consultation_blocks_with_ask_and_answer_dates(name, url, expected):
    letters = extract_letters(traits_page(name), url, dt.date(2018, 1, 10))
    assert [(x.submitted, x.replied, x.answered) for x in letters] == expected
    assert all(x.url.startswith(url.rsplit("/", 2)[0]) and x.title for x in letters)
