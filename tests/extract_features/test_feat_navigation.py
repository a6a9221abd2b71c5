"""discover_columns / looks_like_article_url on saved and real home pages."""

from __future__ import annotations

import pytest

from govaudit.extract.navigation import discover_columns, looks_like_article_url, same_site


def _by_url(columns):
    return {c.url: c for c in columns}


def test_full_home_nav_more_links_and_icons(page):
    cols = discover_columns(page("home_full_footer.html"), "http://www.qingshan.gov.cn/")
    by_url = _by_url(cols)
    names = {c.name: c for c in cols}
    # nav bar, without 首页 and the external province portal
    for name in ("政务动态", "政府信息公开", "政务服务", "互动交流", "走进青山"):
        assert names[name].region == "nav"
    assert "http://www.hlj.gov.cn/" not in by_url
    assert not any(c.name in ("首页", "网站首页", "English", "无障碍浏览", "登录") for c in cols)
    # three 更多 links of a tab strip named by their tab, in order
    assert by_url["http://www.qingshan.gov.cn/zwdt/jrqs/"].name == "今日青山"
    assert by_url["http://www.qingshan.gov.cn/zwdt/bmdt/"].name == "部门动态"
    assert by_url["http://www.qingshan.gov.cn/zwdt/xzdt/"].name == "乡镇动态"
    # an image 更多 button, a <h3> heading, a span title with "更多+"
    assert by_url["http://www.qingshan.gov.cn/xxgk/tzgg/"].name == "通知公告"
    assert by_url["http://www.qingshan.gov.cn/gwyxx/"].name == "国务院信息"
    assert by_url["http://www.qingshan.gov.cn/xxgk/zcwj/"].name == "政策文件"
    # icon links named by their image alt
    assert by_url["http://www.qingshan.gov.cn/hdjl/xzxx/"].name == "县长信箱"
    # no article, attachment, mailto, footer utility link or home page
    for c in cols:
        assert not looks_like_article_url(c.url)
        assert not c.url.endswith((".pdf", ".docx"))
        assert c.name not in ("网站地图", "联系我们", "更多", "更多>>")
        assert c.url.rstrip("/") != "http://www.qingshan.gov.cn"
    assert len(by_url) == len(cols)


def test_max_columns(page):
    cols = discover_columns(page("home_full_footer.html"), "http://www.qingshan.gov.cn/", max_columns=3)
    assert len(cols) == 3


def test_real_hanweb_home_blocks(realpage):
    cols = discover_columns(realpage("home_hanweb_yancheng_tjj_gov_cn.html"), "http://tjj.yancheng.gov.cn/")
    by_url = _by_url(cols)
    assert by_url["http://tjj.yancheng.gov.cn/col/col1769/index.html"].name == "工作动态"
    assert by_url["http://tjj.yancheng.gov.cn/col/col1770/index.html"].name == "通知公告"
    assert by_url["http://tjj.yancheng.gov.cn/col/col1773/index.html"].name == "数据解读"
    assert by_url["http://tjj.yancheng.gov.cn/col/col1774/index.html"].name == "统计信息"
    # a hidden tab's 更多 paired with its tab title
    assert by_url["http://tjj.yancheng.gov.cn/col/col1766/index.html"].name == "政民互动"
    # the city portal's 信息公开目录 is another site; /art/ URLs are articles
    assert not any("www.yancheng.gov.cn" in u for u in by_url)
    assert not any("/art/" in u for u in by_url)


def test_real_truecms_home_tab_strips(realpage):
    cols = discover_columns(realpage("home_truecms_nantong_tjj_gov_cn_mmdd.html"), "http://tjj.nantong.gov.cn/")
    names = {c.url.replace("https://", "http://"): c.name for c in cols}
    assert names["http://tjj.nantong.gov.cn/ntstj/bmdt/bmdt.html"] == "部门动态"
    assert names["http://tjj.nantong.gov.cn/ntstj/gjyw/gjyw.htm"] == "国家要闻"
    assert names["http://tjj.nantong.gov.cn/ntstj/tjsj/tjsj.html"] == "统计数据"
    assert names["http://tjj.nantong.gov.cn/ntstj/tjgb/tjgb.html"] == "统计公报"
    assert names["http://tjj.nantong.gov.cn/ntstj/tjnj/tjnj.html"] == "统计年鉴"
    assert names["http://tjj.nantong.gov.cn/ntstj/zcwj/zcwj.html"] == "政策文件"
    # dated year-book rows and /content/<uuid>.html entries are not columns
    assert not any("tjnj/indexch" in u for u in names)
    assert not any("/content/" in u for u in names)
    assert not any("更多" in n for n in names.values())


def test_real_xhtml_home_nav(realpage):
    cols = discover_columns(realpage("home_suqian_tjj_gov_cn.html"), "http://tjj.suqian.gov.cn/")
    by_name = {c.name: c for c in cols}
    assert by_name["新闻中心"].region == "nav"
    assert by_name["通知公告"].url == "http://tjj.suqian.gov.cn/stjj/tzgg/list.shtml"
    assert "政策文件" in by_name and "人事信息" in by_name
    # the logo link (alt text) and 网站首页 point at the home page; 用户中心 is a utility link
    assert not any(c.url.endswith("/stjj/index.shtml") for c in cols)
    assert "用户中心" not in by_name
    # the 办事服务 nav item is on the provincial service platform: another site
    assert not any("jszwfw" in c.url for c in cols)


