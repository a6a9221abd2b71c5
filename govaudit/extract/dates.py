"""Date parsing for Chinese government pages.

Forms understood in text: ``2017-12-10``, ``2017/12/10``, ``2017.12.10``, ``2017年12月10日`` (with or
without a following time), two-digit years ``17-12-10``, full-width digits (``２０１７－１２－１０``), Chinese
numerals (``二〇一七年十二月十日``, also with ``○``/``O`` for zero) and year-less ``12-10`` / ``[12-10]`` /
``(12/10)`` / ``12月10日`` / ``十二月十日`` whose year is inferred from the reference date (the most recent
such day not after it; callers with better context - the entry URL, a year heading - override it).

Relative forms (``刚刚``, ``15分钟前``, ``3小时前``, ``今天 09:12``, ``昨天``, ``前天``, ``5天前``, ``2周前``,
``1个月前``) are read
only by :func:`parse_relative` / ``parse_date(..., now=...)``: they mean something only against the fetch time.
Date-shaped text that is not a date (``2017-13-45``, ``0000-00-00``, ``1900-01-01``) is reported by
:func:`invalid_date_text`, so that callers can keep it as evidence instead of dropping or "fixing" it.

Forms understood in URLs (:func:`date_from_url`): TRS ``t20171210_123.html``, ``/2017/1210/``,
Hanweb ``/art/2017/12/10/``, ``/2017-12/10/``, ``/20171210/`` and ``/2017/<name>_1210/``.
Month-only URL folders (``/201712/``) carry no day: :func:`date_from_url` returns ``None`` for them and
:func:`url_date` reports them with ``precision="month"`` (the date is the 1st of the month).

Invalid dates (``2017-13-45``) are skipped; years outside ``1990 .. asof.year + 1`` are rejected.
Nothing here raises on odd input.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

MIN_YEAR = 1990

# One-to-one character translation (keeps string offsets): full-width digits and punctuation -> ASCII.
_FULLWIDTH = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update(
    {
        ord("－"): ord("-"),
        ord("／"): ord("/"),
        ord("．"): ord("."),
        ord("："): ord(":"),
        ord("［"): ord("["),
        ord("］"): ord("]"),
        ord("（"): ord("("),
        ord("）"): ord(")"),
        ord("\u3000"): ord(" "),
        ord("\xa0"): ord(" "),
        ord("‐"): ord("-"),
        ord("–"): ord("-"),
        ord("—"): ord("-"),
    }
)

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR_CHARS = "〇零○ＯO一二三四五六七八九"
_CN_NUM_CHARS = "一二三四五六七八九十"

_DATE_RE = re.compile(
    # numeric year-month-day with one consistent separator
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d])"
    # 2017年12月10日
    r"|(?<!\d)(?P<cy>(?:19|20)\d{2})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*[日号]?(?!\d)"
    # 二〇一七年十二月十日
    rf"|(?P<ny>[{_CN_YEAR_CHARS}]{{4}})\s*年\s*(?P<nm>[{_CN_NUM_CHARS}]{{1,3}})\s*月"
    rf"\s*(?P<nd>[{_CN_NUM_CHARS}]{{1,4}})\s*[日号]"
    # two-digit year 17-12-28 / 17.12.28 / 17/12/28 (ASP.NET and old table sites)
    r"|(?<![\d\-/.:])(?P<sy>[0-3]\d)(?P<ssep>[-/.])(?P<sm>[01]\d)(?P=ssep)(?P<sd>[0-3]\d)(?![\d\-/:.])"
    # year-less MM-DD / MM/DD (two digits each, not part of a longer number, range, time or month span)
    r"|(?<![\d\-/.:])(?P<mm>[01]\d)(?P<msep>[-/])(?P<dd>[0-3]\d)(?![\d\-/:月])"
    # year-less 12月28日 (DedeCMS, Discuz-like portals)
    r"|(?<![\d年.\-/])(?P<zm>\d{1,2})\s*月\s*(?P<zd>\d{1,2})\s*[日号]"
    # year-less 十二月二十八日
    rf"|(?<![{_CN_YEAR_CHARS}十年])(?P<zcm>[{_CN_NUM_CHARS}]{{1,3}})月(?P<zcd>[{_CN_NUM_CHARS}]{{1,4}})[日号]"
)

# date-shaped text, valid or not (used to report invalid dates rather than drop them silently)
_SHAPE_RE = re.compile(
    r"(?<!\d)\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?!\d)|(?<!\d)\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
)

_RELATIVE_RE = re.compile(
    r"^[\[(【]?\s*(?:"
    r"(?P<now>刚刚|刚才|片刻前|几秒前)"
    r"|(?P<n>\d{1,3}|[一两二三四五六七八九十]{1,2})\s*(?P<unit>秒钟?|分钟|个?小时|天|日|周|个?星期|个月)\s*(?:以?前)"
    r"|(?P<day>今天|今日|昨天|昨日|前天)"
    r")\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*[\])】]?$"
)

_URL_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # TRS: t20171210_123456.html / t20171210_123456.shtml
    (re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"), "day"),
    # Hanweb: /art/2017/12/10/art_123_456.html ; generic /2017/12/10/
    (re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"), "day"),
    # /2017/1210/
    (re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"), "day"),
    # /2017-12/10/ (xinhua-style content_...)
    (re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"), "day"),
    # /20171210/ folder or c_20171210... ; require non-digit boundaries
    (re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})(?:/|_)"), "day"),
    # /2017/news_1210/ (phpcms-like year folder + _MMDD sub folder)
    (re.compile(r"/((?:19|20)\d{2})/[A-Za-z0-9]+_(\d{2})(\d{2})/"), "day"),
    # /201712/ month folder (TRS W020171210 attachments excluded by the leading slash)
    (re.compile(r"/((?:19|20)\d{2})(\d{2})/"), "month"),
    # /2017-12/ month folder
    (re.compile(r"/((?:19|20)\d{2})-(\d{2})/"), "month"),
)

_URL_YEAR_MARKS = ("/19", "/20", "/t19", "/t20")  # where a pattern above can begin


@dataclass(frozen=True)
class DateMatch:
    """One date found in a text: the date, its span in the text and whether its year was inferred."""

    date: datetime.date
    start: int
    end: int
    inferred: bool = False


@dataclass(frozen=True)
class UrlDate:
    """A date read from a URL; ``precision`` is "day" or "month" (then ``date`` is the 1st)."""

    date: datetime.date
    precision: str


def normalize(text: str) -> str:
    """Full-width digits/punctuation to ASCII, same length as the input."""
    return text.translate(_FULLWIDTH)


def _cn_number(s: str) -> int | None:
    """一..九十九 (month/day numerals) -> int."""
    if not s:
        return None
    if "十" not in s:
        if len(s) != 1:
            return None
        return _CN_DIGIT.get(s)
    head, _, tail = s.partition("十")
    if "十" in tail or len(head) > 1 or len(tail) > 1:
        return None
    tens = 1 if not head else _CN_DIGIT.get(head)
    ones = 0 if not tail else _CN_DIGIT.get(tail)
    if tens is None or ones is None:
        return None
    return tens * 10 + ones


def _make(y: int, m: int, d: int, asof: datetime.date) -> datetime.date | None:
    if y < MIN_YEAR or y > asof.year + 1:
        return None
    try:
        return datetime.date(y, m, d)
    except ValueError:
        return None


def infer_year(month: int, day: int, asof: datetime.date) -> datetime.date | None:
    """The most recent date with this month/day not after ``asof`` (None if the day never exists)."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if month != 2 or day != 29:
        try:
            candidate = datetime.date(asof.year, month, day)
        except ValueError:
            return None
        return candidate if candidate <= asof else datetime.date(asof.year - 1, month, day)
    for year in range(asof.year, asof.year - 8, -1):  # 29 February: the latest leap year
        if calendar.isleap(year) and datetime.date(year, 2, 29) <= asof:
            return datetime.date(year, 2, 29)
    return None


