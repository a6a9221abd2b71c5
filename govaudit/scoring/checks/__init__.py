"""Check functions, one per `check` kind, registered in CHECKS with their params (see registry.py).

Every check is a pure function ``check(ev: SiteEvidence, ind: Indicator, asof: date) -> list[RawFinding]``."""

from govaudit.scoring.checks import (  # noqa: F401
    availability,
    crawl_limits,
    freshness,
    guides,
    identity,
    interaction,
    links,
    security,
)
from govaudit.scoring.checks.registry import CHECKS, CheckKind, Param, register

__all__ = ["CHECKS", "CheckKind", "Param", "register"]
