"""Rendering stays the exception (issue 10.9, 12.2): a blank list is rendered only when the page's own scripts
build it, read from what a browser runs: a `fetch(` in an HTML comment or a JS comment is no reason, a real
`fetch(...)` writing the list is. A home page with too few columns is rendered only when it runs scripts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govaudit.extract.listpage import extract_list
from govaudit.extract.scripts import builds_by_script, runs_scripts

PAGES = Path(__file__).resolve().parents[1] / "pages" / "reach"
ASOF = dt.date(2026, 11, 20)


def _listing(name: str):
    return extract_list((PAGES / name).read_bytes(), "http://www.example.gov.cn/tzgg/", "utf-8", ASOF)


def test_fetch_in_comments_is_no_reason_to_render() -> None:
    page = _listing("list_blank_fetch_in_comment.html")
    assert page.blank and not page.entries
    assert not page.needs_render


def test_a_list_built_by_fetch_is_rendered() -> None:
    page = _listing("list_blank_built_by_fetch.html")
    assert page.blank and not page.entries
    assert page.needs_render


@pytest.mark.parametrize(("html", "builds"), [
    ("<p>接口说明：调用 fetch() 或 $.ajax() 获取数据</p>", False),  # page text, not code
    ("<script type='application/json'>{\"fetch(\": 1}</script>", False),  # data, not run
    ("<script>var u = 'http://x.gov.cn/'; // fetch('/a')\n</script>", False),  # a URL in a string is no comment
    ("<script>var u = 'http://x.gov.cn/'; document.write('<li>' + u + '</li>');</script>", True),
    ("<script>$.ajax({url: '/list'})</script>", True),
    ("<ul><li v-for='x in rows'>{{ x.title }}</li></ul>", True),
    ("<!-- <li v-for='x in rows'>{{ x.title }}</li> -->", False),
])
def test_builds_by_script(html: str, builds: bool) -> None:
    assert builds_by_script(html) is builds


def test_a_page_without_scripts_cannot_write_its_menu() -> None:
    assert not runs_scripts("<html><body><!-- <script src='/menu.js'></script> --><a href='/a/'>a</a></body></html>")
    assert runs_scripts("<html><body><script src='/js/menu.js'></script></body></html>")
    assert runs_scripts("<script>document.write('<a href=\"/a/\">a</a>')</script>")


@pytest.mark.parametrize(("body", "renders"), [
    # the site's own script file fills an empty list: a browser is needed to see it
    ("<h2>通知公告</h2><ul id='list' data-channel='tzgg'></ul><script src='/js/list.js'></script>", True),
    ("<h2>通知公告</h2><div class='news-list'></div><script src='/static/app.3f2a.js'></script>", True),
    # only third-party libraries, or no empty container for anything to fill: nothing to render
    (("<h2>通知公告</h2><ul class='list'></ul><script src='/js/jquery-1.11.3.min.js'></script>"
     "<script src='/js/bootstrap.min.js'></script>"), False),
    ("<h2>通知公告</h2><p></p><script src='/js/common.js'></script>", False),
    # a placeholder is the server's own answer, whatever the scripts
    ("<h2>通知公告</h2><ul id='list'></ul><p>暂无信息</p><script src='/js/list.js'></script>", False),
])
def test_an_empty_list_filled_by_a_site_script_file_is_rendered(body: str, renders: bool) -> None:
    html = f"<html><head><title>通知公告</title></head><body>{body}</body></html>".encode()
    page = extract_list(html, "http://www.example.gov.cn/tzgg/", "utf-8", ASOF)
    assert page.blank and not page.entries
    assert page.needs_render is renders


SCRIPT_CALLS = ["$.get('/a', f)", "new XMLHttpRequest()", "fetch ('/a')", "axios.get('/a')", "$.getJSON('/a')",
                "laypage.render({})", "layui.use('laypage')", "template.render(tpl, d)", "artTemplate('t', d)",
                "doT.template(s)", "Handlebars.compile(s)", "Mustache.render(t, v)", "pagination ({})",
                "$('#p').jqPaginator({})", "jPage({})", "new Vue ({el: '#app'})", "document.write('<li>')",
                "el.innerHTML += s", "Vue.createApp ({})", "ReactDOM.render(e, n)"]


@pytest.mark.parametrize("call", SCRIPT_CALLS)
def test_every_script_marker_is_found_after_its_word(call: str) -> None:
    """Each marker's regular expression runs only where its word is: the word must be in whatever it matches."""
    from govaudit.extract.scripts import SCRIPT_MARKERS

    assert builds_by_script(f"<html><body><p>正文</p><script>{call}</script></body></html>")
    low = call.lower()
    for word, rx in SCRIPT_MARKERS:
        m = rx.search(low)
        assert m is None or word in m.group(0), (word, rx.pattern, call)


def test_every_script_marker_has_a_call_that_shows_it() -> None:
    from govaudit.extract.scripts import SCRIPT_MARKERS

    calls = [c.lower() for c in SCRIPT_CALLS]
    assert [rx.pattern for _w, rx in SCRIPT_MARKERS if not any(rx.search(c) for c in calls)] == []
