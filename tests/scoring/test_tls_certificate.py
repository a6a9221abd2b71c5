"""A certificate problem is a reported requirement finding, never a veto or "could not audit"."""

from __future__ import annotations

from govaudit.store import models as m

from .helpers import of, score


def test_certificate_problem_reported_not_vetoed(session, factory, r19, r15):
    factory.good_site("s", url="https://www.s.gov.cn/")
    assert not of(score(session, r19, "s"), "C19-R2")
    row = factory.s.get(m.RunSite, (factory.run_id, "s"))
    row.tls_problem = "自签名证书；证书已过期"
    factory.s.flush()
    r = score(session, r19, "s")
    found = of(r, "C19-R2")
    assert len(found) == 1 and "证书已过期" in found[0].message and found[0].points == 0
    assert "C19-R2" not in r.vetoes and r.verdict == "qualified"
    assert [f.message for f in of(score(session, r15, "s"), "P15-R3")] == [found[0].message]