def test_real_channel_hub(realpage):
    cols = discover_columns(realpage("hub_nea_gov_cn_xwzx.html"), "http://www.nea.gov.cn/xwzx/")
    by_name = {c.name: c.url for c in cols}
    assert by_name["领导活动"] == "http://www.nea.gov.cn/ldhd/index.htm"
    assert by_name["能源要闻"] == "http://www.nea.gov.cn/xwzx/nyyw.htm"
    # no breadcrumb text as a heading, no news.cn articles
    assert not any("当前位置" in n for n in by_name)
    assert not any("news.cn" in u for u in by_name.values())


@pytest.mark.parametrize(
    "url",
    [
        "http://www.hlj.gov.cn/zwgk/tzgg/201712/t20171210_1.html",
        "http://tjj.yancheng.gov.cn/art/2026/8/28/art_1769_4449877.html",
        "https://www.gov.cn/zhengce/content/2017-12/10/content_5245123.htm",
        "http://x.gov.cn/a/content_123.htm",
        "http://tjj.nantong.gov.cn/ntstj/bmdt/content/befa0440-f89a-4937-9108-f6c3fa80dd91.html",
        "http://tjj.suqian.gov.cn/stjj/gzdt/202608/26ed120afd87497185c3548982b41b9e.shtml",
        "http://www.nea.gov.cn/20260913/9dc0d216f91b44ca8073a8ffe47a438c/c.html",
        "http://x.gov.cn/news/2017/1210/123.html",
        "http://x.gov.cn/info/1034/56789.htm",
        "http://x.gov.cn/article/detail.html?id=8848",
    ],
)
def test_article_urls(url):
    assert looks_like_article_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://tjj.yancheng.gov.cn/col/col1769/index.html",
        "http://tjj.suqian.gov.cn/stjj/tzgg/list.shtml",
        "http://tjj.nantong.gov.cn/ntstj/gggs/gggs.html",
        "http://www.hlj.gov.cn/zwgk/tzgg/",
        "http://www.hlj.gov.cn/zwgk/tzgg/index_1.html",
        "http://www.nea.gov.cn/xwzx/nyyw.htm",
        "http://x.gov.cn/2024/index.html",
    ],
)
def test_column_urls(url):
    assert not looks_like_article_url(url)


def test_same_site():
    assert same_site("http://hlj.gov.cn/a/", "http://www.hlj.gov.cn/")
    assert same_site("http://zwgk.hlj.gov.cn/a/", "http://www.hlj.gov.cn/")
    assert not same_site("http://www.yancheng.gov.cn/col/col1/index.html", "http://tjj.yancheng.gov.cn/")
    assert not same_site("http://www.hlj.gov.cn.evil.com/", "http://www.hlj.gov.cn/")


def test_site_under_a_path_is_scoped():
    html = """<div class="nav"><a href="/fgw/">首页</a><a href="/fgw/fgdt/">发改动态</a>
      <a href="/fgw/tzgg/">通知公告</a><a href="/zwgk/">县政府信息公开</a><a href="/jyj/">教育局</a></div>"""
    url = "http://www.qingshan.gov.cn/fgw/"
    scoped = [c.name for c in discover_columns(html, url, site_url=url)]
    assert scoped == ["发改动态", "通知公告"]
    # without the registered address, the whole host is the site
    assert [c.name for c in discover_columns(html, url)] == ["发改动态", "通知公告", "县政府信息公开", "教育局"]


def test_more_link_layouts():
    html = """<body>
      <div class="box"><h2>通知公告<span><a href="/tzgg/">more+</a></span></h2>
        <ul><li><a href="/tzgg/t20240101_1.html">关于开展安全检查的通知</a></li></ul></div>
      <table><tr><td class="lm_bt">工作动态</td><td align="right"><a href="/gzdt/"><img src="/images/more.gif"></a></td></tr>
        <tr><td colspan="2"><a href="/gzdt/2024/0101/1.html">动态一</a> 2024-01-01</td></tr></table>
      <div class="now-site">您当前位置：<a href="/">首页</a> &gt; 新闻中心</div>
      <div class="top-news"><ul><li><a href="/xw/t20240102_2.html">头条新闻</a></li></ul>
        <div class="more"><a href="/xw/">更多&gt;&gt;</a></div></div>
      <div class="other"><div class="tit">领导活动</div><span class="more"><a href="/ldhd/">更多&gt;&gt;</a></span></div>
    </body>"""
    cols = {c.url: c.name for c in discover_columns(html, "http://x.gov.cn/")}
    assert cols == {
        "http://x.gov.cn/tzgg/": "通知公告",
        "http://x.gov.cn/gzdt/": "工作动态",
        "http://x.gov.cn/ldhd/": "领导活动",
    }  # the headless top block's 更多 is not named after the breadcrumb or a neighbour
