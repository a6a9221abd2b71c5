"""A column whose list is built by JavaScript (XHR to JSON) is rendered in real headless Chromium
(Debian's /usr/bin/chromium through scrapy-playwright); the plain columns of the same site are not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from govaudit.store import models as m
from tests.e2e.conftest import run_scrapy
from tests.e2e.sites import LoopbackSite

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ASOF = dt.date(2026, 11, 20)


def _pages() -> dict[str, tuple[int, str, bytes]]:
    html = "text/html; charset=utf-8"
    days = [ASOF - dt.timedelta(days=d) for d in (1, 3, 8, 20, 40)]
    static_rows = "".join(f'<li><a href="/xwdt/{i}.html">工作动态{i}</a><span>{d}</span></li>'
                          for i, d in enumerate(days))
    home = ("<html><head><title>示范市测试局</title></head><body><div class='nav'><ul>"
            "<li><a href='/xwdt/'>工作动态</a></li><li><a href='/tzgg/'>通知公告</a></li></ul></div>"
            f"<ul class='list'>{static_rows}</ul><div class='footer'>主办单位：示范市测试局</div></body></html>")
    column_js = ("<html><head><title>通知公告</title></head><body><div class='nav'><a href='/'>首页</a></div>"
                 "<h2>通知公告</h2><ul id='list'></ul><div id='pager'></div><script>"
                 "fetch('/api/tzgg.json').then(r=>r.json()).then(d=>{const ul=document.getElementById('list');"
                 "d.rows.forEach(x=>{const li=document.createElement('li');"
                 "li.innerHTML='<a href=\"'+x.url+'\">'+x.title+'</a><span>'+x.date+'</span>';ul.appendChild(li);});});"
                 "</script></body></html>")
    rows = [{"title": f"关于开展第{i}批专项检查的通知", "url": f"/tzgg/{i}.html", "date": str(d)}
            for i, d in enumerate(days)]
    static_col = (f"<html><body><h2>工作动态</h2><ul class='list'>{static_rows}</ul></body></html>")
    pages = {
        "/": (200, html, home.encode()),
        "/tzgg/": (200, html, column_js.encode()),
        "/api/tzgg.json": (200, "application/json", json.dumps({"rows": rows}).encode()),
        "/xwdt/": (200, html, static_col.encode()),
    }
    for i in range(5):
        pages[f"/xwdt/{i}.html"] = (200, html, "<html><body>文章</body></html>".encode())
        pages[f"/tzgg/{i}.html"] = (200, html, "<html><body>通知</body></html>".encode())
    return pages


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
def test_js_built_column_is_rendered(tmp_path: Path) -> None:
    with LoopbackSite(_pages(), host="127.0.0.71") as site:
        registry = tmp_path / "registry.csv"
        registry.write_text(f"site_id,name,url,region,status\nJS00000001,示范市测试局,{site.url},示范市,running\n",
                            encoding="utf-8")
        db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
        proc = run_scrapy(["crawl", "audit", "-s", "STATS_DUMP=True", "-a", f"registry={registry}", "-a", f"asof={ASOF}",
                           "-s", "GOVAUDIT_REPORT_ON_CLOSE=False"], db_url, tmp_path / "reports", timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    engine = create_engine(db_url)
    with engine.connect() as c:
        cols = {r.name: r for r in c.execute(select(m.Column)).all()}
    assert cols["通知公告"].rendered and cols["通知公告"].entries_count == 5, out[-3000:]
    assert cols["通知公告"].latest == ASOF - dt.timedelta(days=1)
    assert not cols["工作动态"].rendered and cols["工作动态"].entries_count == 5
    # the home page (two navigation columns: too few for a department, its menu may be script-written) and the
    # script-built column are rendered; nothing else is
    assert "govaudit/pages_rendered': 2" in out
    with engine.connect() as c:
        site = c.execute(select(m.RunSite)).one()
    assert site.reach.get("rendered_nav") is True
