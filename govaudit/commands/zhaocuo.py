"""`scrapy zhaocuo import FILE [--rubric NAME]`: import the 「我为政府网站找错」 platform's export (CSV/XLSX).

The reply time limit and the points of a late reply are those of the rubric's C19-D24 (params reply_workdays,
points); overdue messages become C19-D24 findings of their sites. Exit status 1 on a bad file."""

from __future__ import annotations

import argparse
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy.orm import Session

from govaudit.observations.zhaocuo import INDICATOR, ZhaocuoImportError, import_messages, reply_limit
from govaudit.scoring.rubric import RubricError, load_rubric
from govaudit.store.db import get_engine


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "import FILE [--rubric NAME|PATH]"

    def short_desc(self) -> str:
        return "Import the 我为政府网站找错 platform's messages (id, site, received, replied, finished, status)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--rubric", default=None, help="rubric giving the C19-D24 time limit (default GOVAUDIT_DEFAULT_RUBRIC)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2 or args[0] != "import":
            raise UsageError("usage: scrapy zhaocuo import FILE")
        assert self.settings is not None
        settings = self.settings
        try:
            rubric = load_rubric(opts.rubric or settings.get("GOVAUDIT_DEFAULT_RUBRIC"), settings.get("GOVAUDIT_RUBRICS_DIR"))
        except RubricError as exc:
            print(f"error: {exc}")
            self.exitcode = 1
            return
        ind = next((i for i in rubric.indicators if i.id == INDICATOR), None)
        params = dict(ind.params) if ind is not None else {}
        engine = get_engine(settings.get("GOVAUDIT_DATABASE_URL"))
        with Session(engine) as session:
            try:
                count, unlinked = import_messages(session, args[1], limit=reply_limit(params),
                                                  points=params.get("points"))
            except ZhaocuoImportError as exc:
                print(f"error: {exc}")
                self.exitcode = 1
                return
        print(f"imported {count} message(s) from {args[1]}" + (f"; {unlinked} not linked to a registry site" if unlinked else ""))
