"""The end of a daily pass: the day's alerts (and digest) once the run is stored and finished, then the
command's last lines and exit status, like an audit's (govaudit.extensions.summary): 0 finished, 1 the
alerts or their messages failed, 3 the pass was interrupted (resume it with the same JOBDIR or -a run=)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import Integer, func, select

from govaudit.extensions.summary import EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT_FAILED, LastLines
from govaudit.monitoring.check import CheckResult, run_check
from govaudit.runs import AuditRun, current_run
from govaudit.store import models as m
from govaudit.store.db import session_factory

logger = logging.getLogger(__name__)


class MonitorClose(LastLines):
    label = "monitor run"

    def __init__(self, run: AuditRun, crawler: Any) -> None:
        self.run = run
        self.crawler = crawler
        self.settings = crawler.settings
        self.check: CheckResult | None = None
        self.check_error = ""

    @classmethod
    def from_crawler(cls, crawler: Any) -> MonitorClose:
        run = current_run(crawler)
        if run is None or run.kind != "monitor":
            raise NotConfigured("no monitor run")
        ext = cls(run, crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        try:
            self.check = run_check(self.settings, self.run.asof, [s.site_id for s in self.run.targets],
                                   digest=self.settings.getbool("GOVAUDIT_MONITOR_DIGEST_ON_CLOSE"),
                                   rubric=self.run.rubric)
        except Exception as exc:  # the pass is stored; say the alerts failed and exit non-zero
            logger.exception("govaudit: alerts of %s failed", self.run.asof)
            self.check_error = f"{type(exc).__name__}: {exc}"

    def lines(self) -> tuple[list[str], int]:
        stats = self.crawler.stats
        with session_factory(self.settings.get("GOVAUDIT_DATABASE_URL"))() as s:
            run = s.get(m.Run, self.run.run_id)
            status = run.status if run is not None else "unknown"
            day = s.execute(select(func.count(), func.sum(m.MonitorSiteDay.reachable.cast(Integer)),
                                   func.sum(m.MonitorSiteDay.new_entries), func.sum(m.MonitorSiteDay.removed_entries),
                                   func.sum(m.MonitorSiteDay.flags))
                            .where(m.MonitorSiteDay.run_id == self.run.run_id)).one()
        sites, reachable, new, removed, flags = (int(v or 0) for v in day)
        requests = int(stats.get_value("downloader/request_count", 0) or 0)
        not_modified = int(stats.get_value("downloader/response_status_count/304", 0) or 0)
        out = [
            f"govaudit: monitor run {self.run.run_id} {status} — day {self.run.asof}",
            (f"govaudit: sites {sites}/{len(self.run.targets)} passed, reachable {reachable}; new entries {new}, "
             f"taken off {removed}, suspected forged dates {flags}; requests {requests} ({not_modified} not modified)"),
        ]
        code = EXIT_OK
        if self.check is not None:
            c = self.check
            out.append(f"govaudit: alerts opened {len(c.opened)}, cleared {len(c.cleared)}, still open {c.still_open}"
                       + (f"; messages sent {c.sent}, failed {c.failed}" if c.notified else "; no recipients set"))
            if c.failed:
                code = EXIT_OUTPUT_FAILED
        else:
            out.append(f"govaudit: the alerts failed ({self.check_error or 'not run'}); run again: scrapy monitor check "
                       f"--day {self.run.asof}")
            code = EXIT_OUTPUT_FAILED
        if status != "finished":
            out.append(f"govaudit: resume the pass with the same JOBDIR or -a run={self.run.run_id}")
            code = code or EXIT_INTERRUPTED
        return out, code
