"""The Scrapy side, in process: the capture extension archives what `response_downloaded` reports (redirect
hops, rendered pages, the site each request belongs to) and the replay middleware gives a crawl those same
responses back, refusing what was never archived."""

from __future__ import annotations

import datetime as dt
import email.utils
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.orm import Session

import govaudit.settings as project_settings
from govaudit.archive.capture import ArchiveCapture
from govaudit.archive.replay import ArchiveReplay, NotArchived
from govaudit.runs import AuditRun, attach_run
from govaudit.scoring.rubric import load_rubric
from govaudit.store.db import get_engine
from govaudit.store.models import ArchiveRecord

from .conftest import RUN, gz, html

ROOT = Path(__file__).resolve().parents[2]


def _crawler(tmp_path: Path, **extra: Any) -> Any:
    values = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    values.update(GOVAUDIT_DATABASE_URL=f"sqlite:///{tmp_path / 'govaudit.sqlite'}",
                  GOVAUDIT_EVIDENCE_DIR=str(tmp_path / "evidence"), DOWNLOAD_HANDLERS={}, LOG_LEVEL="WARNING",
                  **extra)
    crawler = get_crawler(settings_dict=values)
    rubric = load_rubric("inspection-2019", ROOT / "rubrics")
    attach_run(crawler, AuditRun(run_id=RUN, asof=dt.date(2026, 11, 20), rubric=rubric,
                                 rubric_ref="inspection-2019", rubric_hash=rubric.digest))
    return crawler


def _downloaded(crawler: Any, response: Response) -> None:
    crawler.signals.send_catch_log(signal=signals.response_downloaded, response=response,
                                   request=response.request, spider=None)


@pytest.fixture
def captured(tmp_path: Path) -> dict[str, Any]:
    """A little crawl as the downloader saw it: a redirect, a compressed page, a HEAD link check, a page
    fetched plain and then rendered."""
    crawler = _crawler(tmp_path)
    ext = ArchiveCapture.from_crawler(crawler)
    meta = {"site_id": "2301000003"}
    home = Request("http://a.gov.cn/", meta=meta)
    _downloaded(crawler, Response("http://a.gov.cn/", status=301, headers={"Location": "http://www.a.gov.cn/"},
                                  request=home))
    www = Request("http://www.a.gov.cn/", meta=meta)
    page = html("示范网站首页", 10, "gbk")
    _downloaded(crawler, HtmlResponse("http://www.a.gov.cn/", body=gz(page), request=www,
                                      headers={"Content-Type": "text/html; charset=gbk", "Content-Encoding": "gzip"}))
    head = Request("http://www.a.gov.cn/files/a.pdf", method="HEAD", meta=meta)
    _downloaded(crawler, Response(head.url, status=200, request=head,
                                  headers={"Content-Type": "application/pdf", "Content-Length": "52133"}))
    js = Request("http://www.a.gov.cn/js/", meta=meta)
    _downloaded(crawler, HtmlResponse(js.url, body=b"<html><body><div id=list></div></body></html>", request=js))
    rendered_req = Request("http://www.a.gov.cn/js/", meta={**meta, "playwright": True})
    dom = "<html><body><div id=list><li>渲染后的条目</li></div></body></html>".encode()
    _downloaded(crawler, HtmlResponse(rendered_req.url, body=dom, request=rendered_req, encoding="utf-8",
                                      headers={"Content-Type": "text/html"}, flags=["playwright"]))
    ext.spider_closed(None, "finished")
    return {"tmp": tmp_path, "page": page, "dom": dom, "stats": crawler.stats}


