"""guide_info / find_guide_links on saved guide pages."""

from __future__ import annotations

from govaudit.extract.guides import (
    ELEMENT_LABELS,
    ELEMENT_SYNONYMS,
    ELEMENTS_2015,
    ELEMENTS_2019,
    find_guide_links,
    guide_info,
)

QS = "http://www.qingshan.gov.cn/"


def test_element_tables_consistent():
    assert set(ELEMENTS_2015) < set(ELEMENTS_2019)
    assert len(ELEMENTS_2015) == 8 and len(ELEMENTS_2019) == 10
    assert set(ELEMENT_LABELS) == set(ELEMENTS_2019) == set(ELEMENT_SYNONYMS)
    for key, label in ELEMENT_LABELS.items():
        assert ELEMENT_SYNONYMS[key][0] == label


def test_trs_table_guide_all_ten_by_synonyms(page):
    # GBK page; labels are numbered synonyms: 申请材料, 受理地点, 实施机关, 收费依据及标准, 办公时间, 咨询电话, 办理程序
    info = guide_info(page("guide_trs_table_gbk.html"), QS + "zwfw/bszn/202403/t20240315_300101.html")
    assert info.title == "个体工商户设立登记办事指南"
    assert info.is_guide
    assert info.elements == list(ELEMENTS_2019)
    assert info.element_labels["fees"] == "收费依据及标准"  # not taken for a 设定依据 label
    assert info.attachments == [
        QS + "upload/2024/W020240315_kysqs.doc",
        QS + "upload/2024/W020240315_bszn.pdf",
    ]
    assert info.mentions_forms


def test_partial_guide_missing_categories(page):
    info = guide_info(page("guide_partial_dl.html"), "http://zjj.qingshan.gov.cn/bszn/xfba.html")
    assert info.is_guide
    assert info.elements == ["name", "basis", "materials", "location", "process"]
    missing_2019 = [e for e in ELEMENTS_2019 if e not in info.elements]
    # 受理条件 "—" is empty, 咨询电话 has an empty paragraph, no agency / fees / hours label
    assert missing_2019 == ["conditions", "agency", "fees", "hours", "phone"]
    assert [e for e in ELEMENTS_2015 if e not in info.elements] == ["conditions", "hours", "phone"]
    assert info.attachments == [
        "http://zjj.qingshan.gov.cn/attach/0/xfysba.xlsx",
        "http://zjj.qingshan.gov.cn/download.jsp?fileid=88812",
    ]


def test_list_page_is_not_a_guide(page):
    info = guide_info(page("guide_list.html"), QS + "zwfw/bszn/index.html")
    assert not info.is_guide
    # a header row over many item rows gives no element values
    assert "name" not in info.elements


def test_find_guide_links(page):
    links = find_guide_links(page("guide_list.html"), QS + "zwfw/bszn/index.html")
    assert links == [
        QS + "zwfw/bszn/202403/t20240315_300101.html",
        QS + "zwfw/bszn/202403/t20240316_300102.html",
        "http://hlj.zwfw.gov.cn/bszn/itemDetail.do?itemCode=11230123MB1234567X4000117009",
        QS + "zwfw/bszn/202402/t20240220_300050.html",
    ]


def test_article_is_not_a_guide(realpage):
    info = guide_info(realpage("article_trs_shanxi_gov_cn.html"), "http://www.shanxi.gov.cn/yw/sxyw/201909/t1.shtml")
    assert not info.is_guide
    assert len(info.elements) < 3


def test_inline_labels_and_values():
    html = """<html><body><div class="bszn">
      <p><strong>事项名称：</strong>危险化学品经营许可</p>
      <p><strong>法律依据：</strong>《危险化学品安全管理条例》</p>
      <p>受理条件：无</p>
      <p>收费标准：无</p>
      <p>联系电话：见窗口公示</p>
      <h3>办理流程</h3><div class="clear"></div><p>受理、审查、决定</p>
    </div></body></html>"""
    info = guide_info(html, QS)
    # "无" is a statement for fees (no charge), an empty value elsewhere; a phone without a number is missing
    assert info.elements == ["name", "basis", "fees", "process"]
