"""The as-of date (监测时间点) and every date rule that hangs on it: the one place that decides what is
"latest", "future", "undated", how long a rubric window is and where it starts and ends.

The rules, stated once
----------------------
* **As-of date A.** A calendar day in the run's time zone (``runs.timezone``, from GOVAUDIT_TIMEZONE,
  default Asia/Shanghai). Every check, the report and monitoring use the run's as-of date and time zone;
  nothing reads the machine's clock or time zone to judge evidence.
* **Entry dates** are calendar days as the site prints them (no time zone). Relative to A a date is
  ``"dated"`` (on or before A), ``"future"`` (after A: a forged or mistyped date — stored as evidence,
  never an update as of A; rescoring at a later as-of date on or after it counts it) or ``"undated"``
  (no date, or a date that does not exist, e.g. 2017-13-45: the raw text is kept on the record).
* **Latest** = the newest dated (not future) date; undated and future entries never make a column fresh.
* **Periods** come from the rubric: days, weeks, months, years. Months and years are *calendar* months and
  years, not 30/183/365 days: 6 months before 2024-08-31 is 2024-02-29 (a missing day is clamped to the
  month's last day), 1 year before 2024-02-29 is 2023-02-28.
* **A window "监测时间点前 P 内"** (rubric footnote: for A = 3月1日, "前2个月内" is 1月1日 to 3月1日) is the
  days ``start .. A`` with ``start = A − P``, **both ends inside**: an entry dated on the as-of day or on the
  first day counts. A date window of 2 weeks before 2024-03-15 is 2024-03-01 .. 2024-03-15.
* **Instants** (availability probes, stored as naive UTC) are counted from local midnight of ``start`` up
  to local midnight of A, **the as-of day excluded**: a day is observed only once it is over, so the window
  "监测1周" holds exactly 7 × 24 hours of probes, and a later rescore at the same as-of date reads the same
  probes however many were taken on the as-of day itself. Availability and monitoring both use this rule.
* **"超过 P" (exceeds)**: from day d0 to day d1 is more than P when d1 > d0 + P. A letter submitted
  2024-01-31 and still unanswered on 2024-04-30 is exactly 3 calendar months old: not "超过3个月"; on
  2024-05-01 it is.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"

DateState = Literal["dated", "future", "undated"]

_PERIOD_RE = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$", re.IGNORECASE)
_UNIT_FIELD = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


# --- one date against the as-of date ------------------------------------------------------------------------


def is_future(day: dt.date | None, asof: dt.date) -> bool:
    """Dated after the as-of date (a forged or mistyped date as of then)."""
    return day is not None and day > asof


def state(day: dt.date | None, asof: dt.date) -> DateState:
    if day is None:
        return "undated"
    return "future" if day > asof else "dated"


def latest(days: Iterable[dt.date | None], asof: dt.date) -> dt.date | None:
    """The newest date not after the as-of date (None when there is none)."""
    return max((d for d in days if d is not None and d <= asof), default=None)


def age_days(day: dt.date, asof: dt.date) -> int:
    """Whole days from `day` to the as-of date (0 on the as-of day)."""
    return (asof - day).days


def today(tz: str = DEFAULT_TIMEZONE) -> dt.date:
    """The current calendar day in the time zone (the default as-of date of a new run)."""
    return dt.datetime.now(ZoneInfo(tz)).date()


def add_workdays(day: dt.date, workdays: int) -> dt.date:
    """The day `workdays` working days (Monday to Friday) after `day`: the deadline of a "N个工作日" limit.
    Public holidays are not known here, so a limit across one is read generously by no day."""
    out = day
    left = workdays
    while left > 0:
        out += dt.timedelta(days=1)
        if out.weekday() < 5:
            left -= 1
    return out


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(year, quarter 1-4) of a calendar day."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar quarter."""
    first = dt.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    return first, dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


