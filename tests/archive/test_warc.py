"""The WARC writer: what each kind of fetch becomes, read back by warcio (the reference reader), the SQL
index pointing at each record, digests that verify, rotation by size."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator
from warcio.checker import Checker

from govaudit.archive.index import find_record, read_record
from govaudit.archive.records import payload_digest

from .conftest import RUN, Archive, fetch, gz, html


def _records(folder: Path) -> list[tuple[str, str, object]]:
    """(WARC-Type, target URI, record) of every record of every file, in order."""
    out = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                body = rec.content_stream().read()
                out.append((rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI") or "", (rec, body)))
    return out


def test_response_and_request_records_read_back(archive: Archive) -> None:
    page = html("政务动态")
    archive.add(fetch("http://a.gov.cn/xw/", page))
    archive.close()
    recs = _records(archive.evidence / RUN)
    assert [t for t, _, _ in recs] == ["warcinfo", "response", "request"]
    (rec, body) = recs[1][2]
    assert body == page and rec.http_headers.get_statuscode() == "200"
    assert rec.rec_headers.get_header("WARC-Payload-Digest") == payload_digest(page)
    req, _ = recs[2][2]
    assert (req.http_headers.protocol, req.http_headers.statusline) == ("GET", "/xw/ HTTP/1.1")
    assert req.rec_headers.get_header("WARC-Concurrent-To") == rec.rec_headers.get_header("WARC-Record-ID")


def test_index_row_points_at_its_record(archive: Archive) -> None:
    rows = archive.add(fetch("http://a.gov.cn/", html("首页")), fetch("http://a.gov.cn/tzgg/", html("通知公告", 30)))
    archive.close()
    for row in rows:
        with (archive.evidence / row["warc_file"]).open("rb") as fh:
            fh.seek(row["offset"])
            member = fh.read(row["length"])
        rec = next(iter(ArchiveIterator(io.BytesIO(member))))  # the member alone is a complete record
        assert rec.rec_headers.get_header("WARC-Record-ID") == row["record_id"]
        assert rec.rec_headers.get_header("WARC-Target-URI") == row["url"]


def test_identical_body_is_a_revisit_whose_body_reads_from_the_first(archive: Archive) -> None:
    page = html("404 页面不存在", 3)
    first, second = archive.add(fetch("http://a.gov.cn/x/", page, status=404),
                                fetch("http://a.gov.cn/y/", page, status=404))
    archive.close()
    assert (first["kind"], second["kind"]) == ("response", "revisit")
    types = [t for t, _, _ in _records(archive.evidence / RUN)]
    assert types.count("revisit") == 1 and types.count("response") == 1
    revisit = next(r for t, _, (r, _) in _records(archive.evidence / RUN) if t == "revisit")
    assert revisit.rec_headers.get_header("WARC-Refers-To") == first["record_id"]
    assert revisit.rec_headers.get_header("WARC-Refers-To-Target-URI") == "http://a.gov.cn/x/"
    with Session(archive.engine) as s:
        row = find_record(s, RUN, "http://a.gov.cn/y/")
        assert row is not None and row.kind == "revisit"
        got = read_record(s, archive.evidence, row)
    assert got.body == page and got.status == 404


def test_body_over_the_limit_keeps_headers_only(tmp_path: Path) -> None:
    archive = Archive(tmp_path, max_body=1000)
    big = html("大页面", 200)
    assert len(big) > 1000
    (row,) = archive.add(fetch("http://a.gov.cn/big/", big))
    archive.close()
    assert row["kind"] == "truncated" and row["size"] == len(big) and row["digest"] == payload_digest(big)
    (_, _, (rec, body)) = next(r for r in _records(archive.evidence / RUN) if r[0] == "response")
    assert body == b"" and rec.rec_headers.get_header("WARC-Truncated") == "length"
    assert rec.http_headers.get_statuscode() == "200"


def test_compressed_body_is_kept_as_received_and_decoded_on_reading(archive: Archive) -> None:
    page = html("政策解读")
    archive.add(fetch("http://a.gov.cn/zcjd/", gz(page),
                      headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")]))
    archive.close()
    with Session(archive.engine) as s:
        got = read_record(s, archive.evidence, find_record(s, RUN, "http://a.gov.cn/zcjd/"))
    assert got.raw == gz(page) and got.body == page
    (_, _, (_, body)) = next(r for r in _records(archive.evidence / RUN) if r[0] == "response")
    assert body == page  # a standard reader decodes it too


def test_rendered_dom_is_a_conversion_of_the_response(archive: Archive) -> None:
    plain = b"<html><body><ul id='list'></ul><script src='/list.js'></script></body></html>"
    dom = "<html><body><ul id='list'><li>已渲染的条目 2026-11-19</li></ul></body></html>".encode()
    resp, rendered = archive.add(fetch("http://a.gov.cn/js/", plain), fetch("http://a.gov.cn/js/", dom, rendered=True))
    archive.close()
    assert rendered["kind"] == "rendered"
    conv = next(r for t, _, (r, _) in _records(archive.evidence / RUN) if t == "conversion")
    assert conv.rec_headers.get_header("WARC-Refers-To") == resp["record_id"]
    with Session(archive.engine) as s:
        assert read_record(s, archive.evidence, find_record(s, RUN, "http://a.gov.cn/js/")).body == dom
        assert read_record(s, archive.evidence, find_record(s, RUN, "http://a.gov.cn/js/", rendered=False)).body == plain


def test_a_rendered_page_keeps_the_data_requests_the_browser_made(archive: Archive) -> None:
    """The XHR/fetch requests of a render travel with its record (a replay gives them back, crawl.feedlists)."""
    seen = [{"url": "http://a.gov.cn/api/list?ch=tzgg&pageNo=1", "method": "GET", "form": None},
            {"url": "http://a.gov.cn/api/list", "method": "POST", "form": [["ch", "通知"], ["pageIndex", "1"]]}]
    page = fetch("http://a.gov.cn/js/", "<html><body><ul><li>条目</li></ul></body></html>".encode(), rendered=True)
    page.render_requests = seen
    (_row,) = archive.add(page)
    archive.close()
    with Session(archive.engine) as s:
        assert read_record(s, archive.evidence, find_record(s, RUN, "http://a.gov.cn/js/")).render_requests == seen
    conv = next(r for t, _, (r, _) in _records(archive.evidence / RUN) if t == "conversion")
    assert json.loads(conv.rec_headers.get_header("Govaudit-Render-Requests")) == seen  # one header line, JSON


def test_rotation_by_size_and_every_file_checks(tmp_path: Path) -> None:
    archive = Archive(tmp_path, rotate_bytes=4000)
    rows = archive.add(*[fetch(f"http://a.gov.cn/c{i}/", html(f"栏目{i}", 40)) for i in range(12)])
    archive.close()
    files = sorted((archive.evidence / RUN).glob("*.warc.gz"))
    assert len(files) > 1 and {r["warc_file"] for r in rows} == {f"{RUN}/{p.name}" for p in files}
    for path in files:
        first = next(iter(ArchiveIterator(path.open("rb"))))
        assert first.rec_type == "warcinfo"
    checker = Checker(type("Args", (), {"inputs": [str(p) for p in files], "verbose": False})())
    checker.process_all()
    assert checker.exit_value == 0  # every block and payload digest verifies
