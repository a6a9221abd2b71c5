"""One notion of scope (issues 10.7-10.8, 12.4), in process: the audit spider decides "is this link the site's"
with the site's SiteScope; a host reached from the navigation joins that scope (with its reason) when its page
carries the site's 网站标识码, so the ScopeGuard admits its requests the same way as the registry's hosts; link
checks are status-only and take from the site's link budget (guide attachments too); what the guard refused
and what the site rate-limited are evidence rows on the site, reported as 提示."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy.http import HtmlResponse
from sqlalchemy import select
from twisted.python.failure import Failure

from govaudit.crawl.guard import OutOfScope, ScopeGuard
from govaudit.crawl.scope import SITE_CODE, scope_book
from govaudit.store import models as m
from govaudit.store.db import session_factory
from govaudit.store.writer import get_writer

from .conftest import Harness, site_row

ASOF = "2026-11-20"
SITE = "http://www.a.gov.cn/"
CODE = "2301000001"


def _page(body: str, footer: str = "") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>甲市</title></head><body>{body}"
            f"<div class='footer'>{footer}</div></body></html>").encode()


HOME = _page(
    "<div class='nav'><ul>"
    "<li><a href='/xwdt/'>新闻动态</a></li><li><a href='/tzgg/'>通知公告</a></li>"
    "<li><a href='/bszn/'>办事指南</a></li>"
    "<li><a href='http://xxgk.a.gov.cn/list/'>政府信息公开</a></li>"
    "<li><a href='http://xxgk.a.gov.cn/gkml/'>信息公开目录</a></li>"
    "<li><a href='http://www.stranger.gov.cn/zw/'>政务公开</a></li>"
    "</ul></div><ul class='list'><li><a href='/xwdt/1.html'>甲市召开会议</a><span>2026-11-18</span></li></ul>"
    "<a href='http://www.gov.cn/'>中国政府网</a>",
    f"主办单位：甲市人民政府办公室 网站标识码：{CODE}")


def _session(h: Harness) -> Any:
    return session_factory(h.crawler.settings.get("GOVAUDIT_DATABASE_URL"))()


def _guard(h: Harness) -> ScopeGuard:
    return ScopeGuard.from_crawler(h.crawler)


def _passes(guard: ScopeGuard, request: Any) -> bool:
    try:
        asyncio.run(guard.process_request(request))
    except OutOfScope:
        return False
    return True


@pytest.fixture
def site(harness: Any) -> Harness:
    return harness([site_row(CODE, SITE, organizer="甲市人民政府办公室")],
                   {"GOVAUDIT_ALLOW_PRIVATE_HOSTS": True, "GOVAUDIT_MAX_LINKS_PER_SITE": 3},
                   asof=ASOF, run="r-scope", render="never")


def _home(h: Harness) -> list[Any]:
    (home,) = asyncio.run(_start(h))
    assert home.meta["scope"] == "site"
    return h.respond(home, HOME)


async def _start(h: Harness) -> list[Any]:
    return [r async for r in h.spider.start()]


def test_identity_admission_joins_the_site_scope_the_guard_uses(site: Harness) -> None:
    h, guard = site, _guard(site)
    requests = _home(h)
    by_url = {r.url: r for r in requests if r.meta["fn"] == "parse_column"}
    # the site's own columns are content requests; the two other hosts are probed once each
    assert by_url["http://www.a.gov.cn/xwdt/"].meta["scope"] == "site"
    probe = by_url["http://xxgk.a.gov.cn/list/"]
    stranger = by_url["http://www.stranger.gov.cn/zw/"]
    assert probe.meta["scope"] == stranger.meta["scope"] == "probe"
    assert "http://xxgk.a.gov.cn/gkml/" not in by_url  # one probe per host; its other columns wait for it
    assert _passes(guard, probe) and _passes(guard, stranger)
    # a sub-domain is not the site's by itself: a content request there is refused until admitted
    book = scope_book(h.crawler)
    assert not book.scope(CODE).admits("http://xxgk.a.gov.cn/list/")
    # link checks are status-only, and the budget (3 here) holds
    links = [r for r in requests if r.meta["fn"] == "check_link"]
    assert len(links) == 3 and all(r.meta["scope"] in ("link", "site") for r in links)
    assert h.crawler.stats.get_value("govaudit/links_left_out", 0) > 0

    # the probe's page carries the site's 网站标识码: its host joins the site's scope, with the reason
    more = h.respond(probe, _page("<ul class='list'><li><a href='/list/2.html'>甲市政府信息公开年报</a>"
                                  "<span>2026-11-10</span></li></ul><a href='/list/index_1.html'>下一页</a>",
                                  f"网站标识码：{CODE}"))
    adm = book.scope(CODE).why("http://xxgk.a.gov.cn/list/")
    assert adm is not None and (adm.reason, adm.evidence) == (SITE_CODE, "http://xxgk.a.gov.cn/list/")
    follow = {r.url: r for r in more if r.meta["fn"] == "parse_column"}
    assert set(follow) == {"http://xxgk.a.gov.cn/gkml/", "http://xxgk.a.gov.cn/list/index_1.html"}
    for req in follow.values():  # the waiting column and the next list page: the site's now
        assert req.meta["scope"] == "site" and _passes(guard, req)
        assert req.meta["scope_admit"] == [["xxgk.a.gov.cn", SITE_CODE, "http://xxgk.a.gov.cn/list/"]]
    # the stranger's page names someone else: not admitted, and its host stays out
    h.respond(stranger, _page("<ul class='list'><li><a href='/zw/1.html'>别的市通知</a></li></ul>",
                              "主办单位：乙市人民政府办公室 网站标识码：9999999999"))
    assert not book.scope(CODE).admits("http://www.stranger.gov.cn/")
    content = probe.replace(url="http://www.stranger.gov.cn/zw/2.html", meta={**follow["http://xxgk.a.gov.cn/gkml/"].meta})
    content.meta.pop("scope_admit")
    assert not _passes(guard, content)
    get_writer(h.crawler).flush()
    with _session(h) as s:
        row = s.get(m.RunSite, ("r-scope", CODE))
        assert row.reach["hosts"] == {"xxgk.a.gov.cn": SITE_CODE}
        assert {d["host"]: d["reason"] for d in row.reach["scope"]}["www.a.gov.cn"] == "registry-url"


def test_refused_and_rate_limited_requests_are_site_evidence_and_info_findings(site: Harness) -> None:
    h, guard = site, _guard(site)
    pending = _home(h)
    column = next(r for r in pending if r.url == "http://www.a.gov.cn/tzgg/")
    pending.remove(column)
    # the column redirects to a host outside the scope: the guard refuses the hop, the errback records it
    hop = column.replace(url="http://intranet.example/tzgg/")
    with pytest.raises(OutOfScope) as refused:
        asyncio.run(guard.process_request(hop))
    failure = Failure(refused.value)
    failure.request = hop  # type: ignore[attr-defined]  # as Scrapy's downloader sets it
    pending += h.feed(hop.errback(failure), failure)
    # a link the site rate-limited past the budget
    link = next(r for r in pending if r.meta["fn"] == "check_link")
    pending.remove(link)
    link.meta["rate_limited"] = {"status": 429, "retry_after": 30.0, "tries": 3, "waited": 90.0}
    response = HtmlResponse(url=link.url, status=429, body=b"", request=link)
    pending += h.feed(link.callback(response), response)
    while pending:  # everything else answers 404; the last settles the site, which is scored
        req = pending.pop()
        pending.extend(h.respond(req, b"<html><body>404</body></html>", status=404))
    with _session(h) as s:
        pages = {p.kind: p for p in s.scalars(select(m.Page).where(m.Page.run_id == "r-scope"))}
        findings = list(s.scalars(select(m.Finding).where(m.Finding.run_id == "r-scope",
                                                          m.Finding.indicator == "C19-R3")))
        assert s.get(m.Score, ("r-scope", CODE)) is not None
    assert pages["refused"].url == "http://intranet.example/tzgg/"
    assert pages["refused"].features["refused"]["code"] == "offsite" and "不在本网站的检查范围内" in pages["refused"].error
    assert pages["rate-limited"].status == 429 and pages["rate-limited"].features["rate_limited"]["tries"] == 3
    assert sorted(f.evidence["kind"] for f in findings) == ["rate-limited", "refused"]
    assert all(f.category == "info" and f.points == 0 for f in findings)
    assert any("intranet.example" in f.message for f in findings)


def test_a_home_page_moving_out_of_scope_is_not_followed_and_says_where(site: Harness) -> None:
    h = site
    (home,) = asyncio.run(_start(h))
    stub = b"<html><head><script>window.location.href='http://portal.elsewhere.cn/a/';</script></head><body></body></html>"
    requests = h.respond(home, stub)
    assert not any(r.meta["fn"] == "parse_home" for r in requests)
    get_writer(h.crawler).flush()
    with _session(h) as s:
        row = s.get(m.RunSite, ("r-scope", CODE))
    assert row.reach["hop_out_of_scope"] == {"from": SITE, "to": "http://portal.elsewhere.cn/a/", "how": "script"}


def test_a_column_redirecting_to_another_host_is_probed_and_a_refused_link_is_no_broken_link(site: Harness) -> None:
    h, guard = site, _guard(site)
    pending = _home(h)
    column = next(r for r in pending if r.url == "http://www.a.gov.cn/xwdt/")
    # the column answers 302 to a 政务公开 platform: the guard does not follow it ...
    moved = HtmlResponse(column.url, status=302, headers={"Location": "http://zwgk.a.gov.cn/xwdt/"}, body=b"",
                         request=column)
    with pytest.raises(OutOfScope) as refused:
        guard.process_response(column, moved)
    failure = Failure(refused.value)
    failure.request = column  # type: ignore[attr-defined]
    # ... and the spider asks whose the target is, as it would for a navigation link there
    (probe,) = [r for r in h.feed(column.errback(failure), failure) if r.meta["fn"] == "parse_column"]
    assert probe.url == "http://zwgk.a.gov.cn/xwdt/" and probe.meta["scope"] == "probe" and _passes(guard, probe)
    assert probe.meta["col"]["name"] == "新闻动态"
    # a link check the guard refused (a private address) is evidence of a refusal, not a broken link
    link = next(r for r in pending if r.meta["fn"] == "check_link" and r.meta["scope"] == "link")
    link.meta["scope_blocked"] = {"code": "private-address", "url": link.url, "message": "指向内网地址，不请求"}
    failure = Failure(OutOfScope("private-address", link.url, "指向内网地址，不请求"))
    failure.request = link  # type: ignore[attr-defined]
    h.feed(link.errback(failure), failure)
    get_writer(h.crawler).flush()
    with _session(h) as s:
        assert list(s.scalars(select(m.Link).where(m.Link.link_url == link.url))) == []
        kinds = {p.url: p.kind for p in s.scalars(select(m.Page).where(m.Page.run_id == "r-scope"))}
    assert kinds[link.url] == "refused" and kinds[column.url] == "refused"
