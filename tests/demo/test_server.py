"""The demo server over real HTTP (urllib): distinct loopback hosts, bytes as built, HEAD, 404, the
refusing and the blocked site, external links kept on loopback, the registry file, the CLI."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from govaudit.demo.province import Province
from govaudit.demo.server import DemoServer, PortTaken
from govaudit.registry import load_registry
from tests.demo.conftest import ASOF

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, method=method)
    try:
        with NO_PROXY.open(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def rewritten(body: bytes, server: DemoServer, urls: dict[str, str]) -> bytes:
    body = body.replace(b"http://demo-ext.invalid/national/", server.national_url.encode())
    for sid, url in urls.items():
        body = body.replace(f"http://demo-ext.invalid/{sid}/".encode(), url.encode())
    return body


def test_each_site_on_its_own_loopback_address(province: Province, served) -> None:
    server, urls = served
    assert set(urls) == {s.site_id for s in province.sites}
    hosts = {urlsplit(u).hostname for u in urls.values()} | {urlsplit(server.national_url).hostname}
    assert len(hosts) == len(province.sites) + 1
    assert all(h.startswith("127.0.0.") and h != "127.0.0.1" for h in hosts)
    assert len({urlsplit(u).port for u in urls.values()}) == 1  # one port, reused on every address
    for site in province.sites:
        if not site.served:
            continue
        status, _headers, body = fetch(urls[site.site_id])
        expected_status = 403 if site.behaviour == "blocked" else 200
        assert status == expected_status, site.site_id
        if status == 200:
            assert body == rewritten(site.pages["/index.html"].body, server, urls)


def test_gbk_bytes_served_as_is(province: Province, served) -> None:
    server, urls = served
    site = next(s for s in province.sites if s.encoding == "gbk")
    col = next(c for c in site.columns if c.spec.kind == "list")
    status, headers, body = fetch(urls[site.site_id] + col.path.lstrip("/"))
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert body == rewritten(site.response(col.path).body, server, urls)  # type: ignore[union-attr]
    text = body.decode("gbk")
    assert col.name in text and col.entries[0].title in text


def test_head_404_and_query_pages(province: Province, served) -> None:
    _server, urls = served
    base = urls["2300000001"]
    status, headers, body = fetch(base, "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    status, _, body = fetch(base + "no/such/page.html")
    assert status == 404 and "页面不存在".encode() in body
    portal9 = province.site("2301000009")
    broken = portal9.column("专题专栏")
    assert fetch(urls["2301000009"] + broken.path.lstrip("/"))[0] == 404
    # Hanweb next group and the JSON endpoint of a JS-built list answer on their query URLs
    hanweb = province.site("2300000002")
    proxy = next(p for p in hanweb.pages if "dataproxy.jsp?" in p)
    status, headers, body = fetch(urls["2300000002"] + proxy.lstrip("/"))
    assert status == 200 and b"<recordset>" in body and headers["Content-Type"].startswith("text/xml")
    # like a servlet: parameters in any order, repeated (first wins), or POSTed as a form
    bare, _, query = proxy.partition("?")
    params = dict(kv.split("=") for kv in query.split("&"))
    shuffled = "&".join(f"{k}={v}" for k, v in reversed(params.items())) + "&startrecord=999"
    assert fetch(urls["2300000002"] + bare.lstrip("/") + "?" + shuffled)[2] == body
    form = urllib.request.Request(urls["2300000002"] + bare.lstrip("/") + "?webid=2", method="POST",
                                  data=f"columnid={params['columnid']}&startrecord={params['startrecord']}".encode(),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    with NO_PROXY.open(form, timeout=5) as r:
        assert r.status == 200 and r.read() == body
    wrong = "&".join(f"{k}={v if k != 'startrecord' else 999}" for k, v in params.items())
    assert fetch(urls["2300000002"] + bare.lstrip("/") + "?" + wrong)[0] == 404
    js = province.site("2300000010")
    col = js.column("工作动态")
    raw = fetch(urls["2300000010"] + col.path.lstrip("/"))[2].decode()
    assert '<ul id="list" class="list"></ul>' in raw and col.entries[0].title not in raw
    api = re.search(r"'(/api/list\?channel=[^']+)'", raw).group(1)  # type: ignore[union-attr]
    doc = json.loads(fetch(urls["2300000010"] + api.lstrip("/") + "1")[2])
    assert doc["list"][0]["title"] == col.entries[0].title and doc["pages"] >= 2


def test_refusing_and_blocked_sites(province: Province, served) -> None:
    _server, urls = served
    refusing = next(s for s in province.sites if s.behaviour == "refuse")
    with pytest.raises(urllib.error.URLError) as err:
        fetch(urls[refusing.site_id])
    assert isinstance(err.value.reason, ConnectionRefusedError)
    blocked = next(s for s in province.sites if s.behaviour == "blocked")
    for path in ("", "gzdt/", "anything.html"):
        status, headers, body = fetch(urls[blocked.site_id] + path)
        assert status == 403 and headers["Server"] == "WAF/2.0"
        assert "防火墙".encode() in body and "location.reload" in body.decode()


def test_external_links_point_at_the_loopback_stand_in(province: Province, served) -> None:
    server, urls = served
    _status, _, home = fetch(urls["2300000001"])
    text = home.decode()
    assert "demo-ext.invalid" not in text
    ext = set(re.findall(r'(?:href|src)="(http://[^"]+)"', text))
    assert ext, "the home page links to 中国政府网 / 找错 / conac / beian"
    for url in ext:
        url = url.replace("&amp;", "&")
        assert urlsplit(url).hostname.startswith("127.0.0."), url  # type: ignore[union-attr]
        assert fetch(url)[0] == 200, url
    assert f"{server.national_url}exposure/jiucuo.html?site_code=2300000001" in text.replace("&amp;", "&")


def test_registry_file(province: Province, served, tmp_path: Path) -> None:
    server, urls = served
    path = server.write_registry(tmp_path / "registry.csv")
    reg = load_registry(path)
    assert not reg.errors
    assert [s.site_id for s in reg.sites] == [s.site_id for s in province.sites]
    by_id = reg.by_id()
    for site in province.sites:
        got = by_id[site.site_id]
        assert got.url == urls[site.site_id] and got.status == site.status and got.name == site.name
        assert got.has_services == site.spec.has_services
    assert reg.totals()["running"] == sum(s.status == "running" for s in province.sites)


def test_stop_releases_the_addresses(province: Province) -> None:
    server = DemoServer(province)
    urls = server.start()
    url = urls["2300000001"]
    assert fetch(url)[0] == 200
    server.stop()
    parts = urlsplit(url)
    with socket.socket() as s:
        assert s.connect_ex((parts.hostname, parts.port)) != 0
    server.stop()  # idempotent
    # a fixed port is honoured on every address, so a restarted server has the same URLs
    port = parts.port
    again = DemoServer(province, port=port)
    try:
        assert {urlsplit(u).port for u in again.start().values()} == {port}
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=5)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        again.stop()


def test_stop_closes_kept_alive_connections(province: Province) -> None:
    server = DemoServer(province)
    url = urlsplit(server.start()["2300000001"])
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    try:
        conn.request("GET", "/")
        first = conn.getresponse()
        assert first.status == 200 and first.getheader("Connection") != "close"
        first.read()
        server.stop()
        with pytest.raises((OSError, http.client.HTTPException)):
            conn.request("GET", "/")
            conn.getresponse()
    finally:
        conn.close()
        server.stop()


def test_taken_fixed_port_fails_and_releases_what_it_bound(province: Province) -> None:
    last = next(s for s in reversed(province.sites) if s.served)
    with socket.socket() as squatter:
        squatter.bind((last.address, 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        server = DemoServer(province, port=port)
        with pytest.raises(PortTaken, match=f"port {port} is taken on {last.address}"):
            server.start()
    with socket.socket() as s:
        s.bind((province.national.address, port))  # the addresses bound before the failure were released


def test_many_sites_one_accept_thread(big_province: Province) -> None:
    before = threading.active_count()
    server = DemoServer(big_province)
    try:
        urls = server.start()
        assert threading.active_count() == before + 1  # not one thread per site
        sites = [s for s in big_province.sites if s.served and s.behaviour == "ok"]
        for site in (sites[0], sites[-1]):  # the last one is in the second 127.0.x block
            status, _, body = fetch(urls[site.site_id])
            assert status == 200 and f"网站标识码：{site.site_id}".encode() in body
        assert urlsplit(urls[sites[-1].site_id]).hostname.startswith("127.0.1.")  # type: ignore[union-attr]
    finally:
        server.stop()


def _serve_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "govaudit.demo", "serve", "--asof", ASOF.isoformat(), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def test_cli_serve_until_sigterm(tmp_path: Path) -> None:
    registry = tmp_path / "reg.csv"
    with socket.socket() as s:  # the default port is the GOVAUDIT_DEMO_PORT setting
        s.bind(("127.0.0.2", 0))
        port = s.getsockname()[1]
    proc = _serve_cli("--registry", str(registry), env={"GOVAUDIT_DEMO_PORT": str(port)})
    try:
        lines = []
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("registry written"):
                break
        reg = load_registry(registry)
        portal = reg.by_id()["2300000001"]
        assert urlsplit(portal.url).port == port
        assert fetch(portal.url)[0] == 200
        # a second server on the same port: one clear line, exit status 1
        second = _serve_cli("--port", str(port))
        out, err = second.communicate(timeout=60)
        assert second.returncode == 1 and out == ""
        assert err.count("\n") == 1 and f"port {port} is taken" in err and "--port" in err, err
    finally:
        proc.terminate()
        rc = proc.wait(timeout=10)
    assert rc == 0, proc.stderr.read()  # type: ignore[union-attr]
