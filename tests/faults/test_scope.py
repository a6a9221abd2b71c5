"""Site scope (issue 10.7, 12.4): which hosts a site's audit may reach and why; the ScopeGuard middleware
on requests, redirect targets and rendered navigations; addresses that are never requested."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from govaudit.crawl.addresses import address_kind, parse_ip
from govaudit.crawl.guard import OutOfScope, ScopeGuard
from govaudit.crawl.scope import (
    ORGANIZER,
    REGISTRY_HOSTS,
    REGISTRY_URL,
    REGISTRY_WWW,
    SiteScope,
    check_url,
    scope_book,
)
from govaudit.registry.model import Site

from .helpers import crawler_with_run

SITE = Site(site_id="A1", name="甲市人民政府", url="http://www.a.gov.cn/", hosts=["xxgk.a.gov.cn", "10.1.2.3:8080"])


def test_scope_admits_registry_hosts_with_reasons() -> None:
    scope = SiteScope.from_site(SITE)
    assert {a.host: a.reason for a in scope.admitted.values()} == {
        "www.a.gov.cn": REGISTRY_URL, "a.gov.cn": REGISTRY_WWW, "xxgk.a.gov.cn": REGISTRY_HOSTS,
        "10.1.2.3": REGISTRY_HOSTS}
    assert scope.admits("http://WWW.A.GOV.CN./list/") and scope.admits("https://xxgk.a.gov.cn:8443/x")
    assert not scope.admits("http://evil.a.gov.cn.example/") and not scope.admits("http://b.gov.cn/")
    assert not scope.admits("http://zwfw.a.gov.cn/")  # a sub-domain is not in scope by itself
    adm = scope.admit("zwfw.a.gov.cn", ORGANIZER, "http://zwfw.a.gov.cn/ 主办单位：甲市人民政府办公室")
    assert scope.why("http://zwfw.a.gov.cn/bs/") == adm and adm.words == "由导航到达，页面主办单位相同"
    assert scope.admit("zwfw.a.gov.cn", REGISTRY_URL).reason == ORGANIZER  # the first reason is kept
    # the registry names 10.1.2.3:8080 and www.a.gov.cn:80 -- only these private destinations are allowed
    assert scope.names("10.1.2.3", 8080) and not scope.names("10.1.2.3", 6379) and scope.names("www.a.gov.cn", 80)
    idn = SiteScope.from_site(Site(site_id="B", name="乙", url="http://北京市人民政府.政务/"))
    puny = "北京市人民政府.政务".encode("idna").decode()
    assert puny.startswith("xn--") and idn.admits(f"http://{puny}/") and idn.admits(f"http://www.{puny}/")


@pytest.mark.parametrize("url,code", [
    ("file://www.a.gov.cn/etc/passwd", "scheme"), ("ftp://www.a.gov.cn/x", "scheme"),
    ("data:text/html,hi", "scheme"), ("javascript:alert(1)", "scheme"), ("http://intranet.example/", "offsite"),
])
def test_check_url_refuses(url: str, code: str) -> None:
    verdict = check_url(SiteScope.from_site(SITE), url)
    assert not verdict.ok and verdict.code == code
    assert check_url(SiteScope.from_site(SITE), "http://other.gov.cn/", offsite_ok=True).ok


@pytest.mark.parametrize("host,kind", [
    ("127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("192.168.1.1", "private"), ("172.16.0.1", "private"),
    ("169.254.169.254", "metadata"), ("100.100.100.200", "metadata"), ("169.254.1.1", "link-local"),
    ("[::1]", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("fd00::1", "private"), ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "reserved"), ("202.96.0.1", None), ("2400:3200::1", None),
])
def test_address_kinds(host: str, kind: str | None) -> None:
    ip = parse_ip(host)
    assert ip is not None and address_kind(ip) == kind


def _guard(sites: list[Site], resolve: dict[str, str] | None = None, **settings: Any) -> ScopeGuard:
    crawler = crawler_with_run(sites, **settings)
    guard = ScopeGuard.from_crawler(crawler)
    table = {"www.a.gov.cn": "202.96.0.10", "a.gov.cn": "202.96.0.10", "xxgk.a.gov.cn": "202.96.0.11",
             "other.gov.cn": "202.96.0.12", **(resolve or {})}

    async def fake_resolve(host: str) -> str:
        return table[host]

    guard.resolve = fake_resolve
    return guard


def _req(url: str, **meta: Any) -> Request:
    return Request(url, meta={"site_id": "A1", **meta})


def _blocked(guard: ScopeGuard, request: Request) -> OutOfScope:
    with pytest.raises(OutOfScope) as info:
        asyncio.run(guard.process_request(request))
    assert request.meta["scope_blocked"]["code"] == info.value.code
    return info.value


def test_guard_requests() -> None:
    guard = _guard([SITE], resolve={"sneaky.a.gov.cn": "127.0.0.1", "intranet.a.gov.cn": "10.9.9.9"})
    assert asyncio.run(guard.process_request(_req("http://www.a.gov.cn/xxgk/"))) is None
    assert asyncio.run(guard.process_request(_req("http://10.1.2.3:8080/gk/"))) is None  # the registry names it
    assert _blocked(guard, _req("file://www.a.gov.cn/etc/passwd")).code == "scheme"
    assert _blocked(guard, _req("http://other.gov.cn/")).code == "offsite"
    assert _blocked(guard, _req("http://10.1.2.3:6379/")).code == "private-address"  # not the named port
    # a link check may leave the site, but never for a private destination (literal or resolved)
    assert asyncio.run(guard.process_request(_req("http://other.gov.cn/", scope="link"))) is None
    err = _blocked(guard, _req("http://169.254.169.254/latest/meta-data/", scope="link"))
    assert err.code == "private-address" and "云主机元数据地址" in err.message
    # a name of the site resolving to loopback (DNS pointing inside) is refused too, once admitted
    book = scope_book(guard.crawler)
    book.admit("A1", "sneaky.a.gov.cn", ORGANIZER)
    assert "本机回环地址" in _blocked(guard, _req("http://sneaky.a.gov.cn/")).message
    # an admission travelling with the request (another worker admitted it)
    r = _req("http://intranet.a.gov.cn/", scope_admit=[["intranet.a.gov.cn", "site-code", "http://x/"]])
    assert _blocked(guard, r).code == "private-address"
    assert book.scope("A1").why("intranet.a.gov.cn").reason == "site-code"
    stats = guard.crawler.stats.get_stats()
    assert stats["govaudit/scope/blocked"] == 6 and stats["govaudit/scope/blocked/private-address"] == 4


def test_audit_spider_link_checks_are_status_only() -> None:
    guard = _guard([SITE])
    head = _req("http://other.gov.cn/a.pdf", fn="check_link", page_url="http://www.a.gov.cn/")
    assert asyncio.run(guard.process_request(head)) is None
    article = _req("http://other.gov.cn/art/1.html", fn="check_link", article=True)
    assert _blocked(guard, article).code == "offsite"  # an article sample is content
    assert _blocked(guard, _req("http://other.gov.cn/", fn="check_link", scope="site")).code == "offsite"


def test_guard_allow_private_setting_and_unknown_sites() -> None:
    guard = _guard([SITE], GOVAUDIT_ALLOW_PRIVATE_HOSTS=True)
    assert asyncio.run(guard.process_request(_req("http://127.0.0.1:9/", scope="link"))) is None
    assert _blocked(guard, _req("http://127.0.0.1:9/")).code == "offsite"  # scope still applies
    strict = _guard([SITE])
    # a request naming no site of the run: no scope to check, but the address rule holds
    assert _blocked(strict, Request("http://127.0.0.1:9/")).code == "private-address"


def _response(request: Request, status: int, location: str | None = None, url: str | None = None) -> Response:
    headers = {"Location": location} if location else {}
    return HtmlResponse(url or request.url, status=status, headers=headers, body=b"<html></html>", request=request)


def test_guard_redirect_targets_and_rendered_navigation() -> None:
    guard = _guard([SITE])
    req = _req("http://www.a.gov.cn/")
    ok = _response(req, 302, "/index.shtml")
    assert guard.process_response(req, ok) is ok
    assert guard.process_response(req, _response(req, 301, "http://a.gov.cn/")).status == 301
    for location, code in [("http://evil.example/", "redirect-offsite"), ("file:///etc/passwd", "redirect-scheme"),
                           ("//evil.example/x", "redirect-offsite"), ("http://127.0.0.1:6379/", "redirect-offsite")]:
        with pytest.raises(OutOfScope) as info:
            guard.process_response(req, _response(req, 302, location))
        assert info.value.code == code, location
    link = _req("http://other.gov.cn/", scope="link")
    assert guard.process_response(link, _response(link, 302, "http://third.gov.cn/")).status == 302
    with pytest.raises(OutOfScope, match="链路本地地址"):
        guard.process_response(link, _response(link, 302, "http://169.254.1.1/"))
    # a rendered page whose script moved it to another host
    render = _req("http://www.a.gov.cn/col/", playwright=True)
    with pytest.raises(OutOfScope) as info:
        guard.process_response(render, _response(render, 200, url="http://intranet.example/titles"))
    assert info.value.code == "rendered-offsite"


def test_guard_without_run_enforces_only_the_scheme() -> None:
    from scrapy.utils.test import get_crawler

    guard = ScopeGuard.from_crawler(get_crawler())
    assert asyncio.run(guard.process_request(Request("http://127.0.0.1:9/", meta={"site_id": "x"}))) is None
    with pytest.raises(OutOfScope):
        asyncio.run(guard.process_request(Request("file:///etc/passwd", meta={"site_id": "x"})))