def test_every_downloaded_response_is_indexed(captured: dict[str, Any]) -> None:
    engine = get_engine(f"sqlite:///{captured['tmp'] / 'govaudit.sqlite'}")
    with Session(engine) as s:
        rows = s.scalars(select(ArchiveRecord).order_by(ArchiveRecord.id)).all()
    assert [(r.url, r.method, r.status, r.kind) for r in rows] == [
        ("http://a.gov.cn/", "GET", 301, "response"),
        ("http://www.a.gov.cn/", "GET", 200, "response"),
        ("http://www.a.gov.cn/files/a.pdf", "HEAD", 200, "response"),
        ("http://www.a.gov.cn/js/", "GET", 200, "response"),
        ("http://www.a.gov.cn/js/", "GET", 200, "rendered"),
    ]
    assert {r.site_id for r in rows} == {"2301000003"} and {r.run_id for r in rows} == {RUN}
    files = list((captured["tmp"] / "evidence" / RUN).glob("*.warc.gz"))
    assert len(files) == 1 and {r.warc_file for r in rows} == {f"{RUN}/{files[0].name}"}
    assert captured["stats"].get_value("govaudit/archive/response") == 4


def _replayer(tmp_path: Path) -> tuple[Any, ArchiveReplay]:
    crawler = _crawler(tmp_path, GOVAUDIT_ARCHIVE_REPLAY=RUN)
    with pytest.raises(NotConfigured):  # a replay crawl archives nothing again
        ArchiveCapture.from_crawler(crawler)
    return crawler, ArchiveReplay.from_crawler(crawler)


def test_replay_answers_from_the_archive(captured: dict[str, Any]) -> None:
    crawler, mw = _replayer(captured["tmp"])
    redirect = mw.process_request(Request("http://a.gov.cn/"))
    assert redirect.status == 301 and redirect.headers[b"Location"] == b"http://www.a.gov.cn/"
    raw = mw.process_request(Request("http://www.a.gov.cn/"))
    assert raw.headers[b"Content-Encoding"] == b"gzip" and "archive" in raw.flags
    decoded = HttpCompressionMiddleware.from_crawler(crawler).process_response(raw.request, raw)
    assert decoded.body == captured["page"]  # the later middlewares see what the network gave them
    assert decoded.headers[b"Content-Type"] == b"text/html; charset=gbk"
    head = mw.process_request(Request("http://www.a.gov.cn/files/a.pdf", method="HEAD"))
    assert head.status == 200 and head.body == b""
    rendered = mw.process_request(Request("http://www.a.gov.cn/js/", meta={"playwright": True}))
    assert rendered.body == captured["dom"] and "playwright" in rendered.flags
    # a rendered DOM has no Date header of its own: the page's "now" is when it was archived, not today
    archived_at = email.utils.parsedate_to_datetime(rendered.headers[b"Date"].decode())
    assert abs((dt.datetime.now(dt.UTC) - archived_at).total_seconds()) < 600
    plain = mw.process_request(Request("http://www.a.gov.cn/js/"))
    assert b"\xe6\xb8\xb2" not in plain.body  # the plain request gets the page before scripts


def test_replay_refuses_what_was_not_archived(captured: dict[str, Any]) -> None:
    crawler, mw = _replayer(captured["tmp"])
    with pytest.raises(NotArchived):
        mw.process_request(Request("http://www.a.gov.cn/never-fetched/"))
    with pytest.raises(NotArchived):  # fetched with HEAD only: a GET was never answered
        mw.process_request(Request("http://www.a.gov.cn/files/a.pdf"))
    assert crawler.stats.get_value("govaudit/replay/missing") == 2


def test_replay_of_a_body_over_the_limit(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path, GOVAUDIT_ARCHIVE_MAX_BODY=100)
    ext = ArchiveCapture.from_crawler(crawler)
    req = Request("http://www.a.gov.cn/files/big.pdf", meta={"site_id": "s1"})
    _downloaded(crawler, Response(req.url, status=200, body=b"%PDF" + b"x" * 5000, request=req,
                                  headers={"Content-Type": "application/pdf", "Date": "Fri, 20 Nov 2026 01:00:00 GMT"}))
    ext.spider_closed(None, "finished")
    _, mw = _replayer(tmp_path)
    got = mw.process_request(Request(req.url))
    assert got.status == 200 and got.body == b"" and "archive-truncated" in got.flags
    assert got.headers[b"Content-Type"] == b"application/pdf"
    assert got.headers[b"Date"] == b"Fri, 20 Nov 2026 01:00:00 GMT"  # the server's own Date is kept

