"""One Chromium per machine when several crawler processes share a run (`python -m govaudit.parallel -j N`).

Each crawler process that renders runs a Playwright driver and a Chromium (govaudit.crawl.browser): about
350 MB with their helper processes. With two crawlers on a 2-core machine that put a 600-site province over
1 GB. Here the worker that owns the run (it takes the screenshots, so it has a browser anyway) renders for the
others: the launcher names a Unix socket in a folder only its user can enter (GOVAUDIT_RENDER_SOCKET), the
owner serves renders on it (`RenderService`, an extension), and the other workers' download handler sends
their renders there (`render_apart`) instead of starting a browser of their own.

Only the render itself crosses: the asking worker's downloader middlewares (scope guard, retries, redirects,
rate limits) and its slot (the site's politeness) handle the request as for a local render, its archive keeps
the rendered page, and its spider reads it. The owner renders in its shared tabs, under its render limit
(PLAYWRIGHT_MAX_PAGES_PER_CONTEXT), with the request's own scope policy. The wire format is JSON frames
(govaudit.crawl.renderwire): nothing is unpickled, and the owner checks that the peer runs as its own user.

If the socket cannot be reached (the owner is not up yet, or is gone), the worker waits a little
(CONNECT_WAIT_S) and then renders in a browser of its own, with a warning: a render is never lost to this."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import stat
import struct
import time
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from govaudit.crawl.renderwire import (
    MAX_BODY,
    MAX_HEAD,
    WireError,
    decode_request,
    decode_response,
    encode_error,
    encode_request,
    encode_response,
    meta_changes,
    read_frame,
    write_frame,
)

logger = logging.getLogger(__name__)

SETTING = "GOVAUDIT_RENDER_SOCKET"
CONNECT_WAIT_S = 10.0  # how long a worker waits for the owner's socket before rendering itself
REQUEST_WAIT_S = 30.0  # for the asking worker to send its request once connected
ANSWER_MARGIN_S = 60.0  # beyond the request's download timeout: the owner may first wait for a free tab
_PEERCRED = struct.Struct("3i")


class RenderServiceUnavailable(ConnectionError):
    """The owner's render socket could not be reached, or the connection broke before the answer."""


class RemoteRenderError(Exception):
    """A render that failed in the owner; subclassed under the original error's name (failure_text reads it)."""


_ERRORS: dict[str, type[RemoteRenderError]] = {}


def _remote_error(name: str, message: str) -> RemoteRenderError:
    name = name if name.isidentifier() else "RenderError"
    cls = _ERRORS.get(name)
    if cls is None:
        cls = _ERRORS[name] = type(name, (RemoteRenderError,), {"__module__": __name__})
    return cls(message)


def render_socket(crawler: Any) -> str | None:
    """Where this crawler's renders go: the launcher's socket, unless this worker owns the run (it serves)
    or the crawl is not part of a run (a probe). None: it renders in its own browser."""
    path = str(crawler.settings.get(SETTING) or "")
    if not path:
        return None
    from govaudit.runs import current_run

    run = current_run(crawler)
    return path if run is not None and not run.owns_run else None