def iter_dates(text: str, asof: datetime.date | None = None) -> Iterator[DateMatch]:
    """Every valid date in ``text`` in order of position."""
    if not text:
        return
    asof = asof or datetime.date.today()
    norm = normalize(text)
    for m in _DATE_RE.finditer(norm):
        g = m.group
        found: datetime.date | None
        inferred = False
        if g("y"):
            found = _make(int(g("y")), int(g("m")), int(g("d")), asof)
        elif g("cy"):
            found = _make(int(g("cy")), int(g("cm")), int(g("cd")), asof)
        elif g("ny"):
            year = int("".join(str(_CN_DIGIT[c]) for c in g("ny")))
            mon, day = _cn_number(g("nm")), _cn_number(g("nd"))
            found = _make(year, mon, day, asof) if mon and day else None
        elif g("sy"):
            found = _make(2000 + int(g("sy")), int(g("sm")), int(g("sd")), asof)
        elif g("mm"):
            inferred = True
            found = infer_year(int(g("mm")), int(g("dd")), asof)
        elif g("zm"):
            inferred = True
            found = infer_year(int(g("zm")), int(g("zd")), asof)
        else:
            inferred = True
            mon, day = _cn_number(g("zcm")), _cn_number(g("zcd"))
            found = infer_year(mon, day, asof) if mon and day else None
        if found is not None:
            yield DateMatch(found, m.start(), m.end(), inferred)


