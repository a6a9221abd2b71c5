"""`scrapy findings import FILE [--rubric NAME]`: add manual findings (CSV or YAML) to the store."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from govaudit.scoring.manual import ManualFindingError, import_manual_findings
from govaudit.scoring.rubric import RubricError, load_rubric
from govaudit.store import models as m


def known_indicators(rubrics_dir: str | Path, rubric: str | None = None) -> set[str]:
    """Indicator ids of one rubric, or of every valid rubric file in the folder."""
    if rubric:
        return {ind.id for ind in load_rubric(rubric, rubrics_dir).indicators}
    ids: set[str] = set()
    for path in sorted(Path(rubrics_dir).glob("*.y*ml")):
        try:
            ids |= {ind.id for ind in load_rubric(str(path), rubrics_dir).indicators}
        except RubricError:
            continue
    return ids


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "import FILE [--rubric NAME|PATH]"

    def short_desc(self) -> str:
        return "Import manual findings (site_id, indicator, points, message, author, valid_from, evidence_url)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--rubric", default=None,
                            help="check indicator ids against this rubric (default: every rubric file)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2 or args[0] != "import":
            raise UsageError("usage: scrapy findings import FILE")
        assert self.settings is not None
        settings = self.settings
        try:
            known = known_indicators(settings.get("GOVAUDIT_RUBRICS_DIR"), opts.rubric)
        except RubricError as exc:
            print(f"error: {exc}")
            self.exitcode = 1
            return
        engine = create_engine(settings.get("GOVAUDIT_DATABASE_URL"))
        m.Base.metadata.create_all(engine)
        with Session(engine) as session:
            try:
                added = import_manual_findings(session, args[1], known or None)
            except ManualFindingError as exc:
                print(f"error: nothing imported:\n{exc}")
                self.exitcode = 1
                return
            except (OSError, UnicodeDecodeError, csv.Error, RecursionError) as exc:
                # a file that is not text, or not the shape we read: one line, no traceback
                print(f"error: nothing imported: {args[1]}: cannot be read ({type(exc).__name__}: "
                      f"{str(exc)[:200]})")
                self.exitcode = 1
                return
        print(f"imported {added} manual finding(s) from {args[1]}")
