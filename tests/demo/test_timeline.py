"""The simulated fortnight (govaudit.demo.timeline): day 0 without plants is the default province byte for
byte, days are deterministic, and what the record says happened is what the pages show; the server answers
conditional requests, moves to another day and resets the connections of a site that is down."""

from __future__ import annotations

import datetime as dt
import re
import socket
import urllib.error
import urllib.request

import pytest

from govaudit.demo.province import build_province
from govaudit.demo.server import DemoServer
from govaudit.demo.timeline import Fortnight
from tests.demo.test_province import digest

START = dt.date(2026, 10, 4)
DATE = re.compile(r"(20\d\d)-(\d\d)-(\d\d)")


@pytest.fixture(scope="module")
def fortnight() -> Fortnight:
    return Fortnight(START)


def _body(site, path: str) -> str:
    r = site.response(path)
    assert r is not None
    return r.body.decode(site.encoding)


def test_day_zero_without_plants_is_the_default_province() -> None:
    plain = Fortnight(START, planted=False)
    assert digest(plain.province(0)) == digest(build_province(START))
    assert not plain.planted and not plain.removals and not plain.stalls


def test_days_are_deterministic_and_go_forward(fortnight: Fortnight) -> None:
    day7 = digest(fortnight.province(7))
    assert digest(fortnight.province(3)) != day7
    assert digest(Fortnight(START).province(7)) == day7 == digest(fortnight.province(7))
    assert all(n > 0 for n in fortnight.published.values()) and len(fortnight.published) == 14


def test_natural_publishing_puts_the_day_on_top(fortnight: Fortnight) -> None:
    day = 5
    province = fortnight.province(day)
    site = province.site("2300000001")
    col = site.column("省政府要闻")
    dates = [e.date for e in col.entries]
    assert dates == sorted(dates, reverse=True) and dates[0] <= fortnight.date(day)
    newest = max(e.date for c in site.all_columns() for e in c.entries)
    assert newest == fortnight.date(day)  # a healthy portal published today


def test_planted_entries_show_what_the_record_says(fortnight: Fortnight) -> None:
    assert {p.kind for p in fortnight.planted} == {"backdated", "page_later", "url_later"}
    for p in fortnight.planted:
        before = fortnight.province(p.day - 1).site(p.site_id)
        site = fortnight.province(p.day).site(p.site_id)
        col = site.column(p.column)
        assert p.path not in {e.path for e in before.column(p.column).entries}  # new that day
        entry = next(e for e in col.entries if e.path == p.path)
        assert entry.date == p.list_date
        assert (fortnight.date(p.day) - p.list_date).days >= 4
        page = _body(site, p.path)
        if p.kind == "page_later":
            assert f'content="{p.other_date.isoformat()}' in page  # PubDate meta of the article page
        elif p.kind == "url_later":
            assert p.other_date.strftime("%Y%m%d") in p.path
            assert f'content="{p.list_date.isoformat()}' in page
        else:
            assert p.list_date.strftime("%Y%m%d") in p.path or f"/{p.list_date.day}/" in p.path


def test_removals_leave_the_list_and_the_page(fortnight: Fortnight) -> None:
    planted = [r for r in fortnight.removals if r.planted]
    assert len(planted) == 3
    for r in planted:
        before = fortnight.province(r.day - 1).site(r.site_id)
        after = fortnight.province(r.day).site(r.site_id)
        assert r.path in {e.path for e in before.column(r.column).entries}
        assert r.path not in {e.path for e in after.column(r.column).entries}
        assert after.response(r.path).status == 404
    emptied = [r for r in fortnight.removals if not r.planted]
    assert emptied and len({(r.site_id, r.column, r.day) for r in emptied}) == 1


def test_stalls_blanks_and_outage(fortnight: Fortnight) -> None:
    site_stall = next(s for s in fortnight.stalls if not s.column)
    for day in range(site_stall.first, site_stall.last + 1):
        site = fortnight.province(day).site(site_stall.site_id)
        assert max(e.date for c in site.all_columns() for e in c.entries) <= site_stall.newest
    resumed = fortnight.province(site_stall.last + 1).site(site_stall.site_id)
    assert max(e.date for c in resumed.all_columns() for e in c.entries) == fortnight.date(site_stall.last + 1)
    blank = fortnight.blanks[0]

    def blank_count(day: int) -> int:
        site = fortnight.province(day).site(blank.site_id)
        return sum(1 for c in site.all_columns() if c.spec.kind == "list" and c.spec.status == 200 and not c.entries)

    assert blank_count(0) == blank.before == blank_count(blank.grows - 1)
    assert blank_count(blank.grows) == blank.before + 1 == blank_count(blank.recovers - 1)
    assert blank_count(blank.recovers) == blank.before
    outage = fortnight.outages[0]
    assert fortnight.down(outage.days[0]) == {outage.site_id} and not fortnight.down(outage.days[-1] + 1)


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_validators_days_and_outage(fortnight: Fortnight) -> None:
    server = DemoServer(fortnight.province(0))
    urls = server.start()
    try:
        list_url = urls["2300000001"] + "tzgg/"
        status, headers, body = _get(list_url)
        assert status == 200 and headers["ETag"] and headers["Last-Modified"].endswith("GMT")
        assert _get(list_url, **{"If-None-Match": headers["ETag"]})[0] == 304
        assert _get(list_url, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        assert _get(list_url, **{"If-None-Match": '"other"'})[0] == 200
        planted = next(p for p in fortnight.planted if p.site_id == "2300000001")
        server.serve_day(fortnight.province(planted.day), fortnight.down(planted.day))
        status, later, body = _get(list_url, **{"If-None-Match": headers["ETag"]})
        assert status == 200 and later["ETag"] != headers["ETag"]
        assert later["Last-Modified"] != headers["Last-Modified"] and planted.path.rsplit("/", 1)[1].encode() in body
        outage = fortnight.outages[0]
        server.serve_day(fortnight.province(outage.days[0]), fortnight.down(outage.days[0]))
        with pytest.raises((urllib.error.URLError, ConnectionError, socket.error)):
            urllib.request.urlopen(urls[outage.site_id], timeout=10).read()
        assert _get(urls["2300000001"])[0] == 200
    finally:
        server.stop()
