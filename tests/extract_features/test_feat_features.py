"""page_features, page_links and looks_blocked on saved and real pages."""

from __future__ import annotations

import pytest

from govaudit.extract.features import META_TAGS, empty_features, looks_blocked, page_features, page_links

QS = "http://www.qingshan.gov.cn/"


def test_complete_footer(page):
    f = page_features(page("home_full_footer.html"), QS, site_name="青山县人民政府")
    assert f["zhaocuo"] is True
    assert f["conac"] is True  # only a dcs.conac.cn loader script
    assert f["site_code"] == "2301230001"
    assert f["icp"] == "黑ICP备05001234号-2"
    assert f["police_beian"] == "黑公网安备 23012302000123号"
    assert f["organizer"] is True
    assert f["contact"] is True
    assert f["search"] is True
    assert f["state_council"] is True
    assert f["title"] == "青山县人民政府"
    assert f["site_name_in_header"] is True
    assert f["meta"] == {
        "SiteName": "青山县人民政府",
        "SiteDomain": "www.qingshan.gov.cn",
        "SiteIDCode": "2301230001",
        "Keywords": "青山县,政府,门户",
    }
    assert set(f) == set(empty_features())


def test_page_without_zhaocuo_or_identity(page):
    f = page_features(page("home_no_zhaocuo.html"), QS, site_name="青山县人民政府")
    # the 找错 link and ICP number only survive inside an HTML comment: they do not count
    assert f["zhaocuo"] is False
    assert f["icp"] is None
    assert f["conac"] is False
    assert f["site_code"] is None
    assert f["police_beian"] is None
    assert f["organizer"] is False  # 版权所有 is not 主办
    assert f["contact"] is False
    assert f["search"] is False
    assert f["state_council"] is False  # 国务院办公厅关于... in running text is not a column
    assert f["meta"] == {}  # an empty SiteName content is not a tag
    assert f["site_name_in_header"] is False  # another body's name in the header
    assert page_features(page("home_no_zhaocuo.html"), QS, "青山县发展和改革局")["site_name_in_header"] is True


def test_real_home_footer(realpage):
    f = page_features(realpage("home_suqian_tjj_gov_cn.html"), "http://tjj.suqian.gov.cn/", "宿迁市统计局")
    assert f["zhaocuo"] is True  # jiucuo.js loader built by inline script
    assert f["conac"] is True
    assert f["site_code"] == "3213000019"
    assert f["icp"] == "苏ICP备08010541号-6"
    assert f["police_beian"] == "苏公网安备 32130202080018号"
    assert f["organizer"] and f["contact"] and f["search"] and f["state_council"]
    assert f["site_name_in_header"] is True


def test_real_home_js_footer_is_missing(realpage):
    # the footer is written by /script/... at run time: the static page has none of its items
    f = page_features(realpage("home_hanweb_yancheng_tjj_gov_cn.html"), "http://tjj.yancheng.gov.cn/", "盐城市统计局")
    assert (f["zhaocuo"], f["conac"], f["icp"], f["police_beian"], f["organizer"]) == (False, False, None, None, False)
    assert "SiteIDCode" not in f["meta"] and f["site_code"] is None  # content=""
    assert f["meta"]["SiteName"] == "盐城市统计局"


def test_real_articles(realpage):
    f = page_features(realpage("article_trs_shanxi_gov_cn.html"), "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml")
    for tag in ("SiteName", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate", "ContentSource"):
        assert tag in f["meta"]
    assert f["meta"]["PubDate"] == "2019-09-18 06:23"
    assert f["icp"] == "晋ICP备12000773号" and f["conac"] and f["organizer"]
    # a stray </html> after the included header must not hide the footer
    g = page_features(realpage("article_www_gov_cn_gongbao.html"), "https://www.gov.cn/gongbao/content/2007/content_1.htm")
    assert g["site_code"] == "bm01000001"
    assert g["icp"] == "京ICP备05070218号"
    assert g["police_beian"] == "京公网安备 11010202000001号"
    assert g["conac"] and g["organizer"]
    k = page_features(realpage("article_kepu_gov_cn.html"), "https://www.kepu.gov.cn/x.html")
    assert k["zhaocuo"] and k["site_code"] == "bm06000004" and k["icp"] == "京ICP备05022684号-3"


def test_meta_keys_are_the_47_tags(page):
    f = page_features(page("guide_trs_table_gbk.html"), QS)
    assert set(f["meta"]) <= set(META_TAGS)
    assert f["meta"]["ArticleTitle"] == "个体工商户设立登记办事指南"
    assert f["meta"]["ContentSource"] == "县市场监督管理局"


def test_page_links(page):
    links = page_links(page("home_full_footer.html"), QS)
    urls = [u for _, u in links]
    kinds = {u: k for k, u in links}
    assert len(urls) == len(set(urls))
    assert all(u.startswith(("http://", "https://")) and "#" not in u for u in urls)
    assert not any(u.startswith(("javascript:", "mailto:")) for u in urls)
    assert kinds["http://www.qingshan.gov.cn/xxgk/tzgg/202409/P020240901123456.pdf"] == "attachment"
    assert kinds["http://www.qingshan.gov.cn/upload/2024/zhinan.docx"] == "attachment"
    assert kinds["http://www.qingshan.gov.cn/images/logo.png"] == "image"
    assert kinds["http://www.hlj.gov.cn/"] == "link"  # external links are checked too
    assert kinds["http://www.gov.cn/zhengce/content/2024-09/10/content_6973000.htm"] == "link"
    assert "http://www.qingshan.gov.cn/zwdt/jrqs/202409/t20240912_456789.html" in kinds


def test_page_links_skip_commented_out(page):
    urls = [u for _, u in page_links(page("home_no_zhaocuo.html"), QS)]
    assert not any("zfwzzc" in u for u in urls)
    assert "http://www.qingshan.gov.cn/fgdt/202401/t20240110_1001.html" in urls


def test_real_page_links_resolve_relative(realpage):
    links = page_links(realpage("hub_nea_gov_cn_xwzx.html"), "http://www.nea.gov.cn/xwzx/")
    urls = {u for _, u in links}
    assert "http://www.nea.gov.cn/20260913/9dc0d216f91b44ca8073a8ffe47a438c/c.html" in urls
    assert any(k == "image" for k, _ in links)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("waf_safedog_403.html", 403),
        ("waf_safedog_403.html", 200),
        ("waf_jsl_521.html", 521),
        ("waf_jsl_521.html", 200),
        ("waf_ruishu_412.html", 412),
        ("waf_ruishu_412.html", 202),
        ("captcha_200.html", 200),
        ("captcha_200.html", 429),
    ],
)
def test_challenge_pages_are_blocked(page, name, status):
    assert looks_blocked(status, page(name)) is True


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("nginx_403_plain.html", 403),  # a plain 403 is an error, not a challenge
        ("home_full_footer.html", 200),
        ("home_full_footer.html", 503),
        ("letters_hanweb_table.html", 200),
        ("guide_partial_dl.html", None),
    ],
)
def test_normal_pages_are_not_blocked(page, name, status):
    assert looks_blocked(status, page(name)) is False


def test_real_pages_are_not_blocked(realpage):
    for name in ("home_suqian_tjj_gov_cn.html", "article_hanweb_fgw_zj_gov_cn.html", "article_kepu_gov_cn.html"):
        assert looks_blocked(200, realpage(name)) is False
        assert looks_blocked(None, realpage(name)) is False
