"""The parse pool with real worker processes: answers as the in-process parse does, abandons a page over the
time limit (the worker is replaced and the next page is parsed), and leaves no process behind when closed."""

from __future__ import annotations

import asyncio
import datetime as dt

from govaudit.crawl.parsepool import ParsePool
from govaudit.crawl.parsing import COLUMN, HOME, ParseJob, analyse

ASOF = dt.date(2026, 11, 20)
PAGE = ("<html><head><title>示范市测试局</title></head><body><div class='nav'><a href='/tzgg/'>通知公告</a>"
        "<a href='/xwdt/'>工作动态</a></div><ul>"
        + "".join(f"<li><a href='/tzgg/{i}.html'>关于第{i}批检查的通知</a><span>2026-11-{i + 1:02d}</span></li>"
                  for i in range(8))
        + "</ul><div class='footer'>主办单位：示范市测试局</div></body></html>").encode()


def _slow_page() -> bytes:
    rows = "".join(f"<li class='footer-item'><div><h3>栏目{i}</h3><a href='/hd/{i}.html'>关于第{i}号咨询</a>"
                   f" 留言时间：2026-11-0{i % 9 + 1} <a href='/lm{i % 300}/'>更多</a></div></li>" for i in range(12000))
    return f"<html><body><ul>{rows}</ul></body></html>".encode()[:1_000_000]


def _job(body: bytes, kind: str = COLUMN) -> ParseJob:
    return ParseJob(kind, body, "http://127.0.0.5/zwgk/", "utf-8", 200, ASOF, follow=True,
                    category="consultation", sub_columns=True)


def test_workers_answer_as_the_in_process_parse() -> None:
    pool = ParsePool(2, timeout=60)
    try:
        for kind in (HOME, COLUMN):
            got = asyncio.run(pool.parse(_job(PAGE, kind)))
            want = analyse(_job(PAGE, kind))
            assert not got.error
            assert got.listing is not None and want.listing is not None
            assert [e.url for e in got.listing.entries] == [e.url for e in want.listing.entries]
            assert len(got.listing.entries) == 8
            assert got.links == want.links and got.features == want.features
    finally:
        pool.close()


def test_a_page_over_the_time_limit_is_abandoned_and_the_worker_replaced() -> None:
    pool = ParsePool(1, timeout=0.5)
    try:
        slow = asyncio.run(pool.parse(_job(_slow_page())))
        assert "解析超时" in slow.error and slow.listing is None
        assert pool.killed == 1
        pool.timeout = 60  # the healthy page under a generous limit (the machine may be busy)
        after = asyncio.run(pool.parse(_job(PAGE)))  # the one worker was replaced
        assert not after.error and after.listing is not None and len(after.listing.entries) == 8
    finally:
        pool.close()


def test_closing_stops_every_worker() -> None:
    pool = ParsePool(2, timeout=60)
    asyncio.run(pool.parse(_job(PAGE)))
    procs = [w.proc for w in pool._all]
    assert len(procs) == 2 and all(p.is_alive() for p in procs)
    pool.close()
    assert not any(p.is_alive() for p in procs)
    late = asyncio.run(pool.parse(_job(PAGE)))
    assert late.error  # a closed pool parses nothing more


def test_results_are_capped_per_page_and_the_cap_noted() -> None:
    from govaudit.crawl.parsing import PageCaps

    rows = "".join(f"<li><a href='/tzgg/{i}.html'>关于第{i}批检查的通知</a><span>2026-11-{i % 28 + 1:02d}</span></li>"
                   for i in range(300))
    body = f"<html><body><ul>{rows}</ul></body></html>".encode()
    caps = PageCaps(entries=50, links=40, columns=10, letters=10)
    job = ParseJob(COLUMN, body, "http://127.0.0.5/tzgg/", "utf-8", 200, ASOF, follow=True, caps=caps)
    got = analyse(job)
    assert got.listing is not None and len(got.listing.entries) == 50
    assert len(got.links) == 40
    assert any("300 条" in n and "前 50 条" in n for n in got.notes), got.notes
    uncapped = analyse(ParseJob(COLUMN, body, "http://127.0.0.5/tzgg/", "utf-8", 200, ASOF, follow=True))
    assert uncapped.listing is not None and len(uncapped.listing.entries) == 300 and not uncapped.notes
