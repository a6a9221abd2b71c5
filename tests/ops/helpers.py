"""Helpers for the operations tests: run a govaudit scrapy command in-process, write registry exports
(CSV / XLSX with Chinese headers), and serve a tiny government site on loopback."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["网站标识码", "网站名称", "首页网址", "主办单位", "所属地区", "级别", "类型", "运行状态"]


def project_settings(db_url: str, **extra: Any) -> Settings:
    settings = Settings()
    settings.setmodule("govaudit.settings", priority="project")
    settings.set("GOVAUDIT_DATABASE_URL", db_url, priority="cmdline")
    for key, value in extra.items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_command(command_cls: type, argv: list[str], db_url: str, capsys: pytest.CaptureFixture[str],
                **settings: Any) -> tuple[int, str]:
    """Parse ``argv`` as scrapy.cmdline does and run the command; returns (exit status, stdout)."""
    cmd = command_cls()
    cmd.settings = project_settings(db_url, **settings)
    parser = argparse.ArgumentParser()
    cmd.add_options(parser)
    opts, args = parser.parse_known_args(argv)
    capsys.readouterr()
    cmd.run(args, opts)
    return cmd.exitcode, capsys.readouterr().out


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO()
    import csv

    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _site_pages(asof: dt.date) -> dict[str, bytes]:
    d1, d2, d3 = (asof - dt.timedelta(days=n) for n in (1, 3, 9))
    home = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试县人民政府</title></head><body>
<div class="header">测试县人民政府</div>
<div class="nav"><a href="/">首页</a> <a href="/tzgg/">通知公告</a> <a href="/zwdt/">政务动态</a></div>
<div class="news"><h3>政务动态</h3><ul>
<li><a href="/zwdt/a1.html">测试县召开全县政府网站工作会议</a><span>{d1}</span></li>
<li><a href="/zwdt/a2.html">测试县开展政务公开专项检查</a><span>{d2}</span></li>
</ul></div>
<div class="footer">主办单位：测试县人民政府办公室 网站标识码：9999000001</div></body></html>"""
    column = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head><body>
<div class="list"><ul>
<li><a href="/{slug}/a1.html">{name}第一条</a><span>{d1}</span></li>
<li><a href="/{slug}/a2.html">{name}第二条</a><span>{d2}</span></li>
<li><a href="/{slug}/a3.html">{name}第三条</a><span>{d3}</span></li>
</ul></div></body></html>"""
    article = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>文章</title></head><body>
<h1>文章</h1><p>发布时间：{d1}</p><p>正文。</p></body></html>"""
    pages = {"/": home.encode()}
    for slug, name in (("tzgg", "通知公告"), ("zwdt", "政务动态")):
        pages[f"/{slug}/"] = column.format(slug=slug, name=name, d1=d1, d2=d2, d3=d3).encode()
        for n in (1, 2, 3):
            pages[f"/{slug}/a{n}.html"] = article.format(d1=d1).encode()
    return pages


@contextlib.contextmanager
def tiny_site(host: str, asof: dt.date) -> Iterator[str]:
    """A county government site with a home page, two dated columns and their articles."""
    pages = _site_pages(asof)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, with_body: bool) -> None:
            body = pages.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b"<html><body>404</body></html>"
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


