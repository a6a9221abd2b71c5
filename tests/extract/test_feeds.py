"""Script-fed lists (govaudit.extract.feeds): the request a page's inline script makes for its list, read from
the script as CMS templates write it, and the answer read as the list a browser would show."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from govaudit.extract.feeds import PAGE, feed_request, find_feeds, next_feed, read_feed
from govaudit.extract.scripts import script_parts
from tests.conftest import REALPAGES

PAGE_URL = "http://www.example.gov.cn/col/tzgg/index.html"
ASOF = dt.date(2026, 11, 20)


def _feeds(script: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    code = script_parts(f"<html><body><ul id='list'></ul><script>{script}</script></body></html>").code
    return [feed_request(f) for f in find_feeds(code, PAGE_URL)]


@pytest.mark.parametrize(("script", "expected"), [
    # XMLHttpRequest, the page number from the address bar
    (("var m=/page=(\\d+)/.exec(location.search);var page=m?+m[1]:1;var xhr=new XMLHttpRequest();"
     "xhr.open('GET','/api/list?channel=tzgg&page='+page,true);xhr.send();"),
     ("http://www.example.gov.cn/api/list?channel=tzgg&page=1", "GET", [])),
    # jQuery $.ajax with a POSTed data object, a constant declared after use, the page variable
    (("$.ajax({url: '/cms/article/list', type: 'post', dataType: 'json', data: {channelId: CHANNEL, pageNo: pageNo,"
     " pageSize: 15}, success: function (res) { render(res); }}); var CHANNEL = '1024';"),
     ("http://www.example.gov.cn/cms/article/list", "POST",
      [("channelId", "1024"), ("pageNo", "1"), ("pageSize", "15")])),
    # jQuery $.getJSON with GET data and a literal first page
    ("$.getJSON(\"../../api/news.json\", {cid: 7, page: 1}, function(d){ show(d); });",
     ("http://www.example.gov.cn/api/news.json?cid=7&page=1", "GET", [])),
    # fetch with a template literal
    (("const cid = 'xwdt'; let current = 1; fetch(`/api/v1/contents?column=${cid}&current=${current}&size=20`)"
     ".then(r => r.json()).then(draw);"),
     ("http://www.example.gov.cn/api/v1/contents?column=xwdt&current=1&size=20", "GET", [])),
    # axios with params
    (("axios.get('/prod-api/portal/article/list', {params: {categoryId: 12, pageNum: pageNum, pageSize: 10}})"
     ".then(function (res) { vm.list = res.data.rows; });"),
     ("http://www.example.gov.cn/prod-api/portal/article/list?categoryId=12&pageNum=1&pageSize=10", "GET", [])),
    # jQuery .load of an HTML fragment, with a selector after the address
    ("$('#newsList').load('/col/col1024/list_fragment.html #items');",
     ("http://www.example.gov.cn/col/col1024/list_fragment.html", "GET", [])),
    # $.post with a query string as its data
    ("$.post('/interface/getInfoList.do', 'columnId=88&pageIndex=' + pageIndex, function(d){});",
     ("http://www.example.gov.cn/interface/getInfoList.do", "POST", [("columnId", "88"), ("pageIndex", "1")])),
])
def test_the_list_request_is_read_from_the_script(script: str, expected: tuple[str, str, list[tuple[str, str]]]) -> None:
    assert _feeds(script)[0] == expected


@pytest.mark.parametrize("script", [
    "$.ajax({url: buildUrl(cfg), type: 'get'});",  # the address comes from a function: not guessed
    "fetch('/api/list?channel=' + window.CHANNEL_FROM_SERVER_FILE).then(r => r.json());",  # unknown variable
    "$.ajax({url: '/api/list', type: 'POST', contentType: 'application/json', data: JSON.stringify(q)});",
    "$.getJSON('/api/visitCount?id=3'); $.get('/weather/today.json');",  # not the list
    "// fetch('/api/list.json')\n",  # a comment runs nothing
    "var s = document.createElement('script'); s.src = '/js/list.js';",  # no request for data
])
def test_requests_that_cannot_be_read_are_left_to_the_browser(script: str) -> None:
    assert _feeds(script) == []


def test_the_request_with_a_page_number_is_preferred() -> None:
    found = _feeds("$.get('/api/banner.json', function(b){}); "
                   "$.ajax({url: '/api/list', data: {col: 3, page: page}});")
    assert found[0][0] == "http://www.example.gov.cn/api/list?col=3&page=1"


def _read(answer: object, *, text: str | None = None, feed_script: str = "$.ajax({url:'/api/list',data:{pageNo:1}})"):
    code = script_parts(f"<script>{feed_script}</script>").code
    feed = find_feeds(code, PAGE_URL)[0]
    body = (text if text is not None else json.dumps(answer, ensure_ascii=False)).encode("utf-8")
    return feed, *read_feed(body, "utf-8", feed, ASOF)


def test_a_nested_answer_with_cms_field_names() -> None:
    """TRS / Java-backend style: {code, data: {total, pages, list: [...]}} with docTitle / docPubUrl / docRelTime,
    a creation time beside the publication time, highlighted titles and epoch milliseconds."""
    answer = {"code": 200, "msg": "ok", "data": {"total": 47, "pages": 4, "list": [
        {"docId": 1, "docTitle": "关于<em>2026年</em>度预算公开的公告", "docPubUrl": "/art/2026/11/18/art_1_1.html",
         "crTime": "2026-11-01 09:00:00", "docRelTime": "2026-11-18 10:30:00"},
        {"docId": 2, "docTitle": "示范市第三季度政务公开工作情况", "docPubUrl": "./202610/t20261020_2.html",
         "docRelTime": 1760925600000},
    ]}}
    feed, page, understood = _read(answer)
    assert understood and page.total_pages == 4 and page.total_records == 47
    assert [(e.title, e.url, e.date) for e in page.entries] == [
        ("关于2026年度预算公开的公告", "http://www.example.gov.cn/art/2026/11/18/art_1_1.html", dt.date(2026, 11, 18)),
        ("示范市第三季度政务公开工作情况", "http://www.example.gov.cn/col/tzgg/202610/t20261020_2.html",
         dt.date(2025, 10, 20)),
    ]
    nxt = next_feed(feed, 2, page.total_pages, page.total_records, 2)
    assert nxt is not None and feed_request(nxt)[0].endswith("pageNo=2")


def test_jsonp_and_pinyin_field_names() -> None:
    text = ('jQuery1830_17({"rows":[{"biaoti":"防汛工作通知","fbrq":"2026年11月19日","lj":"/a/1.html","zhiding":1},'
            '{"biaoti":"秋季防火通告","fbrq":"20261102","lj":"/a/2.html"}],"totalPage":1});')
    feed, page, understood = _read(None, text=text)
    assert understood
    assert [(e.title, e.date, e.pinned) for e in page.entries] == [
        ("防汛工作通知", dt.date(2026, 11, 19), True), ("秋季防火通告", dt.date(2026, 11, 2), False)]
    assert next_feed(feed, 2, page.total_pages, page.total_records, 2) is None  # the answer says it was the last


def test_a_link_field_is_not_read_as_the_date() -> None:
    _feed, page, _ = _read({"list": [{"title": "通知", "url": "/art/2019/1/5/art_9_9.html", "time": "2026-11-11"}]})
    assert page.entries[0].date == dt.date(2026, 11, 11)


def test_an_html_fragment_answer_is_read_as_a_list_page() -> None:
    rows = "".join(f"<li><a href='/xwdt/{i}.html'>工作动态第{i}条</a><span>2026-11-{10 + i}</span></li>" for i in range(4))
    _feed, page, understood = _read(None, text=f"<ul class='list'>{rows}</ul>",
                                    feed_script="$('#list').load('/xwdt/list_frag.html')")
    assert understood and len(page.entries) == 4 and page.latest() == dt.date(2026, 11, 13)
    assert page.entries[0].url == "http://www.example.gov.cn/xwdt/0.html"


def test_rows_as_html_inside_json() -> None:
    html = ("<li><a href='/x/1.html'>政策解读一</a><span>2026-11-09</span></li>"
            "<li><a href='/x/2.html'>政策解读二</a><span>2026-11-01</span></li>")
    _feed, page, understood = _read({"status": 1, "html": html, "count": 2})
    assert understood and [e.date for e in page.entries] == [dt.date(2026, 11, 9), dt.date(2026, 11, 1)]


def test_an_empty_list_is_an_answer_and_no_list_is_not() -> None:
    _feed, page, understood = _read({"code": 0, "data": {"total": 0, "list": []}})
    assert understood and page.blank and not page.entries
    _feed, page, understood = _read({"code": 0, "msg": "success"})
    assert not understood
    _feed, page, understood = _read(None, text="<html><body>系统维护中</body></html>")
    assert not understood
    _feed, page, understood = _read([["通知一", "/a/1.html", "2026-11-01"]])  # rows only the page's script reads
    assert not understood


def test_records_without_links_get_stable_distinct_addresses() -> None:
    feed, page, _ = _read({"list": [{"title": "公告一", "date": "2026-11-01"}, {"title": "公告二", "date": "2026-10-01"}]})
    assert len({e.url for e in page.entries}) == 2
    assert all(e.url.startswith(feed_request(feed)[0] + "#") for e in page.entries)


def test_next_page_stops_when_the_records_are_all_seen() -> None:
    feed = {"url": f"http://x.gov.cn/api?p={PAGE}", "method": "GET", "form": [], "page": 3, "base": PAGE_URL}
    assert next_feed(feed, 10, None, 30, 30) is None
    assert next_feed(feed, 10, None, 45, 30) == {**feed, "page": 4}
    assert next_feed(feed, 0, None, None, 30) is None  # an empty page ends the list
    assert next_feed({**feed, "url": "http://x.gov.cn/api"}, 10, None, None, 10) is None  # no page number to turn


def test_a_hostile_answer_is_not_understood_and_breaks_nothing() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    assert _read(None, text=deep)[2] is False
    _feed, page, understood = _read({"list": [{"title": "x" * 100_000, "date": "9999-99-99"}] * 3})
    assert understood and all(e.date is None and len(e.title) <= 300 for e in page.entries)


@pytest.mark.skipif(not (REALPAGES / "truth.json").is_file(), reason="no ../shared/realpages")
def test_a_real_datastore_payload_read_as_a_feed_answer() -> None:
    """海门区 行政许可: the JSONP a Hanweb-style jpage asks its data proxy for (`raw({result: '<datastore>…'})`),
    read as a feed's answer equals the hand-checked truth."""
    truth = next(p for p in json.loads((REALPAGES / "truth.json").read_text("utf-8"))
                 if p["kind"] == "list_payload")
    feed = {"url": f"http://www.haimen.gov.cn/module/web/jpage/dataproxy.jsp?page={PAGE}", "method": "GET",
            "form": [], "page": 1, "base": "http://www.haimen.gov.cn/hmsgtj/xzxk/index.html"}
    page, understood = read_feed((REALPAGES / truth["file"]).read_bytes(), "utf-8", feed, dt.date(2026, 8, 1))
    assert understood and len(page.entries) == truth["entries"]
    assert str(page.latest()) == truth["newest"] and str(page.oldest()) == truth["oldest"]