# --- periods and windows -----------------------------------------------------------------------------------


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    """A rubric length of time: some days, weeks, calendar months or calendar years."""

    days: int = 0
    weeks: int = 0
    months: int = 0
    years: int = 0

    @classmethod
    def parse(cls, value: Any) -> Period:
        """`Period`, an int (days), or text ``"14d"``, ``"2w"``, ``"6m"``, ``"1y"``; ValueError otherwise."""
        if isinstance(value, Period):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return cls(days=value)
        if isinstance(value, str):
            return _parse_text(value)
        raise ValueError(f"expected a period like 14d, 2w, 6m or 1y (or whole days), got {value!r}")

    def before(self, day: dt.date) -> dt.date:
        """The calendar day this period before `day`."""
        shifted = _shift_months(day, -(self.years * 12 + self.months))
        return shifted - dt.timedelta(days=self.days + 7 * self.weeks)

    def after(self, day: dt.date) -> dt.date:
        """The calendar day this period after `day`."""
        shifted = _shift_months(day, self.years * 12 + self.months)
        return shifted + dt.timedelta(days=self.days + 7 * self.weeks)

    def __str__(self) -> str:
        """The rubric's own wording: 7天, 2周, 6个月, 1年 (several units joined: 1年6个月)."""
        parts = [f"{n}{unit}" for n, unit in ((self.years, "年"), (self.months, "个月"), (self.weeks, "周"),
                                              (self.days, "天")) if n]
        return "".join(parts) or "0天"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


@lru_cache(maxsize=64)
def _parse_text(text: str) -> Period:
    found = _PERIOD_RE.match(text)
    if not found or int(found.group(1)) <= 0:
        raise ValueError(f"expected a period like 14d, 2w, 6m or 1y, got {text!r}")
    return Period(**{_UNIT_FIELD[found.group(2).lower()]: int(found.group(1))})


def local_midnight_utc(day: dt.date, tz: str = DEFAULT_TIMEZONE) -> dt.datetime:
    """Midnight at the start of `day` in the time zone, as a naive UTC datetime (like probes.at)."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(tz))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Window:
    """The trailing window "监测时间点前 P 内" of an as-of date (see the module's rules)."""

    start: dt.date  # first day inside
    end: dt.date  # the as-of date, inside
    tz: str = DEFAULT_TIMEZONE

    def __contains__(self, day: object) -> bool:
        """A date inside the window (both ends included); None (undated) never is."""
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        """The window's length in days (as-of date minus first day): 14 for 2 weeks, 183 for 6 months to
        2024-06-30, 184 for 6 months to 2023-08-31."""
        return (self.end - self.start).days

    @property
    def start_utc(self) -> dt.datetime:
        """First instant inside: local midnight of the first day (naive UTC)."""
        return local_midnight_utc(self.start, self.tz)

    @property
    def end_utc(self) -> dt.datetime:
        """First instant after: local midnight of the as-of day (naive UTC); the as-of day is not inside."""
        return local_midnight_utc(self.end, self.tz)

    def holds(self, at: dt.datetime) -> bool:
        """A naive-UTC instant (a probe) inside the window."""
        return self.start_utc <= at < self.end_utc


def local_day(at: dt.datetime, tz: str = DEFAULT_TIMEZONE) -> dt.date:
    """The calendar day in time zone `tz` of a naive-UTC instant (a probe): probes are counted per local day."""
    return at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz)).date()


def observed_days(win: Window) -> list[dt.date]:
    """The days whose instants a window holds: its first day up to the day before the as-of date."""
    return [win.start + dt.timedelta(days=i) for i in range((win.end - win.start).days)]


def window(asof: dt.date, period: Period | int | str, tz: str = DEFAULT_TIMEZONE) -> Window:
    """The window `period` before `asof` in time zone `tz` (period: a Period, days, or "6m"-style text)."""
    return Window(Period.parse(period).before(asof), asof, tz)


def exceeds(first: dt.date, last: dt.date, limit: Period | int | str) -> bool:
    """"超过 limit": from `first` to `last` is longer than the limit (calendar months and years)."""
    return last > Period.parse(limit).after(first)
