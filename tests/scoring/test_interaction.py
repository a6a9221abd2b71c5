"""Interaction: channel, letters unanswered for more than 3 months in the last year, activity counts."""

from __future__ import annotations

import pytest

from govaudit.store import models as m

from .helpers import of, score


# as of 2024-06-30: submitted 2024-03-30 is exactly 3 calendar months old (92 days), not "超过3个月";
# a day earlier it is
@pytest.mark.parametrize(("age", "vetoed"), [(92, False), (93, True)])
def test_unanswered_letter_three_months(session, factory, r15, r19, age, vetoed):
    factory.good_site("s")
    factory.letter("s", 99, submitted=age, replied=None)
    for rubric, vid in ((r19, "C19-V5b"), (r15, "P15-V5")):
        r = score(session, rubric, "s")
        assert (vid in r.vetoes) is vetoed
        if vetoed:
            assert f"最长{age}天" in of(r, vid)[0].message


def test_late_reply_within_last_year_is_a_veto_but_older_letters_are_not(session, factory, r19):
    factory.good_site("s")
    factory.letter("s", 50, submitted=400, replied=None)   # submitted more than a year ago: outside
    assert "C19-V5b" not in score(session, r19, "s").vetoes
    factory.letter("s", 51, submitted=200, replied=100)    # answered after 100 days
    r = score(session, r19, "s")
    assert "C19-V5b" in r.vetoes and "才答复" in of(r, "C19-V5b")[0].message


def test_no_dated_letters_is_info_not_pass(session, factory, r19):
    factory.good_site("s")
    session.query(m.Letter).delete()
    r = score(session, r19, "s")
    info = of(r, "C19-V5b", "info")
    assert len(info) == 1 and "需人工核查" in info[0].message and "C19-V5b" not in r.vetoes


def test_no_consultation_channel(session, factory, r15, r19):
    factory.site("s")
    factory.home_entries("s", [1] * 12)
    factory.column("s", "网上信访", "petition", [3])   # special channels do not count
    r = score(session, r19, "s")
    assert "C19-V5a" in r.vetoes
    assert [f.points for f in of(score(session, r15, "s"), "P15-D5a")] == [5]


@pytest.mark.parametrize(("count", "d6", "d7"), [(0, 5, 5), (5, 3, 3), (6, 0, 0)])
def test_2015_survey_and_interview_counts_portal(session, factory, r15, count, d6, d7):
    factory.site("s", kind="portal")
    factory.home_entries("s", [1] * 12)
    factory.column("s", "征集调查", "survey", [10 + i for i in range(count)] + [400])
    factory.column("s", "在线访谈", "interview", [10 + i for i in range(count)])
    r = score(session, r15, "s")
    assert sum(f.points for f in of(r, "P15-D6")) == d6
    assert sum(f.points for f in of(r, "P15-D7")) == d7


def test_2015_interview_column_absent_costs_nothing_survey_absent_costs_5(session, factory, r15):
    factory.site("s", kind="department")
    factory.home_entries("s", [1] * 12)
    r = score(session, r15, "s")
    assert not of(r, "P15-D7")
    assert [f.points for f in of(r, "P15-D6")] == [5]
