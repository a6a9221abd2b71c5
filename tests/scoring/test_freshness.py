"""Home page and column freshness at their boundaries, through rows in the SQL tables."""

from __future__ import annotations

import datetime as dt

import pytest

from .helpers import of, score


def _site_with_home(factory, site_id, home_dates):
    factory.site(site_id)
    factory.home_entries(site_id, home_dates)
    factory.column(site_id, "要闻", "news", [1])


@pytest.mark.parametrize(("days", "vetoed"), [(13, False), (14, False), (15, True)])
def test_home_not_updated_window_boundary(session, factory, r15, r19, days, vetoed):
    # the trailing window counts its first day (rubric footnote): 14 days ago is still inside 2 weeks
    _site_with_home(factory, "s", [days, days + 3])
    for rubric, vid in ((r19, "C19-V3"), (r15, "P15-V2")):
        result = score(session, rubric, "s")
        assert bool(of(result, vid, "veto")) is vetoed
        assert (vid in result.vetoes) is vetoed
        if vetoed:
            assert result.verdict == "unqualified"
            assert "最近一次更新为" in of(result, vid)[0].message


def test_home_with_only_undated_entries_is_not_updated_and_says_why(session, factory, r19):
    _site_with_home(factory, "s", [None] * 8)
    result = score(session, r19, "s")
    veto = of(result, "C19-V3", "veto")
    assert veto and "有8条信息但均未注明发布时间，按未更新处理" in veto[0].message


def test_navigation_only_home_page_falls_back_to_first_level_columns(session, factory, r19):
    factory.site("nav")
    factory.column("nav", "要闻", "news", [20])
    factory.column("nav", "通知", "notice", [30])
    result = score(session, r19, "nav")
    veto = of(result, "C19-V3", "veto")
    assert veto and veto[0].evidence["navigation_only"] is True
    assert "2个二级页面栏目" in veto[0].message

    factory.site("nav2")
    factory.column("nav2", "要闻", "news", [3])
    assert not of(score(session, r19, "nav2"), "C19-V3", "veto")


@pytest.mark.parametrize(("count", "points"), [(9, 5), (10, 0)])
def test_home_update_volume_2015(session, factory, r15, count, points):
    _site_with_home(factory, "s", [1] * count + [30] * 5)
    result = score(session, r15, "s")
    assert sum(f.points for f in of(result, "P15-D3")) == points


@pytest.mark.parametrize(("stale", "vetoed"), [(4, False), (5, True)])
def test_stale_key_columns_veto_count(session, factory, r15, r19, stale, vetoed):
    factory.good_site("s")
    for i in range(stale):
        factory.column("s", f"部门动态{i}", "news", [15, 40])   # 15 days: outside the 2-week window
    for rubric, vid in ((r19, "C19-V4a"), (r15, "P15-V3a")):
        result = score(session, rubric, "s")
        assert bool(of(result, vid, "veto")) is vetoed, rubric.name
        if vetoed:
            assert of(result, vid)[0].evidence["count"] == stale


def test_2019_six_month_rule_counts_only_first_level_notice_policy_columns(session, factory, r15, r19):
    factory.good_site("s")
    for i in range(5):
        factory.column("s", f"二级通知{i}", "notice", [200], depth=2)
    assert not of(score(session, r19, "s"), "C19-V4a", "veto")
    assert of(score(session, r15, "s"), "P15-V3a", "veto")   # 2015 has no 一级栏目 limit


@pytest.mark.parametrize(("blank", "vetoed"), [(4, False), (5, True)])
def test_blank_columns_veto_count(session, factory, r15, r19, blank, vetoed):
    factory.good_site("s")
    for i in range(blank):
        factory.column("s", f"专栏{i}", "other", [], blank=True)
    for rubric, vid in ((r19, "C19-V4c"), (r15, "P15-V3c")):
        assert bool(of(score(session, rubric, "s"), vid, "veto")) is vetoed


def test_blank_column_with_note_is_not_blank_but_reported_as_info(session, factory, r19):
    factory.good_site("s")
    for i in range(4):
        factory.column("s", f"专栏{i}", "other", [], blank=True)
    factory.column("s", "公开目录子栏目", "disclosure", [], blank=True, blank_note=True)
    result = score(session, r19, "s")
    assert not of(result, "C19-V4c", "veto")
    info = of(result, "C19-V4c", "info")
    assert len(info) == 1 and "公开目录子栏目" in info[0].message
    # four real blanks: −2 each under C19-D9, capped at 4
    assert sum(f.points for f in of(result, "C19-D9")) == 4


def test_unreachable_column_is_a_broken_link_not_stale_or_blank(session, factory, r15, r19):
    factory.good_site("s")
    for i in range(5):
        factory.column("s", f"失效栏目{i}", "news", [], blank=True, http_status=404)
    r = score(session, r19, "s")
    assert not of(r, "C19-V4a", "veto") and not of(r, "C19-V4c", "veto") and not of(r, "C19-D4")
    broken = of(r, "C19-D22")
    assert len(broken) == 5 and all("无法访问" in f.message for f in broken)
    assert sum(f.points for f in broken) == 1   # 0.2 each on the home page, cap 1
    r = score(session, r15, "s")
    assert sum(f.points for f in of(r, "P15-D2a")) == 5


def test_per_column_deductions_2015(session, factory, r15):
    factory.good_site("s")
    factory.column("s", "区县动态", "news", [15])
    factory.column("s", "公示公告", "notice", [184])
    factory.column("s", "干部任免", "personnel", [dt.date(2023, 6, 29)])  # 1 calendar year and a day
    factory.column("s", "年度计划", "planning", [dt.date(2023, 6, 30)])   # exactly 1 year (366 days): inside
    r = score(session, r15, "s")
    assert [f.points for f in of(r, "P15-D4a")] == [3]
    assert [f.points for f in of(r, "P15-D4b")] == [4]
    assert [f.points for f in of(r, "P15-D4c")] == [5]
    assert r.deduction_score == 88


def test_2019_other_columns_no_double_counting(session, factory, r19):
    factory.good_site("s")
    factory.column("s", "区县动态", "news", [20])               # C19-D4 (−5), not again under D9
    factory.column("s", "公示公告", "notice", [200])            # D9 stale −1
    factory.column("s", "空栏目", "personnel", [], blank=True)  # D9 blank −2, not also stale
    r = score(session, r19, "s")
    assert [f.points for f in of(r, "C19-D4")] == [5]
    d9 = of(r, "C19-D9")
    assert sorted(f.points for f in d9) == [1, 2]
    assert {f.evidence["url"] for f in d9}.isdisjoint({f.evidence["url"] for f in of(r, "C19-D4")})


def test_column_with_entries_but_no_dates_is_stale_and_says_why(session, factory, r19):
    factory.good_site("s")
    factory.column("s", "工作动态", "news", [None, None, None])
    f = of(score(session, r19, "s"), "C19-D4")
    assert len(f) == 1 and "有3条信息但均未注明发布时间，按未更新处理" in f[0].message


def test_missing_news_column_2019(session, factory, r19):
    factory.site("s")
    factory.home_entries("s", [1] * 12)
    r = score(session, r19, "s")
    assert [f.message for f in of(r, "C19-D4")] == ["未开设动态要闻类栏目"]


def test_entries_dated_after_asof_are_not_updates(session, factory, r19):
    import datetime as dt

    from .factory import ASOF

    factory.good_site("s")
    factory.column("s", "预告动态", "news", [ASOF + dt.timedelta(days=3)])
    f = of(score(session, r19, "s"), "C19-D4")
    assert len(f) == 1 and "晚于监测时间点" in f[0].message
