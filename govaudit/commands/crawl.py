"""`scrapy crawl` as Scrapy's, with govaudit's exit status: non-zero when the run was interrupted or an
output after the crawl failed (govaudit.extensions.summary), not only when the crawl could not start."""

from __future__ import annotations

import argparse

from scrapy import signals
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from govaudit.crawl.redact import skip_unemitted_records
from govaudit.extensions.summary import EXIT_ATTR, LINES_ATTR


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider: scrapy crawl audit | probe")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        # once the crawler has (re)installed Scrapy's root handler, which sets the root logger to NOTSET again
        crawler.signals.connect(skip_unemitted_records, signal=signals.engine_started, weak=False)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        self.exitcode = self.exitcode or int(getattr(crawler, EXIT_ATTR, 0) or 0)
        lines = getattr(crawler, LINES_ATTR, None)
        if lines:  # after every component has closed: these are the command's last lines
            print("\n".join(lines), flush=True)
