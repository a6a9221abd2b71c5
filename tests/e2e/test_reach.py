"""A site whose pages a visitor reaches but a naive crawler does not: https with a self-signed, expired,
wrong-host certificate; a home page that moves twice (meta refresh, then a script redirect) to /portal/; a
column whose list lives in an iframe; a notices column paged by ASP.NET __doPostBack; a letters column whose
unanswered old letter is on page 2; more columns than the column cap, the rubric's ones listed last."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, select

from govaudit.store import models as m
from tests.e2e.conftest import run_scrapy
from tests.e2e.sites import LoopbackSite

pytestmark = [pytest.mark.slow]
ASOF = dt.date(2026, 11, 20)
HTML = "text/html; charset=utf-8"


def self_signed(tmp: Path, *, host: str, expired: bool) -> tuple[str, str]:
    """A self-signed certificate for `host` (a DNS name), expired or not; (certfile, keyfile)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    start, end = (now - dt.timedelta(days=400), now - dt.timedelta(days=30)) if expired else \
        (now - dt.timedelta(days=1), now + dt.timedelta(days=300))
    san = [x509.DNSName(host)] if not host[0].isdigit() else [x509.IPAddress(ipaddress.ip_address(host))]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = tmp / f"{host}.crt", tmp / f"{host}.key"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return str(certfile), str(keyfile)


def _page(title: str, body: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div class='nav'><a href='/portal/'>首页</a></div>{body}"
            "<div class='footer'>主办单位：示范市测试局</div></body></html>").encode()


def _rows(prefix: str, days: list[int]) -> str:
    return "".join(f"<li><a href='/portal/{prefix}/{d}.html'>关于{prefix}第{d}号工作的通知</a>"
                   f"<span>{ASOF - dt.timedelta(days=d)}</span></li>" for d in days)


def _letters(rows: list[tuple[int, int | None]]) -> str:
    out = []
    for i, (asked, answered) in enumerate(rows):
        rep = str(ASOF - dt.timedelta(days=answered)) if answered is not None else ""
        out.append(f"<tr><td class='title'><a href='/portal/ldxx/{asked}_{i}.html'>关于小区供暖问题的咨询{asked}</a></td>"
                   f"<td>{ASOF - dt.timedelta(days=asked)}</td><td>{rep}</td>"
                   f"<td>{'已答复' if answered is not None else '办理中'}</td></tr>")
    return ("<table class='letter-list' width='100%'><thead><tr><th>标题</th><th>留言时间</th><th>答复时间</th>"
            f"<th>状态</th></tr></thead><tbody>{''.join(out)}</tbody></table>")


def platform_pages(site_code: str, organizer: str) -> dict[str, tuple[int, str, bytes]]:
    """Another host's list page: a 信息公开 platform page carrying the site's identity (or someone else's)."""
    body = (f"<html><head><meta charset='utf-8'><title>政府信息公开</title></head><body><h2>政府信息公开目录</h2>"
            f"<ul class='list'>{_rows('xxgk', [2, 6, 30])}</ul>"
            f"<div class='footer'>主办单位：{organizer} 网站标识码：{site_code}</div></body></html>")
    return {"/xxgk/": (200, HTML, body.encode())}


def reach_pages(others: int, offsite: tuple[str, ...] = ()) -> dict[str, tuple[int, str, bytes]]:
    nav_other = "".join(f"<li><a href='/portal/zt{i}/'>主题活动{i}</a></li>" for i in range(others))
    nav_other += "".join(f"<li><a href='{u}xxgk/'>{n}</a></li>" for n, u in zip(("政府信息公开", "信息公开目录"), offsite,
                                                                               strict=False))
    nav = ("<div class='nav'><ul>" + nav_other + "<li><a href='/portal/gzdt/'>工作动态</a></li>"
           "<li><a href='/portal/tzgg/'>通知公告</a></li><li><a href='/portal/ldxx/'>领导信箱</a></li></ul></div>")
    home = _page("示范市测试局", nav + f"<ul class='list'>{_rows('gzdt', [1, 2, 5])}</ul>")
    postback_form = ("<form name='aspnetForm' method='post' action='./' id='aspnetForm'>"
                     "<input type='hidden' name='__VIEWSTATE' id='__VIEWSTATE' value='dDwtMTA4NzM3MzU1Mjs7Pg==' />"
                     "<input type='hidden' name='__EVENTVALIDATION' value='ZXZ2YWw=' />{rows}"
                     "<div class='pager'><a href=\"javascript:__doPostBack('ctl00$pager','{arg}')\">下一页</a></div>"
                     "</form>")
    pages = {
        "/": (200, HTML, (b"<html><head><meta http-equiv='refresh' content='0; url=/index.html'></head><body></body>"
                         b"</html>")),
        "/index.html": (200, HTML, (b"<html><head><script>window.location.href='/portal/';</script></head>"
                                   b"<body>\xe6\xad\xa3\xe5\x9c\xa8\xe8\xb7\xb3\xe8\xbd\xac</body></html>")),
        "/portal/": (200, HTML, home),
        "/portal/gzdt/": (200, HTML, _page("工作动态", "<h2>工作动态</h2><iframe src='/portal/gzdt/list.html' "
                                                   "width='100%' height='800' frameborder='0'></iframe>")),
        "/portal/gzdt/list.html": (200, HTML, _page("工作动态", f"<ul class='list'>{_rows('gzdt', [1, 2, 5, 9])}</ul>")),
        "/portal/tzgg/": (200, HTML, _page("通知公告", postback_form.format(
            rows=f"<ul class='list'>{_rows('tzgg', [3, 10, 20])}</ul>", arg="2"))),
        "POST /portal/tzgg/ 2": (200, HTML, _page("通知公告", postback_form.format(
            rows=f"<ul class='list'>{_rows('tzgg', [300, 380, 400])}</ul>", arg="3"))),
        "/portal/ldxx/": (200, HTML, _page("领导信箱", _letters([(5, 3), (10, 8), (20, 15)])
                                        + "<div class='pager'><a href='/portal/ldxx/?page=2'>下一页</a></div>")),
        "/portal/ldxx/?page=2": (200, HTML, _page("领导信箱", _letters([(40, 30), (150, None), (200, 190)]))),
    }
    for i in range(others):
        pages[f"/portal/zt{i}/"] = (200, HTML, _page(f"主题活动{i}", f"<ul class='list'>{_rows(f'zt{i}', [4, 30])}</ul>"))
    return pages


