"""The crawl's report rendered in a process of its own, beside the run's last screenshots.

At the close of a crawl the screenshots still to take run on the crawl's event loop (Chromium does the work,
the loop answers its requests). A report rendered in a thread of the crawler holds the interpreter lock that
loop needs (beside a busy thread each screenshot took 2.3 times as long); a process of its own renders on
the other core. `ReportProcess(job)` starts rendering at once every output that does not link the
screenshots, then waits; `go()` (the screenshots are stored) lets it attach them and write the evidence
copies and the site pages; `outcome()` waits for its answer. A process that dies without answering is said
so (`Outcome.answered` False): the caller may render in its own process instead."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

GO = "go"


@dataclass(frozen=True)
class ReportJob:
    database_url: str
    run_id: str
    reports_dir: str
    templates_dir: str
    rubrics_dir: str | None = None
    evidence_dir: str | None = None
    log_file: str | None = None  # the crawl's log (the process appends to it), else standard error
    log_level: str = "INFO"
    log_format: str = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
    log_datefmt: str = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Outcome:
    path: str | None = None  # the bundle (written, with every output not in `failed`)
    failed: dict[str, str] = field(default_factory=dict)  # outputs not written: {name: error}
    error: str = ""  # the render failed as a whole (its traceback)
    answered: bool = True  # False: the process died without an answer


class ReportProcess:
    def __init__(self, job: ReportJob) -> None:
        ctx = multiprocessing.get_context("forkserver")  # the parse pool's fork server when it runs
        self._job = job
        self._started = time.time()
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_main, args=(child, job), daemon=True, name="govaudit-report")
        self._proc.start()
        child.close()

    def go(self) -> None:
        """The screenshots are stored: render the pages that link them."""
        with contextlib.suppress(OSError):  # the process is gone: `outcome` says so
            self._conn.send(GO)

    def outcome(self) -> Outcome:
        """The process's answer (blocking: call it off the event loop)."""
        try:
            answer: Outcome = self._conn.recv()
        except (EOFError, OSError):
            self._proc.join(5)
            self._remove_leftovers()
            return Outcome(error=f"the report process exited with code {self._proc.exitcode} without answering",
                           answered=False)
        finally:
            self._conn.close()
        self._proc.join(30)
        return answer

    def _remove_leftovers(self) -> None:
        """The half-written bundle folder a killed process left (render_bundle writes beside the bundle)."""
        from govaudit.reporting.safety import bundle_dir_name

        for folder in Path(self._job.reports_dir).glob(f".{bundle_dir_name(self._job.run_id)}.*"):
            with contextlib.suppress(OSError):
                if folder.is_dir() and folder.stat().st_mtime >= self._started - 1:
                    shutil.rmtree(folder)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self._proc.kill()
            self._proc.join(5)
        self._conn.close()


class _Stopped(Exception):
    pass


def render(job: ReportJob, copies_ready: Callable[[], None] | None = None) -> Outcome:
    """The job's bundle rendered here (in the report's process, or in the crawler when that process died)."""
    from govaudit.reporting.render import BundleIncomplete, render_bundle
    from govaudit.store.db import get_engine

    try:
        path = render_bundle(get_engine(job.database_url), job.run_id, Path(job.reports_dir), Path(job.templates_dir),
                             rubrics_dir=job.rubrics_dir, evidence_dir=job.evidence_dir, copies_ready=copies_ready)
    except BundleIncomplete as exc:
        return Outcome(path=str(exc.path), failed=exc.failed)
    except _Stopped:
        raise
    except Exception:  # said to the crawler, which logs it with the run's id
        return Outcome(error=traceback.format_exc())
    return Outcome(path=str(path))


def _main(conn: Connection, job: ReportJob) -> None:
    _log_to(job)

    def copies_ready() -> None:
        try:
            if conn.recv() != GO:
                raise _Stopped
        except (EOFError, OSError):  # the crawler is gone: nothing to finish for
            raise _Stopped from None

    try:
        answer = render(job, copies_ready)
    except _Stopped:
        return
    with contextlib.suppress(OSError):
        conn.send(answer)


def _log_to(job: ReportJob) -> None:
    handler: logging.Handler = (logging.FileHandler(job.log_file, encoding="utf-8") if job.log_file
                                else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter(job.log_format, job.log_datefmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(job.log_level)
