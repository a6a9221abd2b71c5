"""`scrapy rescore RUN [--rubric NAME] [--asof DATE]`: score a stored crawl again into a new run.

Nothing is copied: a new run row (kind="rescore", parent_run_id=RUN) receives scores and findings
computed by the same check functions from the evidence rows of the crawl behind RUN.

With --reextract the evidence itself is rebuilt first: the crawl's pages are read again from its WARC
archive by the current extractor (no network) into a new run of its own (govaudit.archive.reextract)."""

from __future__ import annotations

import argparse
import datetime as dt
import uuid
from collections import Counter
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from govaudit.scoring.model import Rubric, ScoreResult
from govaudit.scoring.rubric import RubricError, load_rubric
from govaudit.scoring.service import score_run
from govaudit.store import models as m


class RescoreError(LookupError):
    pass


def evidence_run_of(session: Session, run_id: str) -> m.Run:
    """The crawl whose rows hold the evidence: a rescore run points to its parent, recursively."""
    seen: set[str] = set()
    run = session.get(m.Run, run_id)
    if run is None:
        raise RescoreError(f"run {run_id!r} not found")
    while run.kind == "rescore" and run.parent_run_id and run.id not in seen:
        seen.add(run.id)
        parent = session.get(m.Run, run.parent_run_id)
        if parent is None:
            raise RescoreError(f"run {run.id!r} names a missing parent run {run.parent_run_id!r}")
        run = parent
    return run


def rescore_run(
    session: Session,
    parent_run_id: str,
    rubric: Rubric,
    rubric_ref: str,
    asof: dt.date | None = None,
    new_run_id: str | None = None,
    timezone: str = "Asia/Shanghai",
) -> tuple[str, dict[str, ScoreResult]]:
    """Create the rescore run and score every site of the evidence crawl into it."""
    parent = session.get(m.Run, parent_run_id)
    if parent is None:
        raise RescoreError(f"run {parent_run_id!r} not found")
    source = evidence_run_of(session, parent_run_id)
    asof = asof or parent.asof
    run_id = new_run_id or f"{parent_run_id[:40]}-rescore-{uuid.uuid4().hex[:8]}"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.add(m.Run(
        id=run_id, kind="rescore", asof=asof, rubric=rubric_ref, registry_source=parent.registry_source,
        started=now, status="running", parent_run_id=parent_run_id, sample_share=parent.sample_share,
        sample_seed=parent.sample_seed, totals=dict(parent.totals or {}),
        params={"evidence_run_id": source.id, "rubric_name": rubric.name, "rubric_path": str(rubric.path)},
    ))
    # the rescore run covers the same sites: copy their rows so reports and rectification see them
    from sqlalchemy import select

    for rs in session.scalars(select(m.RunSite).where(m.RunSite.run_id == source.id)).all():
        row = {c.name: getattr(rs, c.name) for c in m.RunSite.__table__.columns}
        row.update(run_id=run_id, done=True)
        session.add(m.RunSite(**row))
    session.commit()
    results = score_run(session, run_id, rubric, asof, evidence_run_id=source.id, timezone=timezone)
    run = session.get(m.Run, run_id)
    assert run is not None
    run.status = "finished"
    run.finished = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.commit()
    return run_id, results


def summary_lines(run_id: str, parent_run_id: str, rubric: Rubric, asof: dt.date,
                  results: dict[str, ScoreResult]) -> list[str]:
    counts = Counter(r.verdict for r in results.values())
    lines = [
        f"run {run_id}: rescore of {parent_run_id} under {rubric.name} as of {asof.isoformat()}",
        f"sites {len(results)}: qualified {counts['qualified']}, unqualified {counts['unqualified']}, "
        f"unaudited {counts['unaudited']}",
    ]
    for site_id, r in sorted(results.items()):
        score = "—" if r.score is None else f"{r.score:g}"
        vetoes = ",".join(r.vetoes) or "-"
        lines.append(f"  {site_id}\t{r.verdict}\t{score}\tvetoes={vetoes}\t{r.reason}")
    return lines


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "RUN [--rubric NAME|PATH] [--asof YYYY-MM-DD] [--reextract]"

    def short_desc(self) -> str:
        return "Score a stored crawl again (other rubric or as-of date) into a new run, without recrawling"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--rubric", default=None, help="rubric name or YAML path (default: the run's rubric)")
        parser.add_argument("--asof", default=None, help="as-of date YYYY-MM-DD (default: the run's as-of)")
        parser.add_argument("--run-id", dest="run_id", default=None, help="id of the new run (default: generated)")
        parser.add_argument("--reextract", action="store_true",
                            help="rebuild the evidence from the run's WARC archive with the current extractor "
                                 "(no network), then score it")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one RUN id")
        assert self.settings is not None
        settings = self.settings
        asof = None
        if opts.asof:
            try:
                asof = dt.date.fromisoformat(opts.asof)
            except ValueError as exc:
                raise UsageError(f"--asof must be YYYY-MM-DD, got {opts.asof!r}") from exc
        if opts.reextract:
            self._reextract(args[0], opts, asof)
            return
        engine = create_engine(settings.get("GOVAUDIT_DATABASE_URL"))
        m.Base.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as session:
            parent = session.get(m.Run, args[0])
            if parent is None:
                print(f"error: run {args[0]!r} not found")
                self.exitcode = 1
                return
            ref = opts.rubric or parent.rubric or settings.get("GOVAUDIT_DEFAULT_RUBRIC")
            try:
                rubric = load_rubric(ref, settings.get("GOVAUDIT_RUBRICS_DIR"))
            except RubricError as exc:
                print(f"error: {exc}")
                self.exitcode = 1
                return
            run_id, results = rescore_run(session, args[0], rubric, ref, asof, opts.run_id,
                                          settings.get("GOVAUDIT_TIMEZONE", "Asia/Shanghai"))
            used_asof = asof or parent.asof
        for line in summary_lines(run_id, args[0], rubric, used_asof, results):
            print(line)

    def _reextract(self, run_id: str, opts: argparse.Namespace, asof: dt.date | None) -> None:
        from govaudit.archive.reextract import ReextractError, reextract
        from govaudit.extensions.summary import EXIT_ATTR, LINES_ATTR

        assert self.settings is not None
        settings = self.settings.copy()
        settings.set("LOG_ENABLED", True, priority="cmdline")  # a crawl: its log, as `scrapy crawl` gives it
        try:
            run, crawler = reextract(settings, run_id, rubric_ref=opts.rubric, asof=asof, new_run_id=opts.run_id)
        except (ReextractError, RubricError, LookupError) as exc:
            print(f"error: {exc}")
            self.exitcode = 1
            return
        self.exitcode = int(getattr(crawler, EXIT_ATTR, 0) or 0)
        print(f"run {run.run_id}: re-extraction of {run_id} from its archive "
              f"(evidence of {run.params['reextract_of']}, no network)")
        print("\n".join(getattr(crawler, LINES_ATTR, None) or []), flush=True)
