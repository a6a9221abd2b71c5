"""Parse worker processes: every page is parsed off the reactor, on every core, under a time limit.

`ParsePool(workers, timeout)` keeps `workers` processes (forked from a fork server that has the extractors
imported) and as many dispatch threads; `await pool.parse(job)` hands the job to an idle worker and waits
for its answer without blocking the reactor. A worker that has not answered within `timeout` seconds is
killed and replaced, and the job's answer is a `Parsed` with `error` set, which the spider records on the
page's column; a worker that dies (out of memory, a crash in libxml2) likewise. With `workers=0` the pool
parses in the calling thread (in-process component tests, debugging): size limit only, no time limit.

The pool is closed with the crawler (`spider_closed`): dispatch threads stop and the workers exit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import queue
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from govaudit.crawl.parsing import Parsed, ParseJob, analyse

logger = logging.getLogger(__name__)

_PRELOAD = ["govaudit.crawl.parsing"]
_START_TIMEOUT = 120.0  # seconds a new worker may take to start and warm up (not counted in a page's limit)
_WARM_PAGE = ("<html><head><title>示范</title></head><body><div class='nav'><a href='/a/'>通知公告</a></div><ul>"
              "<li><a href='/a/1.html'>关于开展检查的通知</a><span>2026-11-01</span> 留言时间：2026-11-01</li></ul>"
              "<div class='footer'>主办单位：示范</div></body></html>").encode()


def _warm_up() -> None:
    """Run every extractor once (patterns compiled, caches filled) so the first timed page pays none of it."""
    import datetime as dt

    from govaudit.crawl.parsing import COLUMN, HOME

    for kind in (HOME, COLUMN):
        with contextlib.suppress(Exception):
            analyse(ParseJob(kind, _WARM_PAGE, "http://127.0.0.1/a/", "utf-8", 200, dt.date(2026, 1, 1),
                             follow=True, category="consultation", sub_columns=True))


def _serve(conn: Connection) -> None:
    """A worker's loop: warm up and say so, then a job in, a `Parsed` out, until the pipe closes or a None."""
    _warm_up()
    try:
        conn.send("ready")
    except (OSError, ValueError):
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            result = analyse(job)
        except Exception as exc:  # one bad page must not take the worker with it
            result = Parsed(error=f"页面无法解析（{type(exc).__name__}）")
            result.notes.append(traceback.format_exc(limit=5))
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


def _timeout_note(timeout: float) -> str:
    return f"页面解析超时（超过 {timeout:g} 秒），本页未能读取"


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self.proc: Any = None
        self.conn: Connection | None = None
        self.ready = False
        self._start()

    def _start(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        self.proc = self._ctx.Process(target=_serve, args=(child,), daemon=True, name="govaudit-parse")
        self.proc.start()
        child.close()
        self.conn = parent
        self.ready = False

    def _restart(self) -> None:
        self.stop(kill=True)
        self._start()

    def call(self, job: ParseJob, timeout: float) -> tuple[Parsed, str]:
        """(answer, what went wrong with the worker or "")."""
        assert self.conn is not None
        if not self.proc.is_alive():
            self._restart()
        try:
            if not self.ready:  # the start-up is not the page's time
                if not self.conn.poll(_START_TIMEOUT):
                    self._restart()
                    return Parsed(error="页面无法解析（解析进程未能启动）"), "parse worker did not start"
                self.conn.recv()
                self.ready = True
            self.conn.send(job)
            if self.conn.poll(timeout):
                return self.conn.recv(), ""
        except (EOFError, OSError) as exc:  # the worker died under the page
            code = self.proc.exitcode
            self._restart()
            return Parsed(error="页面无法解析（解析进程异常退出）"), f"parse worker died ({exc!r}, exit {code})"
        self._restart()
        return Parsed(error=_timeout_note(timeout)), f"parse time limit ({timeout:g} s)"

    def stop(self, *, kill: bool = False) -> None:
        if self.conn is not None:
            if not kill:
                with contextlib.suppress(OSError, ValueError):
                    self.conn.send(None)
            self.conn.close()
            self.conn = None
        if self.proc is not None:
            if kill:
                self.proc.kill()
            self.proc.join(timeout=5)
            if self.proc.is_alive():
                self.proc.kill()
                self.proc.join(timeout=5)
            self.proc = None


class ParsePool:
    def __init__(self, workers: int, timeout: float) -> None:
        self.workers = max(0, workers)
        self.timeout = timeout
        self.killed = 0  # jobs abandoned on the time limit or a dead worker
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._threads: ThreadPoolExecutor | None = None
        self._closed = False

    @property
    def inline(self) -> bool:
        return self.workers == 0

    def _ensure_started(self) -> None:
        with self._lock:
            if self._threads is not None or self._closed:
                return
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            for _ in range(self.workers):
                worker = _Worker(ctx)
                self._all.append(worker)
                self._idle.put(worker)
            self._threads = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="govaudit-parse")

    def parse_inline(self, job: ParseJob) -> Parsed:
        try:
            return analyse(job)
        except Exception as exc:
            logger.exception("parse failed: %s", job.url)
            return Parsed(error=f"页面无法解析（{type(exc).__name__}）")

    async def parse(self, job: ParseJob) -> Parsed:
        if self.inline:
            return self.parse_inline(job)
        self._ensure_started()
        if self._closed or self._threads is None:
            return Parsed(error="页面未解析（爬取已停止）")
        return await asyncio.get_running_loop().run_in_executor(self._threads, self._dispatch, job)

    def _dispatch(self, job: ParseJob) -> Parsed:
        worker = self._idle.get()
        try:
            if self._closed:
                return Parsed(error="页面未解析（爬取已停止）")
            result, trouble = worker.call(job, self.timeout)
        finally:
            self._idle.put(worker)
        if trouble:
            self.killed += 1
            logger.warning("%s: %s", job.url, trouble)
        elif result.error and result.notes:
            logger.warning("%s: %s\n%s", job.url, result.error, result.notes.pop())
        return result

    def close(self) -> None:
        """Stop the dispatch threads (queued jobs are dropped) and the workers."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = self._threads
        if threads is not None:
            threads.shutdown(wait=True, cancel_futures=True)
        for worker in self._all:
            worker.stop()
        self._all.clear()


def pool_for(crawler: Any) -> ParsePool:
    """The crawler's parse pool (GOVAUDIT_PARSE_WORKERS processes, GOVAUDIT_PARSE_TIMEOUT seconds a page),
    closed when the spider closes."""
    from scrapy import signals

    pool = getattr(crawler, "_govaudit_parse_pool", None)
    if pool is None:
        pool = ParsePool(crawler.settings.getint("GOVAUDIT_PARSE_WORKERS"),
                         crawler.settings.getfloat("GOVAUDIT_PARSE_TIMEOUT"))
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        crawler._govaudit_parse_pool = pool
    return pool
