from .helpers import of, score


def test_good_site_passes_both_rubrics_without_problems(session, factory, r15, r19):
    factory.good_site("good")
    for rubric in (r15, r19):
        result = score(session, rubric, "good")
        problems = [f for f in result.findings if f.category in ("veto", "deduction", "requirement")]
        assert problems == [], [(f.indicator, f.message) for f in problems]
        assert result.verdict == "qualified"
        assert result.deduction_score == 100
    r = score(session, r19, "good")
    # above 80: the data column (30 days) and 6 surveys in a year earn bonus points
    assert [f.points for f in of(r, "C19-B1")] == [2]
    assert [f.points for f in of(r, "C19-B7")] == [2]
    assert r.bonus == 4 and r.score == 104
