"""Saved pages of the crawl's reach: home pages that move, lists in frames, pagers that post a form."""

from __future__ import annotations

from pathlib import Path

import pytest

from govaudit.crawl.frames import frame_sources
from govaudit.crawl.hops import home_hop
from govaudit.extract.encoding import decode_html
from govaudit.extract.pagination import form_next_page

PAGES = Path(__file__).parent.parent / "pages" / "reach"


def _page(name: str) -> str:
    return decode_html((PAGES / name).read_bytes(), None)[0]


@pytest.mark.parametrize(("name", "url", "target", "how"), [
    ("home_meta_refresh.html", "http://www.donghu.gov.cn/", "http://www.donghu.gov.cn/index.shtml", "meta-refresh"),
    ("home_script_portal.html", "http://www.beishan.gov.cn/index.html", "http://www.beishan.gov.cn/portal/index.html", "script"),
])
def test_home_pages_that_move(name: str, url: str, target: str, how: str) -> None:
    hop = home_hop(_page(name), url)
    assert hop is not None and (hop.url, hop.how) == (target, how)


def test_a_full_home_page_mentioning_location_is_not_a_redirect() -> None:
    assert home_hop(_page("home_full_with_location_onclick.html"), "http://www.sfx.gov.cn/") is None


def test_slow_refresh_is_a_reload_not_a_move() -> None:
    html = '<html><head><meta http-equiv="refresh" content="300"></head><body>首页</body></html>'
    assert home_hop(html, "http://a.gov.cn/") is None
    html = '<html><head><meta http-equiv="refresh" content="600; url=/index.htm"></head><body>首页</body></html>'
    assert home_hop(html, "http://a.gov.cn/") is None


def test_iframe_list_skips_trackers_and_maps() -> None:
    srcs = frame_sources(_page("column_iframe_xxgk.html"), "http://www.sfs.gov.cn/zwgk/zcwj/")
    assert srcs == ["http://www.sfs.gov.cn/zwgk/zcwj/list_frame.jsp?channelid=1234"]


def test_frameset_content_frame_first() -> None:
    srcs = frame_sources(_page("column_frameset.html"), "http://www.x.gov.cn/ldxx/index.asp")
    assert srcs == ["http://www.x.gov.cn/ldxx/list.asp?lb=1", "http://www.x.gov.cn/ldxx/top.htm"]


def test_aspnet_pager_posts_the_form_back() -> None:
    url = "http://www.sfx.gov.cn/NewsList.aspx?ClassID=12"
    req = form_next_page(_page("list_aspnet_postback.html"), url)
    assert req is not None and req.method == "POST" and req.url == url
    form = dict(req.formdata)
    assert form["__EVENTTARGET"] == "AspNetPager1" and form["__EVENTARGUMENT"] == "2"
    assert form["__VIEWSTATE"].startswith("/wEPDw") and form["__EVENTVALIDATION"] == "/wEdAAXQ8X6z9g=="
    assert "txtKey" not in form  # only the hidden fields a pager click posts


def test_no_postback_no_form_request() -> None:
    assert form_next_page(_page("home_full_with_location_onclick.html"), "http://www.sfx.gov.cn/") is None
