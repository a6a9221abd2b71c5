"""`scrapy report RUN [--out DIR]`: render (again) the report bundle of a stored run;
`scrapy report --monthly YYYY-MM [--out DIR]`: the monthly report of daily monitoring (运行情况月报).

Exit status 0 with the bundle's path; 1 when the run is unknown, or when an output of the bundle could not
be written (each failed output is named; the others are in the bundle)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.store.db import get_engine
from govaudit.store.models import Run


def latest_run_id(session: Session) -> str | None:
    """The most recently started run (finished ones first, when two started at the same time)."""
    return session.scalars(select(Run.id).order_by(Run.started.desc(), Run.asof.desc()).limit(1)).first()


class Command(ScrapyCommand):
    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "RUN [--out DIR] [--region NAME] | --monthly YYYY-MM [--out DIR]"

    def short_desc(self) -> str:
        return "Render the HTML report bundle of a stored run (RUN may be 'latest')"

    def long_desc(self) -> str:
        return (
            "Render the report bundle of run RUN from the SQL store (GOVAUDIT_DATABASE_URL) into "
            "DIR/<run>/ (default GOVAUDIT_REPORTS_DIR) with the templates of GOVAUDIT_TEMPLATES_DIR, "
            "and print the bundle's path. RUN 'latest' picks the most recent run."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--out", metavar="DIR", default=None, help="folder receiving <run>/ (default: GOVAUDIT_REPORTS_DIR)")
        parser.add_argument("--region", metavar="NAME", default=None,
                            help="a region's own bundle (its sites and pass rate) in <run>/regions/<NAME>/")
        parser.add_argument("--monthly", metavar="YYYY-MM", default=None,
                            help="the monthly report of daily monitoring for that month (into DIR/monthly-YYYY-MM/)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        monthly = getattr(opts, "monthly", None)
        if monthly:
            if args:
                raise UsageError("--monthly takes no RUN")
            from govaudit.reporting.monthly_command import report_month

            assert self.settings is not None
            self.exitcode = report_month(self.settings, monthly, opts.out)
            return
        from govaudit.reporting import BundleIncomplete, RunNotFound, render_bundle  # loaded when used

        if len(args) != 1:
            raise UsageError("give exactly one RUN id (or 'latest')")
        assert self.settings is not None
        url = self.settings.get("GOVAUDIT_DATABASE_URL")
        out = Path(opts.out or self.settings.get("GOVAUDIT_REPORTS_DIR"))
        templates = Path(self.settings.get("GOVAUDIT_TEMPLATES_DIR"))
        engine = get_engine(url, create=False)
        with Session(engine) as session:
            run_id = args[0]
            if run_id == "latest":
                found = latest_run_id(session)
                if found is None:
                    print(f"No runs in {engine.url.render_as_string(hide_password=True)}")
                    self.exitcode = 1
                    return
                run_id = found
            try:
                bundle = render_bundle(session, run_id, out, templates,
                                       rubrics_dir=self.settings.get("GOVAUDIT_RUBRICS_DIR"), region=getattr(opts, "region", None),
                                       evidence_dir=self.settings.get("GOVAUDIT_EVIDENCE_DIR"))
            except RunNotFound as exc:
                print(f"Error: {exc} in {engine.url.render_as_string(hide_password=True)}")
                self.exitcode = 1
                return
            except BundleIncomplete as exc:
                print(exc.path)
                for name, error in exc.failed.items():
                    print(f"Error: output {name} not written: {error}")
                self.exitcode = 1
                return
        print(bundle)
