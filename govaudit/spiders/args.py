"""Typed, validated spider arguments (checked before the first request, with clear messages)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
RENDER_MODES = ("auto", "never", "always")
KINDS = ("audit", "monitor", "spotcheck")


class ArgumentError(ValueError):
    """A bad spider argument; the message says which and what is accepted."""


@dataclass(frozen=True)
class AuditArgs:
    registry: str
    sites: tuple[str, ...]
    asof: dt.date
    rubric: str
    sample: float | None
    seed: str
    run: str | None
    kind: str
    render: str
    join: str | None = None  # joining worker of a distributed run: everything else comes from the run
    recheck: str | None = None  # the run whose problem sites this run rechecks
    due: dt.date | None = None  # rectification deadline of the problem sites (整改情况…前书面报送)
    reported: str | None = None  # a recheck's file of the written rectification reports received


def today(tz: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(tz)).date()


def parse_asof(raw: str | None, tz: str) -> dt.date:
    now = today(tz)
    if raw in (None, "", "today"):
        return now
    assert raw is not None
    try:
        value = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ArgumentError(f"asof={raw!r}: expected a date as YYYY-MM-DD (监测时间点)") from None
    if value > now:
        raise ArgumentError(f"asof={raw}: the as-of date is in the future (today in {tz} is {now})")
    return value


def parse_sample(raw: str | None) -> float | None:
    if raw in (None, ""):
        return None
    assert raw is not None
    try:
        text = raw.strip()
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ArgumentError(f"sample={raw!r}: expected a share in (0, 1], e.g. 0.3 or 30%") from None
    if not 0 < value <= 1:
        raise ArgumentError(f"sample={raw}: the share must be in (0, 1], e.g. 0.3 for a 30% spot check")
    return value


def parse_due(raw: str | None, asof: dt.date) -> dt.date | None:
    if raw in (None, ""):
        return None
    assert raw is not None
    try:
        value = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ArgumentError(f"due={raw!r}: expected the rectification deadline as YYYY-MM-DD") from None
    if value <= asof:
        raise ArgumentError(f"due={raw}: the rectification deadline must come after the as-of date {asof}")
    return value


def parse_audit_args(raw: dict[str, str | None], *, default_registry: str, default_rubric: str, tz: str) -> AuditArgs:
    known = {"registry", "site", "asof", "rubric", "sample", "seed", "run", "kind", "render", "join", "due", "recheck",
             "reported"}
    unknown = sorted(k for k in raw if k not in known and raw[k] is not None)
    if unknown:
        raise ArgumentError(f"unknown argument(s) {', '.join(unknown)}; accepted: {', '.join(sorted(known))} "
                            "(scrapy crawl audit -a help=1 explains them)")
    join = (raw.get("join") or "").strip() or None
    if join is not None:
        if not RUN_ID.match(join):
            raise ArgumentError(f"join={join!r}: a run id is letters, digits, '.', '_' or '-' (at most 64)")
        others = sorted(k for k in known - {"join"} if raw.get(k) not in (None, ""))
        if others:
            raise ArgumentError(f"join= takes the run's own settings; drop {', '.join(others)} "
                                "(they were given to the worker that started the run)")
    asof = parse_asof(raw.get("asof"), tz)
    sites = tuple(s.strip() for s in (raw.get("site") or "").split(",") if s.strip())
    sample = parse_sample(raw.get("sample"))
    if sample is not None and sites:
        raise ArgumentError("sample= and site= exclude each other: a rerun names its sites, a spot check samples")
    run = raw.get("run") or None
    if run is not None and not RUN_ID.match(run):
        raise ArgumentError(f"run={run!r}: a run id is letters, digits, '.', '_' or '-' (at most 64)")
    kind = (raw.get("kind") or ("spotcheck" if sample else "audit")).strip()
    if kind not in KINDS:
        raise ArgumentError(f"kind={kind!r}: expected one of {', '.join(KINDS)}")
    render = (raw.get("render") or "").strip() or "auto"
    if render not in RENDER_MODES:
        raise ArgumentError(f"render={render!r}: expected one of {', '.join(RENDER_MODES)}")
    due = parse_due(raw.get("due"), asof)
    recheck = (raw.get("recheck") or "").strip() or None
    if recheck is not None and not RUN_ID.match(recheck):
        raise ArgumentError(f"recheck={recheck!r}: a run id is letters, digits, '.', '_' or '-' (at most 64)")
    reported = (raw.get("reported") or "").strip() or None
    if reported is not None and recheck is None:
        raise ArgumentError("reported= lists the rectification reports of a recheck; give recheck=RUN too")
    return AuditArgs(
        reported=reported,
        due=due,
        recheck=recheck,
        registry=(raw.get("registry") or default_registry).strip(),
        sites=sites,
        asof=asof,
        rubric=(raw.get("rubric") or default_rubric).strip(),
        sample=sample,
        seed=(raw.get("seed") or asof.isoformat()).strip(),
        run=run,
        kind=kind,
        render=render,
        join=join,
    )