# ---------------------------------------------------------------------------------------- seen while rendering

def _seen(*requests: tuple[str, str, list[list[str]] | None]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    from govaudit.extract.feeds import feeds_seen

    seen = [{"url": url, "method": method, "form": form} for url, method, form in requests]
    return [feed_request({**f, "page": 2}) for f in feeds_seen(seen, PAGE_URL)]


@pytest.mark.parametrize(("request_", "page_2"), [
    # a query field named for the page, as CMS list endpoints name it; the other fields kept byte for byte
    (("http://www.example.gov.cn/api/list?channel=tzgg&pageNo=1&pageSize=15", "GET", None),
     ("http://www.example.gov.cn/api/list?channel=tzgg&pageNo=2&pageSize=15", "GET", [])),
    (("http://www.example.gov.cn/common/search?q=%E9%80%9A%E7%9F%A5&curPage=1", "GET", None),
     ("http://www.example.gov.cn/common/search?q=%E9%80%9A%E7%9F%A5&curPage=2", "GET", [])),
    (("http://www.example.gov.cn/info/list.json?p=1", "GET", None),
     ("http://www.example.gov.cn/info/list.json?p=2", "GET", [])),
    # a form-encoded POST: the page field of the form
    (("http://www.example.gov.cn/cms/article/list", "POST", [["channelId", "12"], ["pageIndex", "1"], ["rows", "1"]]),
     ("http://www.example.gov.cn/cms/article/list", "POST", [("channelId", "12"), ("pageIndex", "2"), ("rows", "1")])),
])
def test_a_request_seen_while_rendering_becomes_the_lists_feed(request_: tuple[str, str, list[list[str]] | None],
                                                               page_2: tuple[str, str, list[tuple[str, str]]]) -> None:
    assert _seen(request_) == [page_2]


@pytest.mark.parametrize("request_", [
    ("http://www.example.gov.cn/api/list?channel=tzgg", "GET", None),  # no page number: nothing to page through
    ("http://www.example.gov.cn/api/list?channel=tzgg&pageNo=2", "GET", None),  # not the first page
    ("http://www.example.gov.cn/api/list?channel=tzgg&pageIndex=0", "GET", None),  # zero-based: not guessed
    ("http://www.example.gov.cn/api/list?start=1&limit=15", "GET", None),  # an offset, not a page
    ("http://www.example.gov.cn/api/list?xpage=1", "GET", None),
    ("http://www.example.gov.cn/api/list", "POST", None),  # a JSON (not form) body
    ("http://www.example.gov.cn/api/visitCount?page=1", "GET", None),  # a counter
    ("http://www.example.gov.cn/js/list.js?page=1", "GET", None),  # a static file
    ("http://www.example.gov.cn/col/tzgg/index.html", "GET", None),  # the page itself
])
def test_requests_that_name_no_first_page_are_not_taken(request_: tuple[str, str, list[list[str]] | None]) -> None:
    assert _seen(request_) == []


def test_a_listish_request_seen_later_comes_first() -> None:
    got = _seen(("http://www.example.gov.cn/api/weibo?page=1", "GET", None),
                ("http://www.example.gov.cn/api/articleList?page=1", "GET", None),
                ("http://www.example.gov.cn/api/articleList?page=1", "GET", None))
    assert [u for u, _, _ in got] == ["http://www.example.gov.cn/api/articleList?page=2",
                                      "http://www.example.gov.cn/api/weibo?page=2"]
