"""Site-level security facts the crawl records (the certificate of an https home page)."""

from __future__ import annotations

import datetime as dt

from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding


@register("tls_certificate", {"points": Param("number", required=False, scoring=True)})
def tls_certificate(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """证书问题: the https home page was served with a self-signed, expired or wrong-host certificate (the site
    is audited anyway; the problem is reported)."""
    problem = getattr(ev.site, "tls_problem", "")
    if not problem:
        return []
    url = ev.site.final_url or ev.site.url
    return [RawFinding(ind.id, ind.text(problem=problem), points=ind.params.get("points", 0.0),
                       evidence={"url": url, "tls_problem": problem})]