async def render_apart(path: str, request: Request, connect_wait_s: float = CONNECT_WAIT_S) -> Response:
    """`request` rendered by the worker serving on `path`: its response, or the render's own error
    (a RemoteRenderError under the same name); RenderServiceUnavailable if no answer could be had."""
    deadline = time.monotonic() + connect_wait_s
    while True:
        try:
            reader, writer = await asyncio.open_unix_connection(path)
            break
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            if time.monotonic() >= deadline:
                raise RenderServiceUnavailable(f"render socket {path}: {exc.strerror or exc}") from exc
            await asyncio.sleep(0.2)
        except OSError as exc:
            raise RenderServiceUnavailable(f"render socket {path}: {exc}") from exc
    timeout = float(request.meta.get("download_timeout") or 180) + ANSWER_MARGIN_S
    try:
        await write_frame(writer, encode_request(request))
        head = await asyncio.wait_for(read_frame(reader, MAX_HEAD), timeout)
        answer = json.loads(head)
        if "error" in answer:
            raise _remote_error(str(answer["error"]), str(answer.get("message", "")))
        body = await read_frame(reader, MAX_BODY)
    except (asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
        raise RenderServiceUnavailable(f"render socket {path}: connection lost ({type(exc).__name__})") from exc
    finally:
        writer.close()
    return decode_response(head, body, request)


def _peer_uid(writer: asyncio.StreamWriter) -> int | None:
    sock = writer.get_extra_info("socket")
    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
    except (AttributeError, OSError):
        return None  # no peer credentials here: the folder's mode is the only gate
    return _PEERCRED.unpack(raw)[1]


def private_folder_problem(folder: Path) -> str | None:
    """Why renders may not be served in `folder` (None: it is ours and closed to every other user)."""
    try:
        st = folder.stat()
    except OSError as exc:
        return f"{folder}: {exc.strerror or exc}"
    if not stat.S_ISDIR(st.st_mode):
        return f"{folder} is not a folder"
    if st.st_uid != os.getuid():
        return f"{folder} belongs to another user"
    if st.st_mode & 0o077:
        return f"{folder} is open to other users (mode {stat.S_IMODE(st.st_mode):o}); it must be 700"
    return None


class RenderService:
    """EXTENSION: the run's owner serves the other workers' renders on GOVAUDIT_RENDER_SOCKET."""

    def __init__(self, crawler: Any, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.server: asyncio.AbstractServer | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RenderService:
        path = str(crawler.settings.get(SETTING) or "")
        if not path:
            raise NotConfigured(f"{SETTING} is not set: each worker renders in its own browser")
        ext = cls(crawler, path)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    async def spider_opened(self, spider: Any) -> None:
        from govaudit.runs import current_run

        run = current_run(self.crawler)
        if run is None or not run.owns_run:
            return  # a joining worker asks; it does not serve
        problem = private_folder_problem(Path(self.path).parent)
        if problem is not None:
            logger.error("govaudit: renders are not served to the other workers (%s); each renders itself", problem)
            return
        path = Path(self.path)
        if path.is_socket():  # left by a worker that was killed
            path.unlink()
        try:
            self.server = await asyncio.start_unix_server(self._serve, path=self.path)
        except OSError as exc:  # e.g. a path longer than a socket address takes
            logger.error("govaudit: renders are not served on %s (%s); each worker renders itself", self.path, exc)
            return
        logger.info("govaudit: serving the other workers' renders on %s", self.path)

    async def spider_closed(self, spider: Any, reason: str) -> None:
        if self.server is None:
            return
        self.server.close()
        self.server = None
        Path(self.path).unlink(missing_ok=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stats = self.crawler.stats
        try:
            uid = _peer_uid(writer)
            if uid is not None and uid != os.getuid():
                logger.warning("govaudit: a process of user %d connected to the render socket; refused", uid)
                return
            request = decode_request(await asyncio.wait_for(read_frame(reader, MAX_HEAD), REQUEST_WAIT_S))
            before = dict(request.meta)
            try:
                response = await self._render(request)
            except Exception as exc:  # the render's own failure goes back to the asking worker
                stats.inc_value("govaudit/renders_served_failed")
                await write_frame(writer, encode_error(exc))
                return
            await write_frame(writer, encode_response(response, request.meta, meta_changes(before, request.meta)))
            await write_frame(writer, response.body)
            stats.inc_value("govaudit/renders_served")
        except (WireError, asyncio.IncompleteReadError, ConnectionError, TimeoutError) as exc:
            logger.warning("govaudit: a render request on %s was not answered: %s", self.path, exc)
        except Exception:  # the asking worker renders itself; this worker's crawl goes on
            logger.exception("govaudit: a render request on %s failed", self.path)
        finally:
            writer.close()

    async def _render(self, request: Request) -> Response:
        """Rendered as this worker renders its own: in a leased tab of the shared browser, by its handler."""
        if not request.meta.get("playwright"):
            raise WireError("only renders are served")
        engine = self.crawler.engine
        tabs = _tab_middleware(engine)
        if tabs is not None:
            await tabs.process_request(request)
        try:
            response = await engine.downloader.handlers.download_request_async(request)
        except BaseException as exc:
            if tabs is not None:
                await tabs.process_exception(request, exc)
            raise
        if tabs is not None:
            await tabs.process_response(request, response)
        return response


def _tab_middleware(engine: Any) -> Any:
    from govaudit.crawl.tabs import ReuseRenderTabs

    for mw in engine.downloader.middleware.middlewares:
        if isinstance(mw, ReuseRenderTabs):
            return mw
    return None