def test_site_reached_as_a_visitor_reaches_it(tmp_path: Path) -> None:
    cert = self_signed(tmp_path, host="www.other-site.gov.cn", expired=True)
    with LoopbackSite(platform_pages("RE00000001", "示范市测试局"), host="127.0.0.74") as xxgk, \
            LoopbackSite(platform_pages("9999999999", "别的市某某局"), host="127.0.0.75") as stranger, \
            LoopbackSite(reach_pages(others=6, offsite=(xxgk.url, stranger.url)), host="127.0.0.72", tls=cert) as site:
        registry = tmp_path / "registry.csv"
        registry.write_text(f"site_id,name,url,region,status\nRE00000001,示范市测试局,{site.url},示范市,running\n",
                            encoding="utf-8")
        db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
        proc = run_scrapy(["crawl", "audit", "-a", f"registry={registry}", "-a", f"asof={ASOF}",
                           "-a", "rubric=inspection-2019", "-a", "render=never",
                           "-s", "GOVAUDIT_MAX_COLUMNS_PER_SITE=2", "-s", "GOVAUDIT_REPORT_ON_CLOSE=False",
                           # the platform hosts are loopback addresses the registry does not name: allowed as
                           # the tests' loopback sites are; scope decides the rest exactly as for public hosts
                           "-s", "GOVAUDIT_ALLOW_PRIVATE_HOSTS=True"],
                          db_url, tmp_path / "reports", timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    engine = create_engine(db_url)
    with engine.connect() as c:
        site_row = c.execute(select(m.RunSite)).one()
        cols = {r.name: r for r in c.execute(select(m.Column)).all()}
        letters = c.execute(select(m.Letter)).all()
        findings = c.execute(select(m.Finding)).all()
    # TLS: audited anyway, the certificate's problems recorded and reported
    assert site_row.crawl_state == "ok", site_row.error
    for problem in ("自签名证书", "证书已过期", "证书与域名不符"):
        assert problem in site_row.tls_problem
    assert any(f.indicator == "C19-R2" and "证书已过期" in f.message for f in findings)
    # the home page moved twice, and the hops are evidence
    assert site_row.final_url == site.url + "portal/"
    assert [h["how"] for h in site_row.reach["hops"]] == ["meta-refresh", "script"]
    # the iframe's list is the column's list
    assert cols["工作动态"].entries_count == 4 and cols["工作动态"].latest == ASOF - dt.timedelta(days=1)
    # the postback pager was followed to page 2 (covering the year)
    assert cols["通知公告"].pages_fetched == 2 and cols["通知公告"].entries_count == 6
    # letters on page 2 were read: the unanswered one from 150 days ago is there
    assert any(lt.replied is None and lt.submitted == ASOF - dt.timedelta(days=150) for lt in letters)
    assert any(f.indicator == "C19-V5b" for f in findings), [f.indicator for f in findings]
    # the column cap kept the rubric's columns (listed last) and recorded what it left out
    assert {"工作动态", "通知公告", "领导信箱"} <= set(cols)
    assert len(site_row.reach["columns_left_out"]) == 4
    assert sum(1 for name in cols if name.startswith("主题活动")) == 2
    # the 信息公开 platform on another host carries the site's 网站标识码: admitted, and why; the stranger is not
    assert site_row.reach["hosts"] == {"127.0.0.74": "site-code"}
    why = {d["host"]: d for d in site_row.reach["scope"]}
    assert why["127.0.0.74"]["evidence"].startswith(xxgk.url) and why["127.0.0.72"]["reason"] == "registry-url"
    assert "127.0.0.75" not in why
    assert cols["政府信息公开"].entries_count == 3 and cols["政府信息公开"].url.startswith(xxgk.url)
    assert "信息公开目录" not in cols