def parse_date(text: str, asof: datetime.date | None = None,
               now: datetime.datetime | None = None) -> datetime.date | None:
    """The first valid date in ``text`` (year-less MM-DD inferred from ``asof``), else None.

    With ``now`` (the fetch time), a text that is a relative date (``3小时前``, ``昨天``) is read against it."""
    for match in iter_dates(text, asof):
        return match.date
    if now is not None and text:
        return parse_relative(text, now)
    return None


def parse_relative(text: str, now: datetime.datetime) -> datetime.date | None:
    """The day a relative date written alone (``刚刚``, ``3小时前``, ``昨天 16:40``, ``5天前``) means at ``now``."""
    m = _RELATIVE_RE.match(normalize(text).strip())
    if m is None:
        return None
    if m.group("now"):
        return now.date()
    if m.group("day"):
        back = {"今": 0, "昨": 1, "前": 2}[m.group("day")[0]]
        return now.date() - datetime.timedelta(days=back)
    raw = m.group("n")
    n = int(raw) if raw.isdigit() else _cn_number(raw.replace("两", "二"))
    if n is None:
        return None
    unit = m.group("unit")
    if unit == "个月":  # calendar months back, as the site counts them
        months = now.year * 12 + now.month - 1 - n
        year, month = divmod(months, 12)
        day = min(now.day, calendar.monthrange(year, month + 1)[1])
        return datetime.date(year, month + 1, day) if n <= 12 else None
    if unit.startswith("秒"):
        delta = datetime.timedelta(seconds=n)
    elif unit == "分钟":
        delta = datetime.timedelta(minutes=n)
    elif unit.endswith("小时"):
        delta = datetime.timedelta(hours=n)
    elif unit in ("天", "日"):
        delta = datetime.timedelta(days=n)
    else:
        delta = datetime.timedelta(weeks=n)
    if delta > datetime.timedelta(days=400):
        return None
    return (now - delta).date()


def invalid_date_text(text: str, asof: datetime.date | None = None) -> str | None:
    """Date-shaped text in ``text`` that is not a valid date (``2017-13-45``, ``0000-00-00``, ``1900-01-01``,
    a year past ``asof`` + 1), as written; None when there is none or every date-shaped piece is valid."""
    if not text:
        return None
    norm = normalize(text)
    for m in _SHAPE_RE.finditer(norm):
        if parse_date(m.group(0), asof) is None:
            return m.group(0).strip()
    return None


def find_dates(text: str, asof: datetime.date | None = None) -> list[datetime.date]:
    """All valid dates in ``text``, in order of appearance."""
    return [match.date for match in iter_dates(text, asof)]


def url_date(url: str, asof: datetime.date | None = None) -> UrlDate | None:
    """The date carried by a URL path, with its precision ("day" or "month")."""
    if not url:
        return None
    asof = asof or datetime.date.today()
    path = url.split("?", 1)[0].split("#", 1)[0]
    if not any(mark in path for mark in _URL_YEAR_MARKS):  # every pattern starts at one: most links have none
        return None
    for pattern, precision in _URL_PATTERNS:
        for m in pattern.finditer(path):
            y, mo = int(m.group(1)), int(m.group(2))
            d = int(m.group(3)) if precision == "day" else 1
            found = _make(y, mo, d, asof)
            if found is not None:
                return UrlDate(found, precision)
    return None


def date_from_url(url: str, asof: datetime.date | None = None) -> datetime.date | None:
    """The day-precise date carried by a URL path, else None (month-only folders give None)."""
    found = url_date(url, asof)
    if found is None or found.precision != "day":
        return None
    return found.date


def format_date(value: datetime.date | None) -> str | None:
    """``YYYY-MM-DD`` or None."""
    return value.isoformat() if value else None
