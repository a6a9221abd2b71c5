"""The evidence model: one dataclass per kind of evidence, declared once.

The spiders emit these records as items; the writer derives the SQL rows from them generically
(`row_values`: the record's fields that are columns of the table); scoring loads them back (`from_row`: the
table's columns that are fields of the record). A field added here and to the table (plus a migration)
travels from the crawl to the checks without any mapper in between.

Records are built clean: every text (also inside dicts and lists, e.g. page features) loses the characters
XML 1.0 forbids (``&#1;`` in a menu name), so no report, XLSX or DOCX output can be broken by a site's text,
and PostgreSQL never sees a NUL. Dates are real ``datetime.date`` objects; what they mean relative to the
as-of date is decided in ``govaudit.asof`` only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, TypeVar

from govaudit import asof as asof_rules

# XML 1.0 forbids C0 controls except TAB/LF/CR, lone surrogates and U+FFFE/U+FFFF (openpyxl and python-docx
# raise on them; PostgreSQL refuses NUL)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


# per-class caches (records are dataclasses with eq, so instances are unhashable; classes are keys here)
_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_DEFAULTS: dict[type, dict[str, Any]] = {}


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {(clean_text(k) if isinstance(k, str) else k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    return value


def _text_fields(cls: type) -> tuple[str, ...]:
    """Fields that may hold text: str, dicts, and lists of plain values (`list[str]`, `list[dict...]`); lists
    of records (`list[Entry]`) are skipped, their records were cleaned when they were built."""
    found = _TEXT_FIELDS.get(cls)
    if found is None:
        out = []
        for f in fields(cls):
            kind = str(f.type)  # annotations are strings here (from __future__ import annotations)
            if kind.startswith(("str", "dict")) or (kind.startswith("list[") and kind[5:6].islower()):
                out.append(f.name)
        found = _TEXT_FIELDS[cls] = tuple(out)
    return found


class Record:
    """Base of every evidence record: cleans its texts once, when it is built."""

    def __post_init__(self) -> None:
        for name in _text_fields(type(self)):
            value = getattr(self, name)
            cleaned = _clean(value)
            if cleaned is not value:
                setattr(self, name, cleaned)


R = TypeVar("R", bound=Record)


# --- the records ---------------------------------------------------------------------------------------------


@dataclass
class Site(Record):
    """One audited site: registry data as at run time and how its crawl went (row of `run_sites`)."""

    run_id: str
    site_id: str
    name: str
    url: str
    organizer: str = ""
    region: str = ""
    level: str = ""
    kind: str = "department"
    has_services: bool = True
    # ok | unreachable | blocked | error  (blocked = 403/429/WAF challenge: "could not audit")
    crawl_state: str = "ok"
    home_status: int | None = None
    final_url: str = ""
    error: str = ""
    # the certificate problems of an https home page ("self-signed; expired"); "" = none seen or plain http
    tls_problem: str = ""
    # how the crawl reached the site: {"hops": [{from, to, how}], "rendered_nav": bool,
    # "columns_left_out": [{name, url}], "hosts": {host: reason} (admitted by identity), "scope": [{host, reason,
    # why, evidence}] (every host of the site's scope and why), "hop_out_of_scope": {from, to, how}}
    reach: dict[str, Any] = field(default_factory=dict)


@dataclass
class Page(Record):
    """A fetched page with the page-level features the rubric checks (footer identity, 找错 entry...)."""

    run_id: str
    site_id: str
    url: str
    kind: str  # home | column | article | guide | interaction
    status: int | None = None
    features: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and (self.status is None or 200 <= self.status < 400)


@dataclass
class Entry(Record):
    """One entry of a column's list (row of `articles`). Future-dated and undated entries are entries too."""

    url: str
    title: str = ""
    date: dt.date | None = None
    date_text: str = ""  # the date as printed when it is not a real date (2017-13-45, 0000-00-00)


