"""The last lines of `scrapy crawl audit`: what the run found, in a few lines a person reads (sites,
verdicts, pass rate, unfinished sites, where the report is), instead of Scrapy's stats dump; and the exit
status a scheduler acts on: 0 finished and reported, 1 the report (or another output) failed, 3 the run was
interrupted (resume it)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import select

from govaudit.distributed.scheduling import is_distributed
from govaudit.distributed.siteshare import shares_sites
from govaudit.reporting.stats import pass_rate
from govaudit.runs import AuditRun, current_run
from govaudit.store import models as m
from govaudit.store.db import session_factory

EXIT_OK, EXIT_OUTPUT_FAILED, EXIT_INTERRUPTED = 0, 1, 3
EXIT_ATTR = "govaudit_exit_code"  # read by govaudit.commands.crawl, which prints the lines last
LINES_ATTR = "govaudit_summary"


class LastLines:
    """Sets the command's last lines and exit status when the engine stops; `lines()` says what they are."""

    run: AuditRun
    crawler: Any
    label = "run"

    def lines(self) -> tuple[list[str], int]:
        raise NotImplementedError

    def engine_stopped(self) -> None:
        try:
            out, code = self.lines()
        except Exception as exc:  # the summary must never hide the run's own outcome
            out, code = [f"govaudit: {self.label} {self.run.run_id}: no summary ({type(exc).__name__}: {exc})"], 1
        setattr(self.crawler, EXIT_ATTR, code)
        setattr(self.crawler, LINES_ATTR, out)


class RunSummary(LastLines):
    def __init__(self, run: AuditRun, crawler: Any) -> None:
        self.run = run
        self.crawler = crawler
        self.database_url = crawler.settings.get("GOVAUDIT_DATABASE_URL")
        # several workers crawl the run: this one's page count is only its share
        self.shared = is_distributed(crawler.settings) or shares_sites(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunSummary:
        run = current_run(crawler)
        if run is None:
            raise NotConfigured("no audit run")
        ext = cls(run, crawler)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def lines(self) -> tuple[list[str], int]:
        stats = self.crawler.stats
        with session_factory(self.database_url)() as s:
            run = s.get(m.Run, self.run.run_id)
            status = run.status if run is not None else "unknown"
            verdicts = Counter(s.scalars(select(m.Score.verdict).where(m.Score.run_id == self.run.run_id)))
        rate = pass_rate(verdicts["qualified"], verdicts["unqualified"])
        unfinished = int(stats.get_value("govaudit/sites_unfinished", 0) or 0)
        out = [
            f"govaudit: run {self.run.run_id} {status} — as-of {self.run.asof}, rubric {self.run.rubric.name}",
            (f"govaudit: sites {len(self.run.targets)}: qualified {verdicts['qualified']}, unqualified "
            f"{verdicts['unqualified']}, could not audit {verdicts['unaudited']}, unfinished {unfinished}; "
            f"pass rate {'—' if rate is None else f'{rate}%'}; pages {stats.get_value('response_received_count', 0)}"
             + (" (this worker's)" if self.shared else "")),
        ]
        code = EXIT_OK
        report = stats.get_value("govaudit/report")
        if report:
            out.append(f"govaudit: report bundle: {report}/index.html")
        failed = stats.get_value("govaudit/report_failed")
        if failed:
            out.append(f"govaudit: report output(s) not written: {failed} (see the log); render again: "
                       f"scrapy report {self.run.run_id}")
            code = EXIT_OUTPUT_FAILED
        if status != "finished" and self.run.owns_run:
            out.append(f"govaudit: resume the run with the same JOBDIR or -a run={self.run.run_id}")
            code = code or EXIT_INTERRUPTED
        return out, code
