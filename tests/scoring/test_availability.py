"""Probe failure ratio over the 7 days before the as-of date."""

from __future__ import annotations

import datetime as dt

import pytest

from govaudit.store import models as m

from .factory import ASOF
from .helpers import of, score


def _site(factory, total, failures):
    factory.good_site("s")
    factory.s.query(m.Probe).delete()
    factory.probes("s", total, failures)


@pytest.mark.parametrize(("failures", "vetoed"), [(6, False), (7, True)])
def test_failure_ratio_veto_at_5_percent(session, factory, r15, r19, failures, vetoed):
    _site(factory, 140, failures)        # 7/140 = exactly 5 %: veto (超过（含）5%)
    for rubric, vid in ((r19, "C19-V2"), (r15, "P15-V1")):
        r = score(session, rubric, "s")
        assert (vid in r.vetoes) is vetoed


@pytest.mark.parametrize(("failures", "points"), [(1, 0), (2, 5), (6, 20), (7, 0)])
def test_2015_deduction_per_full_percent_below_veto(session, factory, r15, failures, points):
    # 1/140 = 0.71 % -> 0; 2/140 = 1.43 % -> 5; 6/140 = 4.29 % -> 20; 7/140 = 5 % -> veto, no deduction
    _site(factory, 140, failures)
    r = score(session, r15, "s")
    assert sum(f.points for f in of(r, "P15-D1")) == points


def test_too_few_probes_is_reported_not_guessed(session, factory, r15, r19):
    _site(factory, 139, 139)             # all failing, but below min_probes = 140
    for rubric, vid, did in ((r19, "C19-V2", None), (r15, "P15-V1", "P15-D1")):
        r = score(session, rubric, "s")
        assert vid not in r.vetoes
        info = of(r, vid, "info")
        assert len(info) == 1 and "监测数据不足" in info[0].message and info[0].evidence["count"] == 139
        if did:
            assert not of(r, did)


def test_probes_outside_the_window_are_ignored(session, factory, r19):
    _site(factory, 140, 0)
    # failures on the as-of day itself and 8 days before: outside the 7 days before as-of
    for day in (ASOF, ASOF - dt.timedelta(days=8)):
        for i in range(50):
            session.add(m.Probe(site_id="s", url="http://www.s.gov.cn/", at=dt.datetime.combine(day, dt.time(5, i)),
                                ok=False, error="timeout"))
    session.flush()
    r = score(session, r19, "s")
    assert "C19-V2" not in r.vetoes and not of(r, "C19-V2")
