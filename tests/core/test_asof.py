"""The as-of rules (govaudit.asof): calendar months and years, window boundaries, time zones."""

from __future__ import annotations

import datetime as dt

import pytest

from govaudit import asof
from govaudit.asof import Period

D = dt.date


@pytest.mark.parametrize(
    ("text", "period", "wording"),
    [("14d", Period(days=14), "14天"), ("2w", Period(weeks=2), "2周"), ("6m", Period(months=6), "6个月"),
     ("1y", Period(years=1), "1年"), (7, Period(days=7), "7天"), (" 3M ", Period(months=3), "3个月")],
)
def test_periods_parse_and_read_as_the_rubric_writes_them(text, period, wording):
    assert Period.parse(text) == period
    assert str(period) == wording and f"监测{period}" == f"监测{wording}"


@pytest.mark.parametrize("bad", ["6 months", "0m", "-1d", "", 0, 14.5, True, None])
def test_bad_periods_are_refused(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)


@pytest.mark.parametrize(
    ("period", "asof_day", "start"),
    [
        ("2m", D(2024, 3, 1), D(2024, 1, 1)),      # the rubric footnote: 3月1日 "前2个月内" = 1月1日 to 3月1日
        ("6m", D(2024, 8, 31), D(2024, 2, 29)),    # a missing day is clamped to the month's end (leap year)
        ("6m", D(2023, 8, 31), D(2023, 2, 28)),
        ("1y", D(2024, 2, 29), D(2023, 2, 28)),
        ("1y", D(2024, 6, 30), D(2023, 6, 30)),    # 366 days in a leap year, not 365
        ("3m", D(2024, 1, 15), D(2023, 10, 15)),   # across a year boundary
        ("14d", D(2024, 3, 15), D(2024, 3, 1)),
        ("2w", D(2024, 3, 15), D(2024, 3, 1)),
    ],
)
def test_windows_start_by_the_calendar(period, asof_day, start):
    win = asof.window(asof_day, period)
    assert (win.start, win.end) == (start, asof_day)
    assert win.days == (asof_day - start).days


def test_a_window_holds_both_end_days_and_no_undated_entry():
    win = asof.window(D(2024, 3, 1), "2m")
    assert D(2024, 1, 1) in win and D(2024, 3, 1) in win
    assert D(2023, 12, 31) not in win and D(2024, 3, 2) not in win
    assert None not in win


def test_six_calendar_months_are_not_a_fixed_number_of_days():
    assert asof.window(D(2024, 6, 30), "6m").days == 183
    assert asof.window(D(2023, 8, 31), "6m").days == 184  # from Feb. 28 (clamped)
    assert asof.window(D(2023, 3, 31), "6m").days == 182


def test_latest_future_undated():
    day = D(2024, 6, 30)
    dates = [D(2024, 6, 1), None, D(2024, 7, 2), D(2024, 6, 30)]
    assert asof.latest(dates, day) == D(2024, 6, 30)  # the as-of day itself counts
    assert asof.latest([D(2024, 7, 2), None], day) is None
    assert [asof.state(d, day) for d in dates] == ["dated", "undated", "future", "dated"]
    assert asof.is_future(D(2024, 7, 1), day) and not asof.is_future(day, day) and not asof.is_future(None, day)
    assert asof.latest(dates, D(2024, 7, 5)) == D(2024, 7, 2)  # a later as-of date counts it


@pytest.mark.parametrize(
    ("first", "last", "exceeded"),
    [
        (D(2024, 1, 31), D(2024, 4, 30), False),  # exactly 3 calendar months (clamped): not 超过3个月
        (D(2024, 1, 31), D(2024, 5, 1), True),
        (D(2024, 3, 30), D(2024, 6, 30), False),  # 92 days, exactly 3 months
        (D(2024, 3, 29), D(2024, 6, 30), True),
        (D(2023, 11, 15), D(2024, 2, 15), False),  # across the new year
        (D(2023, 11, 15), D(2024, 2, 16), True),
    ],
)
def test_exceeds_counts_calendar_months(first, last, exceeded):
    assert asof.exceeds(first, last, "3m") is exceeded


def test_instants_run_from_local_midnight_to_the_start_of_the_asof_day():
    win = asof.window(D(2024, 6, 30), "7d", "Asia/Shanghai")
    # Shanghai midnight is 16:00 UTC the day before
    assert win.start_utc == dt.datetime(2024, 6, 22, 16, 0)
    assert win.end_utc == dt.datetime(2024, 6, 29, 16, 0)
    assert win.end_utc - win.start_utc == dt.timedelta(days=7)
    assert win.holds(dt.datetime(2024, 6, 22, 16, 0))
    assert not win.holds(dt.datetime(2024, 6, 22, 15, 59))
    assert win.holds(dt.datetime(2024, 6, 29, 15, 59))  # 23:59 on June 29 in Shanghai
    assert not win.holds(dt.datetime(2024, 6, 29, 16, 0))  # 00:00 on the as-of day: not yet observed


def test_time_zone_moves_the_instants_not_the_days():
    sh = asof.window(D(2024, 6, 30), "7d", "Asia/Shanghai")
    utc = asof.window(D(2024, 6, 30), "7d", "UTC")
    ny = asof.window(D(2024, 6, 30), "7d", "America/New_York")
    assert sh.start == utc.start == ny.start
    assert utc.end_utc == dt.datetime(2024, 6, 30, 0, 0)
    assert ny.end_utc == dt.datetime(2024, 6, 30, 4, 0)  # EDT
    probe = dt.datetime(2024, 6, 29, 20, 0)  # UTC: June 30 04:00 in Shanghai, June 29 16:00 in New York
    assert not sh.holds(probe) and utc.holds(probe) and ny.holds(probe)


def test_today_is_the_calendar_day_of_the_time_zone():
    now = dt.datetime.now(dt.UTC)
    assert asof.today("UTC") in {now.date(), (now + dt.timedelta(seconds=5)).date()}
    assert abs((asof.today("Pacific/Kiritimati") - asof.today("Pacific/Pago_Pago")).days) in {1, 2}
