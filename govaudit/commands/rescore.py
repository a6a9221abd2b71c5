"""`scrapy rescore RUN|latest [--rubric NAME] [--asof DATE]`: score a stored crawl again into a new run.

Nothing is copied: a new run (role "rescore", kind "rescore") points at the crawl whose evidence it scores
(`runs.evidence_run_id`) and at the run it was asked to rescore (`parent_run_id`), and receives scores and
findings computed by the same check functions. Its report reads the sites, columns and links of that crawl.

The as-of date may not be later than the day the evidence was fetched (in the crawl's time zone): a window
ending after the crawl would count days nobody looked at, and every site would look stale.

With --reextract the evidence itself is rebuilt first: the crawl's pages are read again from its WARC
archive by the current extractor (no network) into a new run with evidence of its own, which is then scored
(govaudit.archive.reextract)."""

from __future__ import annotations

import argparse
import datetime as dt
import uuid
from collections import Counter
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govaudit.commands.report import latest_run_id
from govaudit.runs.context import AuditRun
from govaudit.scoring.model import Rubric, ScoreResult
from govaudit.scoring.rubric import RubricError, load_rubric
from govaudit.scoring.service import score_run
from govaudit.store import models as m
from govaudit.store.db import get_engine
from govaudit.store.migrate import SchemaOutdated
from govaudit.store.runs import finish_run, open_run, rubric_of_run


class RescoreError(LookupError):
    pass


def evidence_run_of(session: Session, run_id: str) -> m.Run:
    """The crawl whose rows hold the evidence of `run_id` (itself for a crawl; followed through rescores of
    rescores)."""
    run = session.get(m.Run, run_id)
    if run is None:
        raise RescoreError(f"run {run_id!r} not found")
    seen: set[str] = set()
    while run.kind == "rescore" and run.id not in seen:
        seen.add(run.id)
        target = run.evidence_run_id if run.evidence_run_id and run.evidence_run_id != run.id else run.parent_run_id
        if not target:
            break
        source = session.get(m.Run, target)
        if source is None:
            raise RescoreError(f"run {run.id!r} names a missing evidence run {target!r}")
        run = source
    return run


