"""Check functions, one per `check` kind, registered in CHECKS with their params (see registry.py).

Every check is a pure function ``check(ev: SiteEvidence, ind: Indicator, asof: date) -> list[RawFinding]``."""

from govaudit.scoring.checks import availability, freshness, guides, identity, interaction, links, security  # noqa: F401
from govaudit.scoring.checks.registry import CHECKS, CheckKind, Param, register

__all__ = ["CHECKS", "CheckKind", "Param", "register"]
