"""`AuditRun`: the one object that says which run a crawl belongs to.

It is built once (govaudit.runs.build) for a new, resumed, joined or rescored run, stored in SQL
(govaudit.store.runs), and attached to the crawler before any component is built. Pipelines, extensions
and middlewares read it with `current_run(crawler)` in their `from_crawler`; none reads run state off the
spider."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from govaudit.registry.model import Site
from govaudit.scoring.model import Rubric

# seed: a new run on this machine (or the first worker of a distributed run)
# resume: the same run continued (JOBDIR or -a run=ID of an interrupted run)
# join: a further worker of a distributed run; it neither opens nor finishes the run
# rescore: stored evidence scored again, no crawl
Role = Literal["seed", "resume", "join", "rescore"]

_ATTR = "govaudit_run"


@dataclass(frozen=True)
class AuditRun:
    run_id: str
    asof: dt.date
    rubric: Rubric
    rubric_ref: str  # the name or path the rubric was asked for with
    rubric_hash: str  # sha256 of the rubric file's bytes: the report loads exactly this rubric again
    timezone: str = "Asia/Shanghai"
    kind: str = "audit"  # audit | spotcheck | monitor | rescore
    role: Role = "seed"
    targets: tuple[Site, ...] = ()
    registry_source: str = ""
    evidence_run_id: str = ""  # the run whose evidence rows are scored; the run itself unless a rescore
    parent_run_id: str | None = None
    sample_share: float | None = None
    sample_seed: str | None = None
    totals: dict[str, int] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))

    def __post_init__(self) -> None:
        if not self.evidence_run_id:
            object.__setattr__(self, "evidence_run_id", self.run_id)

    @property
    def owns_run(self) -> bool:
        """Opens and finishes the run row and renders the report (every role but a joining worker)."""
        return self.role != "join"

    @property
    def resumed(self) -> bool:
        return self.role == "resume"

    @cached_property
    def _by_id(self) -> dict[str, Site]:
        return {s.site_id: s for s in self.targets}

    def site(self, site_id: str) -> Site | None:
        return self._by_id.get(site_id)  # asked for every response: not a scan of the province's sites

    def record(self) -> dict[str, Any]:
        """The `runs` row."""
        return {
            "id": self.run_id,
            "kind": self.kind,
            "asof": self.asof,
            "timezone": self.timezone,
            "rubric": self.rubric_ref,
            "rubric_hash": self.rubric_hash,
            "registry_source": self.registry_source,
            "started": self.started,
            "status": "running",
            "parent_run_id": self.parent_run_id,
            "evidence_run_id": self.evidence_run_id,
            "sample_share": self.sample_share,
            "sample_seed": self.sample_seed,
            "totals": dict(self.totals),
            "params": dict(self.params),
        }

    def site_records(self) -> list[dict[str, Any]]:
        """The `run_sites` rows (registry data as it was at run time)."""
        return [
            {"site_id": s.site_id, "name": s.name, "url": s.url, "organizer": s.organizer, "region": s.region,
             "level": s.level, "kind": s.kind, "has_services": s.has_services}
            for s in self.targets
        ]


def attach_run(crawler: Any, run: AuditRun) -> None:
    setattr(crawler, _ATTR, run)


def current_run(crawler: Any) -> AuditRun | None:
    """The run of this crawler, or None (a spider that is not part of a run, e.g. the probe)."""
    run = getattr(crawler, _ATTR, None)
    return run if isinstance(run, AuditRun) else None


def require_run(crawler: Any) -> AuditRun:
    run = current_run(crawler)
    if run is None:
        raise LookupError("no govaudit run is attached to this crawler")
    return run
