"""Building the run context, once, before any request: a new run, a resumed one, a joining worker's.

Everything a crawl needs to know about its run is decided here from the spider arguments, the settings,
the registry and what SQL (or JOBDIR) already holds; a bad argument, registry or rubric raises
`RunSetupError` with one clear line."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from govaudit.distributed.scheduling import JoinError, is_distributed, ledger_for, wait_until_open
from govaudit.distributed.siteshare import shares_sites, wait_until_owned
from govaudit.overrides import OverrideError
from govaudit.registry import Registry, RegistryError, Site, load_registry
from govaudit.registry.sampling import sample_sites
from govaudit.registry.source import resolve_registry
from govaudit.runs.context import AuditRun, Role
from govaudit.scoring.rubric import RubricError, load_rubric
from govaudit.spiders.args import ArgumentError, AuditArgs, parse_audit_args
from govaudit.store import models as m
from govaudit.store.db import session_factory

logger = logging.getLogger(__name__)

JOBDIR_MARKER = "govaudit_run.json"


class RunSetupError(Exception):
    """The run cannot start; the message is one line for the operator."""


SETUP_ERRORS = (ArgumentError, RegistryError, RubricError, OverrideError, JoinError, RunSetupError)


def _jobdir_marker(settings: Any) -> Path | None:
    jobdir = settings.get("JOBDIR")
    return Path(jobdir) / JOBDIR_MARKER if jobdir else None


def _marked_run_id(settings: Any) -> str | None:
    marker = _jobdir_marker(settings)
    if marker is not None and marker.exists():
        return str(json.loads(marker.read_text())["run_id"])
    return None


def _mark_jobdir(settings: Any, run_id: str) -> None:
    marker = _jobdir_marker(settings)
    if marker is None:
        return
    marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker.write_text(json.dumps({"run_id": run_id}))


def _new_run_id() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def _stored_run(database_url: str, run_id: str | None) -> m.Run | None:
    if not run_id:
        return None
    with session_factory(database_url)() as s:
        return s.get(m.Run, run_id)


def _recheck_targets(database_url: str, raw: dict[str, str | None]) -> m.Run:
    """`-a recheck=RUN`: the targets are every problem site of RUN (raw `site` is set to them); its
    registry is the default. Returns the rechecked run."""
    from govaudit.reporting.recheck import problem_site_ids

    if raw.get("site") or raw.get("sample"):
        raise ArgumentError("recheck= takes the problem sites of the rechecked run; drop site= / sample=")
    run_id = str(raw["recheck"]).strip()
    with session_factory(database_url)() as s:
        rechecked = s.get(m.Run, run_id)
        if rechecked is None:
            raise ArgumentError(f"recheck={run_id}: no such run in the database")
        sites = problem_site_ids(s, run_id)
        s.expunge(rechecked)
    if not sites:
        raise RunSetupError(f"recheck={run_id}: the run has no problem site to recheck")
    raw["site"] = ",".join(sites)
    if not raw.get("registry") and rechecked.registry_source:
        raw["registry"] = rechecked.registry_source
    return rechecked


def select_targets(registry: Registry, args: AuditArgs) -> list[Site]:
    if args.sites:
        wanted = set(args.sites)
        chosen = [s for s in registry.sites if s.site_id in wanted]
        offline = [s.site_id for s in chosen if not s.running]
        if offline:
            logger.warning("site(s) %s are not running in the registry; auditing them as asked", offline)
        return chosen
    running = registry.running()
    if args.sample is not None:
        return sample_sites(running, args.sample, args.seed)
    return running


def _check_reports_dir(settings: Any) -> None:
    if not settings.getbool("GOVAUDIT_REPORT_ON_CLOSE"):
        return
    folder = Path(settings.get("GOVAUDIT_REPORTS_DIR"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunSetupError(f"reports folder {folder} cannot be created: {exc.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise RunSetupError(f"reports folder {folder} is not writable (GOVAUDIT_REPORTS_DIR)")


def crawl_run(settings: Any, raw: dict[str, str | None]) -> AuditRun:
    """The run of `scrapy crawl audit`: new, resumed (JOBDIR or `-a run=` of a stored run) or joined."""
    try:
        if raw.get("join"):
            return joined_run(settings, raw)
        return _own_run(settings, dict(raw))
    except SQLAlchemyError as exc:
        from sqlalchemy.engine import make_url

        url = make_url(settings.get("GOVAUDIT_DATABASE_URL")).render_as_string(hide_password=True)
        orig = getattr(exc, "orig", None)
        reason = (str(orig if orig is not None else exc).strip().splitlines() or [type(exc).__name__])[0]
        raise RunSetupError(f"database {url} is not usable: {reason}") from None


def _own_run(settings: Any, raw: dict[str, str | None]) -> AuditRun:
    tz = settings.get("GOVAUDIT_TIMEZONE")
    database_url = settings.get("GOVAUDIT_DATABASE_URL")
    stored = _stored_run(database_url, raw.get("run") or _marked_run_id(settings))
    if stored is not None and not raw.get("asof"):
        raw["asof"] = stored.asof.isoformat()  # a resumed run keeps its as-of date, whatever day it is
    rechecked = _recheck_targets(database_url, raw) if raw.get("recheck") else None
    args = parse_audit_args(raw, default_registry="", default_rubric=settings.get("GOVAUDIT_DEFAULT_RUBRIC"), tz=tz)
    if rechecked is not None and rechecked.asof >= args.asof:
        raise ArgumentError(f"recheck={rechecked.id}: the recheck's as-of date {args.asof} must come after "
                            f"the rechecked run's {rechecked.asof}")
    rubric_of = stored or rechecked  # a recheck scores with the rechecked run's rubric
    rubric_ref = rubric_of.rubric if rubric_of is not None and not raw.get("rubric") else args.rubric
    rubric = load_rubric(rubric_ref, settings.get("GOVAUDIT_RUBRICS_DIR"))
    _check_reports_dir(settings)
    registry = resolve_registry(args.registry or None, settings)
    unknown = [s for s in args.sites if s not in registry.by_id()]
    if unknown:
        raise ArgumentError(f"site={','.join(unknown)}: not in registry {registry.source}")
    run_id = args.run or _marked_run_id(settings) or _new_run_id()
    existing = stored if stored is not None and stored.id == run_id else _stored_run(database_url, run_id)
    if existing is not None and existing.asof != args.asof:
        raise ArgumentError(f"run={run_id} exists with as-of {existing.asof}, not {args.asof}")
    targets = select_targets(registry, args)
    if not targets:
        raise RunSetupError(f"registry {registry.source}: no site to audit "
                            f"({len(registry.sites)} row(s), {len(registry.running())} running)")
    _mark_jobdir(settings, run_id)
    render = args.render if args.render != "auto" else settings.get("GOVAUDIT_RENDER_JS")
    role: Role = "resume" if existing is not None else "seed"
    return AuditRun(
        run_id=run_id, asof=args.asof, timezone=tz, rubric=rubric, rubric_ref=rubric_ref,
        rubric_hash=rubric.digest, kind=args.kind, role=role, targets=tuple(targets),
        registry_source=registry.source, sample_share=args.sample,
        sample_seed=args.seed if args.sample else None, totals=registry.totals(),
        params={"render": render, **({"sites": list(args.sites)} if args.sites else {}),
                **({"due": args.due.isoformat()} if args.due else {}),
                **({"recheck": args.recheck} if args.recheck else {}),
                **({"reported": _reports(args.reported, registry)} if args.reported else {})},
    )


def _reports(path: str, registry: Registry) -> dict[str, str]:
    """`-a reported=FILE` of a recheck: site id -> date its written rectification report came in."""
    from govaudit.reporting.recheck import ReportsFileError, read_reports

    try:
        return read_reports(path, list(registry.sites))
    except ReportsFileError as exc:
        raise ArgumentError(str(exc)) from None


def joined_run(settings: Any, raw: dict[str, str | None]) -> AuditRun:
    """A further worker of a distributed run: the run, its sites and parameters come from SQL."""
    args = parse_audit_args(raw, default_registry="", default_rubric=settings.get("GOVAUDIT_DEFAULT_RUBRIC"),
                            tz=settings.get("GOVAUDIT_TIMEZONE"))
    assert args.join is not None
    run_id = args.join
    if is_distributed(settings):
        wait_until_open(ledger_for(settings, run_id), run_id, settings.getfloat("GOVAUDIT_JOIN_WAIT"))
    elif shares_sites(settings):
        wait_until_owned(settings.get("GOVAUDIT_DATABASE_URL"), run_id, settings.getfloat("GOVAUDIT_JOIN_WAIT"),
                         settings.getfloat("GOVAUDIT_RUN_LEASE"))
    else:
        raise ArgumentError("join= needs GOVAUDIT_REDIS_URL (the Redis server of the run's first worker) or "
                            "GOVAUDIT_SHARE_SITES=1 (the run's sites shared through its database)")
    with session_factory(settings.get("GOVAUDIT_DATABASE_URL"))() as s:
        run = s.get(m.Run, run_id)
        if run is None:
            raise ArgumentError(f"join={run_id}: the run is not in the database")
        rows = list(s.scalars(select(m.RunSite).where(m.RunSite.run_id == run_id).order_by(m.RunSite.site_id)))
        overrides = _run_overrides(s, run.registry_source)
        record = {c.name: getattr(run, c.name) for c in m.Run.__table__.columns}
    rubric = load_rubric(record["rubric"], settings.get("GOVAUDIT_RUBRICS_DIR"))
    targets = tuple(Site(site_id=r.site_id, name=r.name, url=r.url, organizer=r.organizer, region=r.region,
                         level=r.level, kind=r.kind, has_services=r.has_services,
                         overrides=overrides.get(r.site_id, {})) for r in rows)
    params = dict(record["params"] or {})
    params.setdefault("render", settings.get("GOVAUDIT_RENDER_JS"))
    return AuditRun(
        run_id=run_id, asof=record["asof"], timezone=record.get("timezone") or settings.get("GOVAUDIT_TIMEZONE"),
        rubric=rubric, rubric_ref=record["rubric"], rubric_hash=record.get("rubric_hash") or rubric.digest,
        kind=record["kind"], role="join", targets=targets, registry_source=record["registry_source"],
        sample_share=record["sample_share"], sample_seed=record["sample_seed"], totals=dict(record["totals"] or {}),
        params=params, started=record["started"],
    )


def _run_overrides(session: Any, registry_source: str) -> dict[str, dict[str, Any]]:
    """Per-site overrides of the run's registry, when this machine can read it (the imported registry,
    or the same file path); run_sites do not store them."""
    try:
        if registry_source == "database":
            from govaudit.registry.stored import load_stored_registry

            registry = load_stored_registry(session)
        elif registry_source and Path(registry_source).is_file():
            registry = load_registry(registry_source)
        else:
            return {}
    except RegistryError as exc:
        logger.warning("join: registry %s not readable here (%s); no per-site overrides", registry_source, exc)
        return {}
    return {s.site_id: s.overrides for s in registry.sites if s.overrides}
