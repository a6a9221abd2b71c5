"""The daily pass on both stores against a small county site that is not the demo's CMS: plain list pages
with no validators at all (unchanged pages are recognised by their listing), a content page, a pager.
A full audit first, then passes on later days while the site changes: a new entry on top (pushing the
last one to page 2), an entry inserted with a date three weeks old, an entry deleted from the middle of a
list, a column added to the navigation."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.store import models as m
from govaudit.store.db import get_engine
from tests.e2e.conftest import run_scrapy

D0 = dt.date(2026, 9, 1)


class County:
    """The site's content: columns of (title, date, slug) entries, newest first, rendered on request."""

    def __init__(self) -> None:
        self.columns: dict[str, tuple[str, list[tuple[str, dt.date, str]]]] = {
            "tzgg": ("通知公告", [(f"关于第{n}项工作的通知", D0 - dt.timedelta(days=5 * n), f"n{n}") for n in range(30)]),
            "gzdt": ("工作动态", [(f"县里召开第{n}次会议", D0 - dt.timedelta(days=2 * n), f"d{n}") for n in range(12)]),
        }
        self.extra_nav: list[tuple[str, str]] = []
        self.gone: set[str] = set()
        self.lock = threading.Lock()

    def page(self, path: str) -> bytes | None:
        with self.lock:
            return self._page(path)

    def _page(self, path: str) -> bytes | None:
        nav = "".join(f'<a href="/{slug}/">{name}</a> ' for slug, (name, _e) in self.columns.items())
        nav += '<a href="/jgzn/">机构职能</a> ' + "".join(f'<a href="/{s}/">{n}</a> ' for n, s in self.extra_nav)
        shell = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试县人民政府</title></head><body>'
                 f'<div class="nav"><a href="/">首页</a> {nav}</div>{{}}'
                 '<div class="footer">主办单位：测试县人民政府办公室 网站标识码：9999000009</div></body></html>')
        if path in ("/", "/index.html"):
            _name, entries = self.columns["gzdt"]
            rows = "".join(f'<li><a href="/gzdt/{s}.html">{t}</a><span>{d}</span></li>' for t, d, s in entries[:6])
            return shell.format(f'<div class="news"><h3>工作动态</h3><ul>{rows}</ul>'
                                '<a href="/gzdt/">更多</a></div>').encode()
        if path == "/jgzn/":
            return shell.format('<div class="article"><h1>机构职能</h1><p>' + "负责全县政务公开工作。" * 30
                                + "</p></div>").encode()
        match = re.fullmatch(r"/(\w+)/(index_1\.html)?", path)
        if match and match.group(1) in self.columns:
            name, entries = self.columns[match.group(1)]
            chunk = entries[15:30] if match.group(2) else entries[:15]
            rows = "".join(f'<li><a href="/{match.group(1)}/{s}.html">{t}</a><span>{d}</span></li>'
                           for t, d, s in chunk)
            pager = '<div class="page"><a href="index_1.html">下一页</a></div>' if not match.group(2) and \
                len(entries) > 15 else ""
            return shell.format(f'<div class="list"><h2>{name}</h2><ul>{rows or "<li>暂无信息</li>"}</ul>{pager}</div>'
                                ).encode()
        match = re.fullmatch(r"/(\w+)/(\w+)\.html", path)
        if match and match.group(1) in self.columns and path not in self.gone:
            for title, day, slug in self.columns[match.group(1)][1]:
                if slug == match.group(2):
                    return shell.format(f"<h1>{title}</h1><p>发布时间：{day}</p><p>正文内容。</p>").encode()
        return None