def _local_day(at: dt.datetime, tz: str) -> dt.date:
    """The calendar day of a stored (naive UTC) timestamp in the run's time zone."""
    try:
        zone = ZoneInfo(tz or "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    return at.replace(tzinfo=dt.UTC).astimezone(zone).date()


def evidence_day(session: Session, source: m.Run) -> dt.date:
    """The day the crawl's evidence was fetched, in its time zone: the first day any of its pages or columns
    was fetched (a crawl over several days is bounded by its first day: a site fetched then was not looked at
    later), else the day the run started."""
    first = [
        session.scalar(select(func.min(model.fetched_at)).where(model.run_id == source.id))
        for model in (m.Page, m.Column)
    ]
    times = [t for t in first if t is not None]
    at = min(times) if times else source.started
    if at is None:
        return source.asof
    return _local_day(at, source.timezone)


def latest_allowed_asof(session: Session, source: m.Run) -> dt.date:
    """The latest as-of date a rescore of `source` may use: the day its evidence was fetched (or the crawl's
    own as-of date, when that is later)."""
    return max(evidence_day(session, source), source.asof)


def rescore_run(
    session: Session,
    parent_run_id: str,
    rubric: Rubric,
    rubric_ref: str,
    asof: dt.date | None = None,
    new_run_id: str | None = None,
) -> tuple[str, dict[str, ScoreResult]]:
    """Open the rescore run (through the run records of govaudit.store.runs), score every site of the
    evidence crawl into it, and finish it. Raises RescoreError for an unknown run or a too-late as-of date."""
    parent = session.get(m.Run, parent_run_id)
    if parent is None:
        raise RescoreError(f"run {parent_run_id!r} not found")
    source = evidence_run_of(session, parent_run_id)
    asof = asof or parent.asof
    limit = latest_allowed_asof(session, source)
    if asof > limit:
        raise RescoreError(
            f"as-of date {asof.isoformat()} is after the evidence of run {source.id} was fetched "
            f"({limit.isoformat()}, {source.timezone}): rescore at {limit.isoformat()} or earlier, or crawl again"
        )
    run = AuditRun(
        run_id=new_run_id or f"{parent_run_id[:40]}-rescore-{uuid.uuid4().hex[:8]}",
        asof=asof,
        rubric=rubric,
        rubric_ref=rubric_ref,
        rubric_hash=rubric.digest,
        timezone=source.timezone or "Asia/Shanghai",
        kind="rescore",
        role="rescore",
        registry_source=parent.registry_source or "",
        evidence_run_id=source.id,
        parent_run_id=parent_run_id,
        sample_share=parent.sample_share,
        sample_seed=parent.sample_seed,
        totals=dict(parent.totals or {}),
        params={"rubric_name": rubric.name, "rubric_path": str(rubric.path)},
    )
    if session.get(m.Run, run.run_id) is not None:
        raise RescoreError(f"run {run.run_id!r} exists already")
    open_run(session, run)
    session.commit()
    try:
        results = score_run(session, run.run_id, rubric, asof, evidence_run_id=source.id, timezone=run.timezone)
    except BaseException:
        session.rollback()
        finish_run(session, run.run_id, "interrupted")
        session.commit()
        raise
    finish_run(session, run.run_id, "finished")
    session.commit()
    return run.run_id, results


def summary_lines(run_id: str, parent_run_id: str, rubric: Rubric, asof: dt.date,
                  results: dict[str, ScoreResult]) -> list[str]:
    counts = Counter(r.verdict for r in results.values())
    lines = [
        f"run {run_id}: rescore of {parent_run_id} under {rubric.name} as of {asof.isoformat()}",
        (f"sites {len(results)}: qualified {counts['qualified']}, unqualified {counts['unqualified']}, "
        f"unaudited {counts['unaudited']}"),
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
        return "RUN|latest [--rubric NAME|PATH] [--asof YYYY-MM-DD] [--reextract]"

    def short_desc(self) -> str:
        return "Score a stored crawl again (other rubric or as-of date) into a new run, without recrawling"

    def long_desc(self) -> str:
        return (
            "Score the evidence of run RUN ('latest': the most recently started run) again into a new run, "
            "under the run's own rubric or --rubric, at the run's as-of date or --asof. The as-of date may not "
            "be later than the day the evidence was fetched. `scrapy report NEW_RUN` renders its bundle."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--rubric", default=None, help="rubric name or YAML path (default: the run's rubric)")
        parser.add_argument("--asof", default=None, help="as-of date YYYY-MM-DD (default: the run's as-of)")
        parser.add_argument("--run-id", dest="run_id", default=None, help="id of the new run (default: generated)")
        parser.add_argument("--reextract", action="store_true",
                            help="rebuild the evidence from the run's WARC archive with the current extractor "
                                 "(no network), then score it")

    def _fail(self, message: str) -> None:
        print(f"error: {message}")
        self.exitcode = 1

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one RUN id (or 'latest')")
        assert self.settings is not None
        settings = self.settings
        asof = None
        if opts.asof:
            try:
                asof = dt.date.fromisoformat(opts.asof)
            except ValueError as exc:
                raise UsageError(f"--asof must be YYYY-MM-DD, got {opts.asof!r}") from exc
        if opts.reextract:
            return self._reextract(args[0], opts, asof)
        try:
            engine = get_engine(settings.get("GOVAUDIT_DATABASE_URL"))
        except SchemaOutdated as exc:
            return self._fail(str(exc))
        rubrics_dir = settings.get("GOVAUDIT_RUBRICS_DIR")
        with Session(engine, expire_on_commit=False) as session:
            run_id = args[0]
            if run_id == "latest":
                found = latest_run_id(session)
                if found is None:
                    return self._fail(f"no runs in {engine.url.render_as_string(hide_password=True)}")
                run_id = found
            parent = session.get(m.Run, run_id)
            if parent is None:
                return self._fail(f"run {run_id!r} not found")
            try:
                if opts.rubric:
                    ref, rubric = opts.rubric, load_rubric(opts.rubric, rubrics_dir)
                else:  # the exact rubric the run was scored with (its stored snapshot)
                    ref = parent.rubric or settings.get("GOVAUDIT_DEFAULT_RUBRIC")
                    rubric = rubric_of_run(session, run_id, rubrics_dir)
            except (RubricError, LookupError) as exc:
                return self._fail(str(exc))
            try:
                new_id, results = rescore_run(session, run_id, rubric, ref, asof, opts.run_id)
            except RescoreError as exc:
                return self._fail(str(exc))
            used_asof = asof or parent.asof
        for line in summary_lines(new_id, run_id, rubric, used_asof, results):
            print(line)
        return None

    def _reextract(self, run_id: str, opts: argparse.Namespace, asof: dt.date | None) -> None:
        from govaudit.archive.reextract import ReextractError, reextract
        from govaudit.extensions.summary import EXIT_ATTR, LINES_ATTR

        assert self.settings is not None
        settings = self.settings.copy()
        settings.set("LOG_ENABLED", True, priority="cmdline")  # a crawl: its log, as `scrapy crawl` gives it
        try:
            if run_id == "latest":
                with Session(get_engine(settings.get("GOVAUDIT_DATABASE_URL"))) as session:
                    run_id = latest_run_id(session) or run_id
            run, crawler = reextract(settings, run_id, rubric_ref=opts.rubric, asof=asof, new_run_id=opts.run_id)
        except (ReextractError, RubricError, LookupError, SchemaOutdated) as exc:
            return self._fail(str(exc))
        self.exitcode = int(getattr(crawler, EXIT_ATTR, 0) or 0)
        print(f"run {run.run_id}: re-extraction of {run_id} from its archive "
              f"(evidence of {run.params['reextract_of']}, no network)")
        print("\n".join(getattr(crawler, LINES_ATTR, None) or []), flush=True)
        return None