@dataclass
class Column(Record):
    """One column (栏目) with every entry gathered over its pages (row of `columns` + its `articles`)."""

    run_id: str
    site_id: str
    url: str
    name: str
    parent_url: str = ""
    depth: int = 1  # 1 = 一级栏目 (linked from the home page); the home page itself is depth 0
    source: str = "nav"  # nav | registry | subcolumn | home | home-block
    on_home: bool = False  # a block of the home page itself (首页栏目)
    category: str = ""  # set by classification (keys of data/column_categories.yaml)
    http_status: int | None = None
    error: str = ""  # why the list could not be read ("" when it could)
    blank: bool = False
    blank_note: bool = False  # empty, but with an explanatory note (未产生信息说明)
    pages_fetched: int = 0
    rendered: bool = False  # list built by JavaScript, rendered in Chromium
    # list built by JavaScript from the request its own script makes, read from that request without a browser
    # (extract/feeds.py): the first page's address ("POST <address>" for a form post); "" otherwise
    feed_url: str = ""
    entries_count: int = 0  # entries listed (at least len(entries); more when duplicates were merged)
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.entries_count = max(self.entries_count, len(self.entries))

    @property
    def is_home(self) -> bool:
        return self.source == "home" or self.category == "home"

    @property
    def unreachable(self) -> bool:
        """The list could not be read (HTTP error or fetch error with nothing extracted)."""
        if self.http_status is not None and self.http_status >= 400:
            return True
        return bool(self.error) and self.entries_count == 0 and not self.entries

    @property
    def truly_blank(self) -> bool:
        """空白栏目: fetched, nothing in it, and no explanatory note."""
        return self.blank and not self.blank_note and not self.unreachable

    def entry_total(self) -> int:
        return max(self.entries_count, len(self.entries))

    def undated_count(self) -> int:
        return sum(1 for e in self.entries if e.date is None)

    def future_count(self, asof: dt.date) -> int:
        return sum(1 for e in self.entries if asof_rules.is_future(e.date, asof))

    def dates(self, asof: dt.date) -> list[dt.date]:
        """Entry dates not after the as-of date (dates after it are not updates as of then)."""
        return [d for e in self.entries if (d := e.date) is not None and not asof_rules.is_future(d, asof)]

    def latest_at(self, asof: dt.date) -> dt.date | None:
        return asof_rules.latest((e.date for e in self.entries), asof)

    def summary(self, asof: dt.date) -> dict[str, Any]:
        """The `columns` row's summary as of the crawl's as-of date (the report's column table; scoring always
        recomputes from the entries at its own as-of date)."""
        return {"entries_count": self.entry_total(), "undated": self.undated_count(), "latest": self.latest_at(asof)}


@dataclass
class Link(Record):
    """A link checked for availability (HEAD then GET)."""

    run_id: str
    site_id: str
    page_url: str
    link_url: str
    on_home: bool
    status: int | None = None
    ok: bool = True
    error: str = ""


@dataclass
class Guide(Record):
    """A service-guide (办事指南) page and the element categories it has."""

    run_id: str
    site_id: str
    url: str
    title: str = ""
    elements: list[str] = field(default_factory=list)  # element keys present
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {"url", "ok", "status"}


@dataclass
class Letter(Record):
    """A published citizen letter (留言) with its submission and reply dates."""

    run_id: str
    site_id: str
    url: str
    column_url: str = ""
    title: str = ""
    submitted: dt.date | None = None
    replied: dt.date | None = None


@dataclass
class Probe(Record):
    """One availability probe of a home page (the `probe` spider); not tied to a run."""

    site_id: str
    url: str
    at: dt.datetime  # naive UTC
    ok: bool
    status: int | None = None
    elapsed: float | None = None
    error: str = ""


# --- records <-> rows ---------------------------------------------------------------------------------------


def _field_names(cls: type) -> tuple[str, ...]:
    found = _FIELD_NAMES.get(cls)
    if found is None:
        found = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return found


def row_values(record: Record, columns: Collection[str], **context: Any) -> dict[str, Any]:
    """The SQL row of a record: its fields that are `columns` of the table, plus `context` (e.g. the
    column URL of an entry, or a column's summary)."""
    row = {name: getattr(record, name) for name in _field_names(type(record)) if name in columns}
    row.update(context)
    return row


def _defaults(cls: type) -> dict[str, Any]:
    found = _DEFAULTS.get(cls)
    if found is None:
        found = _DEFAULTS[cls] = {}
        for f in fields(cls):
            if f.default is not MISSING:
                found[f.name] = f.default
            elif f.default_factory is not MISSING:
                found[f.name] = f.default_factory
    return found


def from_row(cls: type[R], row: Any, **extra: Any) -> R:
    """The record of a SQL row (ORM object or mapping): the row's values for the record's fields (NULL ->
    the field's default), plus `extra` (e.g. a column's entries)."""
    get = row.get if isinstance(row, Mapping) else (lambda name, _d=None: getattr(row, name, _d))
    defaults = _defaults(cls)
    values: dict[str, Any] = {}
    for name in _field_names(cls):
        if name in extra:
            continue
        value = get(name, None)
        if value is None and name in defaults:
            default = defaults[name]
            value = default() if callable(default) else default
        elif isinstance(value, (dict, list)):
            value = type(value)(value)  # never share a mutable JSON value with the ORM object
        values[name] = value
    return cls(**values, **extra)


def of_type(records: Iterable[Any], cls: type[R]) -> list[R]:
    return [r for r in records if isinstance(r, cls)]
