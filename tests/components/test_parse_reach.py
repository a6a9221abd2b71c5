"""What the site's reach reads from a page is read by the parse job, and comes back from a real worker process:
a home page's hop and its scripts, a column page's frames, its form-post pager, its letters on a later page,
and a probed page's identity. The spider's callbacks only decide requests and items from these answers."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from govaudit.crawl.parsepool import ParsePool
from govaudit.crawl.parsing import COLUMN, HOME, Parsed, ParseJob, analyse
from govaudit.crawl.scope import ORGANIZER, SITE_CODE

REACH = Path(__file__).resolve().parents[1] / "pages" / "reach"
ASOF = dt.date(2026, 11, 20)


def _job(kind: str, name: str, url: str, **kw: object) -> ParseJob:
    return ParseJob(kind, (REACH / name).read_bytes(), url, None, 200, ASOF, **kw)  # type: ignore[arg-type]


def _both(job: ParseJob, pool: ParsePool) -> tuple[Parsed, Parsed]:
    return asyncio.run(pool.parse(job)), analyse(job)


def test_reach_fields_come_back_from_a_worker() -> None:
    pool = ParsePool(1, timeout=60)
    try:
        got, want = _both(_job(HOME, "home_meta_refresh.html", "http://www.donghu.gov.cn/"), pool)
        assert got.hop is not None and got.hop == want.hop
        assert got.hop.url == "http://www.donghu.gov.cn/index.shtml" and got.hop.how == "meta-refresh"

        got, _ = _both(_job(HOME, "home_full_with_location_onclick.html", "http://www.sfx.gov.cn/"), pool)
        assert got.hop is None  # a full page with a click handler is not a redirect stub
        assert got.columns

        got, want = _both(_job(COLUMN, "column_iframe_xxgk.html", "http://www.sfs.gov.cn/zwgk/zcwj/",
                               follow=True), pool)
        assert got.frames == want.frames
        assert "http://www.sfs.gov.cn/zwgk/zcwj/list_frame.jsp?channelid=1234" in got.frames

        url = "http://www.sfx.gov.cn/NewsList.aspx?ClassID=12"
        got, want = _both(_job(COLUMN, "list_aspnet_postback.html", url, follow=True), pool)
        assert got.next_form is not None and got.next_form == want.next_form
        assert got.next_form.method == "POST"
        assert dict(got.next_form.formdata)["__EVENTTARGET"]  # the pager's postback target
        assert any(k == "__VIEWSTATE" for k, _ in got.next_form.formdata)

        # letters are read on a later page of a letters column too, not only on the first
        got, _ = _both(_job(COLUMN, "letters_page2.html", "http://www.x.gov.cn/hdjl/ldxx/index.jsp?page=2",
                            letters=True), pool)
        assert got.letters and all(letter.submitted is not None for letter in got.letters)
        got, _ = _both(_job(COLUMN, "letters_page2.html", "http://www.x.gov.cn/hdjl/ldxx/index.jsp?page=2"), pool)
        assert got.letters == []  # not a letters column: not read
    finally:
        pool.close()


def test_a_probed_page_carries_the_sites_identity() -> None:
    page = ("<html><body><ul><li><a href='/a/1.html'>关于某事的通知</a> 2026-11-02</li></ul>"
            "<div class='footer'>主办单位：示范市人民政府办公室 网站标识码：3301000001</div></body></html>").encode()

    def probe(site_code: str, organizer: str) -> str | None:
        return analyse(ParseJob(COLUMN, page, "http://xxgk.example.cn/", "utf-8", 200, ASOF, follow=True,
                                probe=True, site_code=site_code, organizer=organizer)).identity

    assert probe("3301000001", "") == SITE_CODE
    assert probe("3301000099", "示范市人民政府办公室") == ORGANIZER
    assert probe("3301000099", "另一个县人民政府") is None
    # not a probe: nothing read about identity
    assert analyse(ParseJob(COLUMN, page, "http://xxgk.example.cn/", "utf-8", 200, ASOF, follow=True)).identity is None
