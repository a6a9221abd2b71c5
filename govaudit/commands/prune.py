"""`scrapy prune [--days N] [--dry-run]`: remove the evidence archives (WARC files) and screenshots of runs
older than the retention period (GOVAUDIT_EVIDENCE_RETENTION_DAYS); results are kept."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy.orm import Session

from govaudit.archive.prune import prune
from govaudit.store.db import get_engine


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--days N] [--dry-run]"

    def short_desc(self) -> str:
        return "Remove expired evidence archives and screenshots (results are kept)"

    def long_desc(self) -> str:
        return ("Remove the WARC files and screenshots (GOVAUDIT_EVIDENCE_DIR/<run>/) of runs that started more "
                "than N days ago (default GOVAUDIT_EVIDENCE_RETENTION_DAYS), with their index rows. Runs, "
                "evidence rows, scores, findings and rendered report bundles are never touched.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--days", type=int, default=None,
                            help="retention in days (default: GOVAUDIT_EVIDENCE_RETENTION_DAYS)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("prune takes no arguments")
        assert self.settings is not None
        days = opts.days if opts.days is not None else self.settings.getint("GOVAUDIT_EVIDENCE_RETENTION_DAYS")
        if days < 0:
            raise UsageError("--days must be 0 or more")
        evidence_dir = Path(self.settings.get("GOVAUDIT_EVIDENCE_DIR"))
        with Session(get_engine(self.settings.get("GOVAUDIT_DATABASE_URL"))) as session:
            result = prune(session, evidence_dir, days, dry_run=opts.dry_run)
        verb = "would remove" if opts.dry_run else "removed"
        for exp in result.expired:
            when = f"started {exp.started:%Y-%m-%d}" if exp.started else "no run record"
            print(f"{verb} {exp.run_id} ({when}): {exp.files} file(s), {exp.bytes / 1e6:.1f} MB")
        print(f"{evidence_dir}: {verb} {len(result.expired)} run(s), {result.bytes / 1e6:.1f} MB, "
              f"{result.index_rows} archive index row(s), {result.screenshot_rows} screenshot row(s); "
              f"kept {result.kept} run(s) younger than {days} day(s) (cut-off {result.cutoff:%Y-%m-%d %H:%M} UTC)")
