"""Renders handed between crawler processes (govaudit.crawl.renderwire, govaudit.crawl.renderservice): what
crosses the socket, what stays behind, and how a worker tells a failed render from an owner it cannot reach."""

from __future__ import annotations

import asyncio
import datetime as dt
import struct
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy_playwright.page import PageMethod

from govaudit.crawl import renderwire as wire
from govaudit.crawl.renderservice import (
    RemoteRenderError,
    RenderServiceUnavailable,
    private_folder_problem,
    render_apart,
)
from govaudit.crawl.responses import failure_text
from govaudit.parallel import render_socket_env
from govaudit.records import Entry


def test_a_request_crosses_with_what_json_carries() -> None:
    entry = Entry(title="关于开展专项检查的通知", url="http://a.gov.cn/1.html", date=dt.date(2026, 11, 3))
    request = Request("http://a.gov.cn/tzgg/?p=2", method="POST", body=b"\x00page=2\xff",
                      headers={"X-Requested-With": "XMLHttpRequest", "Accept": ["text/html", "*/*"]},
                      meta={"playwright": True, "playwright_page_methods": [PageMethod("wait_for_load_state",
                                                                                       "networkidle")],
                            "col": {"name": "通知公告", "entries": [entry], "pages": (1, 2)},
                            "playwright_page": object(), "callback_here": len, "download_timeout": 20},
                      priority=3)
    back = wire.decode_request(wire.encode_request(request))
    assert (back.url, back.method, back.body, back.priority) == (request.url, "POST", b"\x00page=2\xff", 3)
    assert back.headers.getlist("Accept") == [b"text/html", b"*/*"]
    assert back.meta["col"] == {"name": "通知公告", "entries": [entry], "pages": (1, 2)}
    method = back.meta["playwright_page_methods"][0]
    assert (method.method, method.args) == ("wait_for_load_state", ("networkidle",))
    # the asking process's page and callables stay behind: the serving process has its own
    assert "playwright_page" not in back.meta and "callback_here" not in back.meta
    assert back.meta["download_timeout"] == 20 and back.dont_filter


def test_a_rendered_response_comes_back_with_the_render_meta() -> None:
    asked = Request("http://a.gov.cn/tzgg/", meta={"playwright": True, "col": {"name": "通知公告"}})
    served = wire.decode_request(wire.encode_request(asked))
    before = dict(served.meta)
    body = "<html><body><ul id='list'><li>通知</li></ul></body></html>".encode("gb18030") + b"\xff\x00"
    response = HtmlResponse("http://a.gov.cn/tzgg/index.html", status=203, body=body, request=served,
                            headers={"Content-Type": "text/html; charset=gb18030", "Set-Cookie": ["a=1", "b=2"]},
                            flags=["rendered"], ip_address=None)
    served.meta["render_requests"] = [{"method": "GET", "url": "http://a.gov.cn/api/list.json"}]
    served.meta["playwright_page"] = object()  # the server's tab: never sent
    head = wire.encode_response(response, served.meta, wire.meta_changes(before, served.meta))
    back = wire.decode_response(head, response.body, asked)
    assert type(back) is HtmlResponse and back.request is asked
    assert (back.url, back.status, back.body, back.flags) == (response.url, 203, body, ["rendered"])
    assert back.headers.getlist("Set-Cookie") == [b"a=1", b"b=2"] and back.encoding == "gb18030"
    assert asked.meta["render_requests"] == [{"method": "GET", "url": "http://a.gov.cn/api/list.json"}]
    assert "playwright_page" not in asked.meta and asked.meta["col"] == {"name": "通知公告"}


@pytest.mark.parametrize("cls", ["os.system", "govaudit.crawl.renderwire.WireError", "scrapy.http.Request"])
def test_an_answer_naming_another_class_is_refused(cls: str) -> None:
    head = wire.encode_response(TextResponse("http://a.gov.cn/", body=b"x"), {}, [])
    with pytest.raises(wire.WireError, match="refused"):
        wire.decode_response(head.replace(b"scrapy.http.response.text.TextResponse", cls.encode()), b"x",
                             Request("http://a.gov.cn/"))


def test_a_frame_over_its_limit_is_refused_before_it_is_read() -> None:
    async def go() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data(struct.pack(">I", 10_000) + b"x" * 10)
        with pytest.raises(wire.WireError, match="10000 bytes refused"):
            await wire.read_frame(reader, 1000)

    asyncio.run(go())


async def _serve_once(path: str, answer: list[bytes]) -> asyncio.AbstractServer:
    """A socket that reads one request frame and writes `answer` (frames), then hangs up."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await wire.read_frame(reader, wire.MAX_HEAD)
        for frame in answer:
            if frame == b"CUT":  # a length that promises more than comes: the server died mid-answer
                writer.write(struct.pack(">I", 1000) + b"partial")
                break
            await wire.write_frame(writer, frame)
        await writer.drain()
        writer.close()

    return await asyncio.start_unix_server(handle, path=path)


def test_a_render_that_failed_in_the_owner_keeps_its_name(tmp_path: Path) -> None:
    async def go() -> BaseException:
        path = str(tmp_path / "r.sock")
        server = await _serve_once(path, [wire.encode_error(TimeoutError("Timeout 20000ms exceeded."))])
        try:
            with pytest.raises(RemoteRenderError) as got:
                await render_apart(path, Request("http://a.gov.cn/", meta={"playwright": True}))
            return got.value
        finally:
            server.close()

    exc = asyncio.run(go())
    assert type(exc).__name__ == "TimeoutError" and str(exc) == "Timeout 20000ms exceeded."

    class Failed:  # what Scrapy's errback hands over
        value = exc

    assert failure_text(Failed()) == "超时（TimeoutError）"  # type: ignore[arg-type]


def test_an_owner_that_is_gone_or_dies_mid_answer_is_unavailable(tmp_path: Path) -> None:
    async def go() -> None:
        request = Request("http://a.gov.cn/", meta={"playwright": True})
        with pytest.raises(RenderServiceUnavailable, match="No such file"):
            await render_apart(str(tmp_path / "none.sock"), request, connect_wait_s=0)
        path = str(tmp_path / "r.sock")
        head = wire.encode_response(HtmlResponse("http://a.gov.cn/", body=b"<html></html>"), {}, [])
        server = await _serve_once(path, [head, b"CUT"])
        try:
            with pytest.raises(RenderServiceUnavailable, match="connection lost"):
                await render_apart(path, request)
        finally:
            server.close()

    asyncio.run(go())


def test_renders_are_served_only_from_a_folder_closed_to_other_users(tmp_path: Path) -> None:
    folder = tmp_path / "render"
    folder.mkdir(mode=0o700)
    assert private_folder_problem(folder) is None
    folder.chmod(0o750)
    assert "open to other users (mode 750)" in (private_folder_problem(folder) or "")
    assert "No such file" in (private_folder_problem(tmp_path / "none") or "")


def test_the_launcher_names_a_private_socket_for_several_workers() -> None:
    with render_socket_env(2, False, []) as env:
        folder = Path(env["GOVAUDIT_RENDER_SOCKET"]).parent
        assert private_folder_problem(folder) is None and folder.stat().st_mode & 0o777 == 0o700
    assert not folder.exists()
    for jobs, in_each, rest in [(1, False, []), (2, True, []), (2, False, ["GOVAUDIT_RENDER_SOCKET="])]:
        with render_socket_env(jobs, in_each, rest) as env:
            assert env == {}
