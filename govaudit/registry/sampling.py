"""Spot-check sampling: a reproducible random share of the running sites, stratified by region."""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict

from govaudit.registry.model import Site


def sample_sites(sites: list[Site], share: float, seed: str) -> list[Site]:
    """At least ``share`` of the running sites in every region (provincial departments are one region),
    reproducible from ``seed``. Order follows the registry."""
    if not 0 < share <= 1:
        raise ValueError(f"sample share must be in (0, 1], got {share}")
    strata: dict[str, list[Site]] = defaultdict(list)
    for s in sites:
        strata[s.region or "(未注明地区)"].append(s)
    chosen: set[str] = set()
    for region in sorted(strata):
        members = sorted(strata[region], key=lambda s: s.site_id)
        k = min(len(members), max(1, math.ceil(share * len(members) - 1e-9)))
        rng = random.Random(int(hashlib.sha256(f"{seed}|{region}".encode()).hexdigest()[:16], 16))
        chosen.update(s.site_id for s in rng.sample(members, k))
    return [s for s in sites if s.site_id in chosen]
