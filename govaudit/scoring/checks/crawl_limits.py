"""What the audit of a site could not read, reported as 提示 (info: no points, no problem of the site's):
requests the scope guard refused (a redirect or a page leading out of the site's scope or to a private
address, a non-http link) and pages the site rate-limited past the waiting budget. The evidence is the
`pages` rows the crawl records for them (govaudit.crawl.refusals)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding

REFUSED = "refused"
RATE_LIMITED = "rate-limited"
SAMPLE = 10  # URLs cited per finding


@register("crawl_limits", {"points": Param("number", required=False, scoring=True)},
          messages=("refused", "rate_limited"))
def crawl_limits(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    out: list[RawFinding] = []
    refused = sorted((p for p in ev.pages if p.kind == REFUSED), key=lambda p: p.url)
    if refused:
        codes = Counter(str((p.features.get("refused") or {}).get("code", "")) for p in refused)
        out.append(RawFinding(ind.id, ind.text("refused", count=len(refused), example=refused[0].error),
                              info=True,
                              evidence={"kind": REFUSED, "count": len(refused), "codes": dict(codes),
                                        "pages": [{"url": p.url, "error": p.error} for p in refused[:SAMPLE]]}))
    limited = sorted((p for p in ev.pages if p.kind == RATE_LIMITED), key=lambda p: p.url)
    if limited:
        out.append(RawFinding(ind.id, ind.text("rate_limited", count=len(limited)), info=True,
                              evidence={"kind": RATE_LIMITED, "count": len(limited),
                                        "pages": [{"url": p.url, "status": p.status} for p in limited[:SAMPLE]]}))
    return out