@contextlib.contextmanager
def serve(county: County) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body_wanted: bool) -> None:
            body = county.page(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b"<html><body>404</body></html>"
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body_wanted:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.7", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.7:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _crawl(args: list[str], db_url: str, tmp: Path) -> str:
    res = run_scrapy(["crawl", *args], db_url, tmp / "reports", timeout=600,
                     extra_env={"GOVAUDIT_RENDER_JS": "never"})
    assert res.returncode == 0, res.stdout + res.stderr[-4000:]
    return res.stdout


def test_daily_passes_over_a_changing_site(db_url: str, tmp_path: Path) -> None:
    county = County()
    with serve(county) as base:
        registry = tmp_path / "registry.csv"
        registry.write_text("site_id,name,url,region,status\n9999000009,测试县人民政府," + base + ",测试市,running\n",
                            "utf-8")
        reg = f"registry={registry}"
        _crawl(["audit", "-a", reg, "-a", f"asof={D0}"], db_url, tmp_path)
        # day 1: one news item on top; nothing else changed (no validators: every page comes back whole)
        d1 = D0 + dt.timedelta(days=1)
        with county.lock:
            county.columns["gzdt"][1].insert(0, ("县长调研春耕生产", d1, "d100"))
        out = _crawl(["monitor", "-a", reg, "-a", f"asof={d1}"], db_url, tmp_path)
        engine = get_engine(db_url)
        with Session(engine) as s:
            cols = {c.url.removeprefix(base): c for c in s.scalars(select(m.MonitorColumn))}
            day1 = s.get(m.MonitorSiteDay, (d1, "9999000009"))
        assert cols[""].role == "home" and cols["tzgg/"].role == "list" and cols["gzdt/"].role == "list"
        assert cols["jgzn/"].role == "page"  # a content page: read at re-discovery, not daily
        assert day1 is not None and day1.requests == 3 and day1.columns_checked == 2
        assert (day1.new_entries, day1.columns_changed, day1.removed_entries, day1.flags) == (1, 1, 0, 0)
        assert "requests 3 (0 not modified)" in out
        # day 2: a notice dated three weeks back appears in the middle of the list, one is deleted from it,
        # a new news item pushes another down, and the navigation gains a column
        d2 = D0 + dt.timedelta(days=2)
        with county.lock:
            notices = county.columns["tzgg"][1]
            notices.insert(4, ("关于补报统计数据的通知", d2 - dt.timedelta(days=21), "late1"))
            deleted = notices.pop(8)
            county.gone.add(f"/tzgg/{deleted[2]}.html")
            county.columns["gzdt"][1].insert(0, ("县政府常务会议召开", d2, "d101"))
            county.columns["zcjd"] = ("政策解读", [("《实施方案》解读", d2, "j1")])
        _crawl(["monitor", "-a", reg, "-a", f"asof={d2}"], db_url, tmp_path)
        with Session(engine) as s:
            flags = list(s.scalars(select(m.DateFlag)))
            gone = list(s.scalars(select(m.LedgerEntry).where(m.LedgerEntry.gone.is_not(None))))
            new = list(s.scalars(select(m.LedgerEntry).where(m.LedgerEntry.first_seen == d2)))
            zcjd = s.scalars(select(m.MonitorColumn).where(m.MonitorColumn.url == base + "zcjd/")).first()
            site = s.get(m.MonitorSite, "9999000009")
            alerts = list(s.scalars(select(m.MonitorAlert)))
    assert [(f.kind, f.url.removeprefix(base)) for f in flags] == [("backdated", "tzgg/late1.html")]
    assert flags[0].evidence["previous_read"] == d1.isoformat()
    assert [(e.url.removeprefix(base), e.column_url.removeprefix(base), e.gone_how) for e in gone] == [
        (f"tzgg/{deleted[2]}.html", "tzgg/", "page-gone")]
    assert zcjd is not None and zcjd.source == "nav" and zcjd.first_day == d2 and zcjd.role == "list"
    assert site is not None and site.rediscovered == d2  # the navigation changed
    # what a new column lists at first sight is its baseline (known from today), not entries seen appearing
    assert {e.url.removeprefix(base) for e in new if not e.seeded} == {"tzgg/late1.html", "gzdt/d101.html"}
    assert {e.url.removeprefix(base) for e in new if e.seeded} == {"zcjd/j1.html"}
    assert [a.condition for a in alerts] == ["forged_date"]
