"""A column whose list is built by JavaScript (XHR to JSON) is rendered in real headless Chromium
(Debian's /usr/bin/chromium through scrapy-playwright); the plain columns of the same site are not."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from govaudit.store import models as m
from tests.e2e.conftest import run_scrapy
from tests.e2e.sites import LoopbackSite

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ASOF = dt.date(2026, 11, 20)


_BUILD_LIST = ("const ul=document.getElementById('list');d.rows.forEach(x=>{const li=document.createElement('li');"
               "li.innerHTML='<a href=\"'+x.url+'\">'+x.title+'</a><span>'+x.date+'</span>';ul.appendChild(li);});")
_BUILD_FROM_ARRAYS = ("const ul=document.getElementById('list');d.forEach(x=>{const li=document.createElement('li');"
                      "li.innerHTML='<a href=\"'+x[1]+'\">'+x[0]+'</a><span>'+x[2]+'</span>';ul.appendChild(li);});")


def _pages(how: str = "inline") -> dict[str, tuple[int, str, bytes]]:
    """A site whose 通知公告 list is built by a script from /api/tzgg.json. `how`: "inline" (the fetch is in the
    page), "bundled" (in the site's /js/list.js), "arrays" (in the page, answering rows as bare arrays that only
    the page's own script knows how to read), "repeats" (in the page, with a page number the server ignores)."""
    html = "text/html; charset=utf-8"
    days = [ASOF - dt.timedelta(days=d) for d in (1, 3, 8, 20, 40)]
    static_rows = "".join(f'<li><a href="/xwdt/{i}.html">工作动态{i}</a><span>{d}</span></li>'
                          for i, d in enumerate(days))
    home = ("<html><head><title>示范市测试局</title></head><body><div class='nav'><ul>"
            "<li><a href='/xwdt/'>工作动态</a></li><li><a href='/tzgg/'>通知公告</a></li></ul></div>"
            f"<ul class='list'>{static_rows}</ul><div class='footer'>主办单位：示范市测试局</div></body></html>")
    address = "'/api/tzgg.json?page=' + page" if how == "repeats" else "'/api/tzgg.json'"
    script = "var page = 1; fetch(" + address + ").then(r=>r.json()).then(d=>{" + (
        _BUILD_FROM_ARRAYS if how == "arrays" else _BUILD_LIST) + "});"
    tag = "<script src='/js/list.js'></script>" if how == "bundled" else f"<script>{script}</script>"
    column_js = ("<html><head><title>通知公告</title></head><body><div class='nav'><a href='/'>首页</a></div>"
                 f"<h2>通知公告</h2><ul id='list'></ul><div id='pager'></div>{tag}</body></html>")
    rows = [{"title": f"关于开展第{i}批专项检查的通知", "url": f"/tzgg/{i}.html", "date": str(d)}
            for i, d in enumerate(days)]
    answer = [[r["title"], r["url"], r["date"]] for r in rows] if how == "arrays" else {"rows": rows}
    static_col = (f"<html><body><h2>工作动态</h2><ul class='list'>{static_rows}</ul></body></html>")
    pages = {
        "/": (200, html, home.encode()),
        "/tzgg/": (200, html, column_js.encode()),
        "/api/tzgg.json": (200, "application/json", json.dumps(answer, ensure_ascii=False).encode()),
        # "repeats": a server that ignores the page number and answers the first page again
        "/api/tzgg.json?page=1": (200, "application/json", json.dumps(answer, ensure_ascii=False).encode()),
        "/api/tzgg.json?page=2": (200, "application/json", json.dumps(answer, ensure_ascii=False).encode()),
        "/js/list.js": (200, "application/javascript", script.encode()),
        "/xwdt/": (200, html, static_col.encode()),
    }
    for i in range(5):
        pages[f"/xwdt/{i}.html"] = (200, html, "<html><body>文章</body></html>".encode())
        pages[f"/tzgg/{i}.html"] = (200, html, "<html><body>通知</body></html>".encode())
    return pages


def _audit_one(pages: dict[str, tuple[int, str, bytes]], host: str, site_id: str, tmp_path: Path) -> tuple[str, Any]:
    """`scrapy crawl audit` of one served site; its output and the run's database."""
    with LoopbackSite(pages, host=host) as site:
        registry = tmp_path / "registry.csv"
        registry.write_text(f"site_id,name,url,region,status\n{site_id},示范市测试局,{site.url},示范市,running\n",
                            encoding="utf-8")
        db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
        proc = run_scrapy(["crawl", "audit", "-s", "STATS_DUMP=True", "-a", f"registry={registry}", "-a", f"asof={ASOF}",
                           "-s", "GOVAUDIT_REPORT_ON_CLOSE=False"], db_url, tmp_path / "reports", timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    return out, create_engine(db_url)


def _columns(engine: Any) -> dict[str, Any]:
    with engine.connect() as c:
        return {r.name: r for r in c.execute(select(m.Column)).all()}


def test_script_fed_list_is_read_from_its_feed_without_a_browser(tmp_path: Path) -> None:
    """The page's own script names the request for its list: the audit asks the site the same way and reads
    the answer; no browser is started for it."""
    out, engine = _audit_one(_pages("inline"), "127.0.0.71", "JS00000001", tmp_path)
    cols = _columns(engine)
    assert cols["通知公告"].entries_count == 5 and not cols["通知公告"].rendered, out[-3000:]
    assert cols["通知公告"].latest == ASOF - dt.timedelta(days=1) and not cols["通知公告"].blank
    assert "govaudit/lists_from_feeds': 1" in out and "govaudit/pages_rendered" not in out
    with engine.connect() as c:
        urls = set(c.execute(select(m.Article.url).where(m.Article.column_url.like("%/tzgg/"))).scalars())
    # links are the page's, resolved where the browser would put them (not against the endpoint)
    assert {u.split("/", 3)[3] for u in urls} == {f"tzgg/{i}.html" for i in range(5)}, urls


def test_a_feed_whose_server_ignores_the_page_number_ends_when_a_page_adds_nothing(tmp_path: Path) -> None:
    _out, engine = _audit_one(_pages("repeats"), "127.0.0.72", "JS00000003", tmp_path)
    col = _columns(engine)["通知公告"]
    assert col.entries_count == 5 and col.pages_fetched == 2 and not col.error, (col.pages_fetched, col.error)
    assert col.feed_url.endswith("/api/tzgg.json?page=1") and not col.rendered


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("how", ["bundled", "arrays"])
def test_js_built_column_is_rendered(tmp_path: Path, how: str) -> None:
    """A list built by the site's script file (nothing in the page names its request), or from an answer only
    the page's script can read, is read from the page as Chromium renders it."""
    out, engine = _audit_one(_pages(how), "127.0.0.71", "JS00000001", tmp_path)
    cols = _columns(engine)
    assert cols["通知公告"].rendered and cols["通知公告"].entries_count == 5, out[-3000:]
    assert cols["通知公告"].latest == ASOF - dt.timedelta(days=1)
    assert not cols["工作动态"].rendered and cols["工作动态"].entries_count == 5
    # only the script-built column is rendered: the home page has two navigation columns (too few for a
    # department) but runs no script at all, so no script can have written its menu
    assert "govaudit/pages_rendered': 1" in out
    assert ("govaudit/feeds_failed': 1" in out) == (how == "arrays")
    with engine.connect() as c:
        site = c.execute(select(m.RunSite)).one()
    assert not site.reach.get("rendered_nav")


def _menu_pages() -> dict[str, tuple[int, str, bytes]]:
    """A home page whose whole navigation is written by /js/menu.js from a JSON list (document.write)."""
    html = "text/html; charset=utf-8"
    menu = [("工作动态", "/gzdt/"), ("通知公告", "/tzgg/"), ("政策文件", "/zcwj/"), ("政策解读", "/zcjd/"),
            ("人事信息", "/rsxx/"), ("领导信箱", "/ldxx/"), ("办事指南", "/bszn/")]
    script = ("var MENU=" + json.dumps([{"n": n, "u": u} for n, u in menu], ensure_ascii=False) + ";"
              "document.write('<div class=\"nav\"><ul>');"
              "for(var i=0;i<MENU.length;i++){document.write('<li><a href=\"'+MENU[i].u+'\">'+MENU[i].n+'</a></li>');}"
              "document.write('</ul></div>');")
    home = ("<html><head><title>示范市测试局</title></head><body><div class='head'>示范市测试局</div>"
            "<script src='/js/menu.js'></script><div class='footer'>主办单位：示范市测试局</div></body></html>")
    pages = {"/": (200, html, home.encode()), "/js/menu.js": (200, "application/javascript", script.encode())}
    day = ASOF - dt.timedelta(days=2)
    for name, url in menu:
        body = f"<html><body><h2>{name}</h2><ul class='list'>" + "".join(
            f"<li><a href='{url}{i}.html'>{name}第{i}号信息公告</a><span>{day}</span></li>" for i in range(3)
        ) + "</ul></body></html>"
        pages[url] = (200, html, body.encode())
    return pages


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
def test_script_written_menu_is_read_from_the_rendered_home(tmp_path: Path) -> None:
    out, engine = _audit_one(_menu_pages(), "127.0.0.73", "JS00000002", tmp_path)
    with engine.connect() as c:
        cols = {r.name: r for r in c.execute(select(m.Column)).all() if r.source == "nav"}
        site_row = c.execute(select(m.RunSite)).one()
    assert site_row.reach.get("rendered_nav") is True
    assert {"工作动态", "通知公告", "政策文件", "领导信箱", "办事指南"} <= set(cols), sorted(cols)
    assert cols["通知公告"].entries_count == 3 and not cols["通知公告"].rendered  # columns themselves fetched raw
    assert "govaudit/pages_rendered': 1" in out


_PAGED_SCRIPT = (
    "(function(){var m=/[?&]page=(\\d+)/.exec(location.search);var page=m?parseInt(m[1],10):1;"
    "var ch=document.getElementById('list').getAttribute('data-channel');"
    "function ask(method,url,body,done){var x=new XMLHttpRequest();x.open(method,url,true);"
    "if(body){x.setRequestHeader('Content-Type','application/x-www-form-urlencoded');}"
    "x.onload=function(){done(JSON.parse(x.responseText));};x.send(body);}"
    "function show(d){var ul=document.getElementById('list');d.rows.forEach(function(x){var li=document.createElement('li');"
    "li.innerHTML='<a href=\"'+x.url+'\">'+x.title+'</a><span>'+x.date+'</span>';ul.appendChild(li);});"
    "document.getElementById('pager').innerHTML=page<d.pages?'<a href=\"?page='+(page+1)+'\">下一页</a>':'';}"
    "function hot(d){document.getElementById('hot').innerHTML=d.rows.map(function(x){"
    "return '<li><a href=\"'+x.url+'\">'+x.title+'</a><span>'+x.date+'</span></li>';}).join('');}"
    "ASK})();"
)
_PAGED_ASK = {
    "get": "ask('GET','/api/list?channel='+ch+'&pageNo='+page,null,show);",
    "post": "ask('POST','/api/list','channel='+ch+'&pageNo='+page,show);",
    # the list asked with its page in the path (not taken); a sidebar's own list asked with page=1 first
    "sidebar": "ask('GET','/api/hot.json?page=1',null,hot);ask('GET','/api/list/'+ch+'/'+page+'.json',null,show);",
}


def _paged_pages(how: str) -> dict[str, tuple[int, str, bytes]]:
    """A site whose 通知公告 (24 notices, 8 a page) is built by /js/list.js, which reads the channel from the page
    and the page number from the address bar; the pager links are ?page=N. `how`: see _PAGED_ASK."""
    html = "text/html; charset=utf-8"
    home = ("<html><head><title>示范市测试局</title></head><body><div class='nav'><ul>"
            "<li><a href='/tzgg/'>通知公告</a></li></ul></div>"
            "<div class='footer'>主办单位：示范市测试局</div></body></html>")
    column = ("<html><head><title>通知公告</title></head><body><div class='nav'><a href='/'>首页</a></div>"
              "<h2>通知公告</h2><ul id='list' data-channel='tzgg'></ul><div id='pager'></div>"
              "<div class='side'><h3>热点信息</h3><ul id='hot'></ul></div>"
              "<script src='/js/list.js'></script></body></html>")
    pages = {"/": (200, html, home.encode()), "/tzgg/": (200, html, column.encode()),
             "/js/list.js": (200, "application/javascript", _PAGED_SCRIPT.replace("ASK", _PAGED_ASK[how]).encode())}
    for n in range(1, 4):
        rows = [{"title": f"关于做好第{i}项重点工作的通知", "url": f"/tzgg/{i}.html", "date": str(ASOF - dt.timedelta(days=i))}
                for i in range(8 * n - 7, 8 * n + 1)]
        answer = json.dumps({"page": n, "pages": 3, "total": 24, "rows": rows}, ensure_ascii=False).encode()
        key = {"get": f"/api/list?channel=tzgg&pageNo={n}", "post": f"POST /api/list channel=tzgg&pageNo={n}",
               "sidebar": f"/api/list/tzgg/{n}.json"}[how]
        pages[key] = (200, "application/json", answer)
        pages[f"/tzgg/?page={n}"] = pages["/tzgg/"]
    hot = [{"title": f"热点专题第{i}期", "url": f"/rdzt/{i}.html", "date": str(ASOF - dt.timedelta(days=2 * i))}
           for i in range(1, 6)]
    pages["/api/hot.json?page=1"] = (200, "application/json", json.dumps({"rows": hot}, ensure_ascii=False).encode())
    for i in range(1, 25):
        pages[f"/tzgg/{i}.html"] = (200, html, "<html><body>通知</body></html>".encode())
    return pages


def _stat(out: str, name: str) -> int:
    found = re.search(rf"'govaudit/{name}': (\d+)", out)
    return int(found.group(1)) if found else 0


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("how", ["get", "post"])
def test_a_rendered_lists_later_pages_are_read_from_the_request_the_browser_made(tmp_path: Path, how: str) -> None:
    """Nothing in the page names the list's request, so its first page is rendered; the browser was seen asking
    for page 1 of it, that answer is the list it showed, and pages 2 and 3 are asked for directly."""
    out, engine = _audit_one(_paged_pages(how), "127.0.0.74", "JS00000004", tmp_path)
    col = _columns(engine)["通知公告"]
    assert (col.entries_count, col.pages_fetched, col.rendered) == (24, 3, True), out[-3000:]
    assert col.latest == ASOF - dt.timedelta(days=1) and not col.error
    expected = "/api/list?channel=tzgg&pageNo=1" if how == "get" else "POST "
    assert expected in col.feed_url, col.feed_url
    assert _stat(out, "pages_rendered") == 1 and _stat(out, "lists_from_rendered_feeds") == 1
    with engine.connect() as c:
        urls = set(c.execute(select(m.Article.url).where(m.Article.column_url.like("%/tzgg/"))).scalars())
    assert {u.split("/", 3)[3] for u in urls} == {f"tzgg/{i}.html" for i in range(1, 25)}


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
def test_a_request_that_answers_another_list_is_checked_and_the_pages_are_rendered(tmp_path: Path) -> None:
    """The only request seen with a page number is a sidebar's: its answer is not the list the page showed, so
    it is not followed, and the list's later pages are rendered as a visitor would see them, in the tab the
    first render used."""
    out, engine = _audit_one(_paged_pages("sidebar"), "127.0.0.75", "JS00000005", tmp_path)
    col = _columns(engine)["通知公告"]
    assert (col.entries_count, col.pages_fetched, col.rendered, col.feed_url) == (24, 3, True, ""), out[-3000:]
    assert _stat(out, "pages_rendered") == 3 and _stat(out, "rendered_feeds_rejected") == 1
    opened = int(re.search(r"'playwright/page_count': (\d+)", out).group(1))  # type: ignore[union-attr]
    assert opened == 1  # the three renders share one tab (govaudit.crawl.tabs)
    with engine.connect() as c:
        urls = set(c.execute(select(m.Article.url).where(m.Article.column_url.like("%/tzgg/"))).scalars())
    assert not any("/rdzt/" in u for u in urls) and len(urls) == 24
