"""Date parsing for Chinese government pages.

Forms understood in text: ``2017-12-10``, ``2017/12/10``, ``2017.12.10``, ``2017年12月10日`` (with or
without a following time), full-width digits (``２０１７－１２－１０``), Chinese numerals
(``二〇一七年十二月十日``) and year-less ``12-10`` / ``[12-10]`` / ``(12/10)`` whose year is inferred from
the as-of date (the most recent such day not after it).

Forms understood in URLs (:func:`date_from_url`): TRS ``t20171210_123.html``, ``/2017/1210/``,
Hanweb ``/art/2017/12/10/``, ``/2017-12/10/``, ``/20171210/`` and ``/2017/<name>_1210/``.
Month-only URL folders (``/201712/``) carry no day: :func:`date_from_url` returns ``None`` for them and
:func:`url_date` reports them with ``precision="month"`` (the date is the 1st of the month).

Invalid dates (``2017-13-45``) are skipped; years outside ``1990 .. asof.year + 1`` are rejected.
Nothing here raises on odd input.
"""

from __future__ import annotations

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
_CN_YEAR_CHARS = "〇零○Ｏ一二三四五六七八九"
_CN_NUM_CHARS = "一二三四五六七八九十"

_DATE_RE = re.compile(
    # numeric year-month-day with one consistent separator
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d])"
    # 2017年12月10日
    r"|(?<!\d)(?P<cy>(?:19|20)\d{2})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*[日号]?(?!\d)"
    # 二〇一七年十二月十日
    rf"|(?P<ny>[{_CN_YEAR_CHARS}]{{4}})\s*年\s*(?P<nm>[{_CN_NUM_CHARS}]{{1,3}})\s*月"
    rf"\s*(?P<nd>[{_CN_NUM_CHARS}]{{1,4}})\s*[日号]"
    # year-less MM-DD / MM/DD (two digits each, not part of a longer number, range, time or month span)
    r"|(?<![\d\-/.:])(?P<mm>[01]\d)(?P<msep>[-/])(?P<dd>[0-3]\d)(?![\d\-/:月])"
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
    for year in range(asof.year, asof.year - 8, -1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate <= asof:
            return candidate
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
        else:
            inferred = True
            found = infer_year(int(g("mm")), int(g("dd")), asof)
        if found is not None:
            yield DateMatch(found, m.start(), m.end(), inferred)


def parse_date(text: str, asof: datetime.date | None = None) -> datetime.date | None:
    """The first valid date in ``text`` (year-less MM-DD inferred from ``asof``), else None."""
    for match in iter_dates(text, asof):
        return match.date
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
