"""One site's daily pass as its responses arrive: what each first page lists against the ledger and the page
read before, which follow-up requests that calls for (nothing deeper unless something changed), and at the
end one `SitePassItem` with everything to store: column states, ledger changes, suspected forged dates and
the site's figures of the day.

Entries are plain dicts {"url", "title", "date"} with ISO dates (as stored in JSON)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from govaudit.asof import latest as latest_dated
from govaudit.classify import classify_column
from govaudit.extract.dates import date_from_url
from govaudit.monitoring.listing import ListingDiff, diff_first_page
from govaudit.monitoring.plan import ColumnState, SitePlan
from govaudit.monitoring.rules import Rules

NOT_MODIFIED = 304


@dataclass
class SitePassItem:
    """Everything one site's daily pass found (stored by govaudit.monitoring.store)."""

    run_id: str
    site_id: str
    day: str  # YYYY-MM-DD
    reachable: bool
    home_status: int | None
    error: str
    home_url: str
    nav_digest: str
    rediscovered: str | None
    basis_run_id: str | None
    seed_day: str | None  # the full audit's as-of date: first seen of the entries taken over from it
    columns: list[dict[str, Any]]  # ColumnState records after the pass (the home page's included)
    seed_entries: list[dict[str, Any]]  # taken over from a full audit
    baseline: list[dict[str, Any]]  # listed by a column seen for the first time (known from today, not new)
    new_entries: list[dict[str, Any]]  # {"column_url", "url", "title", "date", "url_date", "page_date"}
    seen: list[tuple[str, str]]  # (column URL, URL) listed today
    removed: list[dict[str, Any]]  # {"column_url", "url", "how"}
    flags: list[dict[str, Any]]
    figures: dict[str, Any]


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def entry_dict(e: Any) -> dict[str, Any]:
    """An extracted list entry as the monitor keeps it."""
    return {"url": e.url, "title": (e.title or "")[:300], "date": e.date.isoformat() if e.date else None}


def listing_digest(entries: list[dict[str, Any]]) -> str:
    return hashlib.sha1("\n".join(f"{e['url']}|{e['date']}" for e in entries).encode()).hexdigest()


def nav_digest(links: list[tuple[str, str]]) -> str:
    return hashlib.sha1("\n".join(sorted(f"{n}\t{u}" for n, u in links)).encode()).hexdigest()


@dataclass
class _Read:
    """What one column looked like today."""

    status: int | None = None
    not_modified: bool = False
    entries: list[dict[str, Any]] = field(default_factory=list)  # first page
    extra: list[dict[str, Any]] = field(default_factory=list)  # entries of further pages read today
    pages: int = 0
    diff: ListingDiff | None = None
    baseline: list[dict[str, Any]] = field(default_factory=list)  # listed at the first sight of the column
    error: str = ""


class SitePass:
    def __init__(self, plan: SitePlan, rules: Rules, run_id: str) -> None:
        self.plan = plan
        self.rules = rules
        self.run_id = run_id
        self.day = plan.day
        self.before = {c.url: replace(c) for c in [plan.home, *plan.columns.values()]}  # states before today
        self.requests = 0
        self.reachable = False
        self.home_status: int | None = None
        self.error = ""
        self.reads: dict[str, _Read] = {}
        self.nav: list[tuple[str, str]] | None = None
        self.rediscovering = plan.rediscover_due
        self.page_dates: dict[str, dt.date | None] = {}
        self.removal_status: dict[str, int | None] = {}
        self.checks_left = rules.max_article_checks
        self._checked: set[str] = set()

    # --- the home page ---------------------------------------------------------------------------------------
    def home_failed(self, status: int | None, why: str) -> None:
        self.home_status, self.error = status, why
        self.plan.home.last_status, self.plan.home.last_checked = status, self.day

    def home_not_modified(self) -> None:
        self.reachable, self.home_status = True, NOT_MODIFIED
        self._not_modified(self.plan.home)

    def home_read(self, url: str, status: int, entries: list[dict[str, Any]], nav: list[tuple[str, str]],
                  validators: tuple[str, str]) -> None:
        self.reachable, self.home_status = True, status
        home = self.plan.home
        if home.last_read is None and home.url != url and url not in self.plan.columns:
            home.url = url  # first read: keep the home page under its final address (after redirects)
        self.nav = nav
        digest = nav_digest(nav)
        if self.plan.nav_digest and digest != self.plan.nav_digest:
            self.rediscovering = True  # the navigation changed: look for new columns today
        self.plan.nav_digest = digest
        self._read(home, status, entries, blank=False, blank_note=False, validators=validators)

    def columns_to_read(self) -> list[ColumnState]:
        """Today's column requests: the daily lists; at re-discovery every known column and the navigation's
        new ones."""
        if not self.rediscovering:
            return self.plan.daily(self.rules.children_every)
        if self.nav:
            for name, url in self.nav:
                if url not in self.plan.columns and url != self.plan.home.url:
                    self.add_column(name, url, depth=1, parent="", source="nav")
        return [c for c in self.plan.columns.values() if c.gone_day is None]

    def add_column(self, name: str, url: str, *, depth: int, parent: str, source: str) -> ColumnState | None:
        if url in self.plan.columns or url == self.plan.home.url:
            return None
        col = ColumnState(url=url, name=name.strip()[:300] or url, category=classify_column(name), depth=depth,
                          parent_url=parent, source=source, role="list", first_day=self.day)
        self.plan.columns[url] = col
        return col

    def conditional(self, col: ColumnState) -> dict[str, str]:
        """Validators of the page as last read (none at re-discovery: the body is needed)."""
        if self.rediscovering or col.last_read is None:
            return {}
        headers = {}
        if col.etag:
            headers["If-None-Match"] = col.etag
        if col.last_modified:
            headers["If-Modified-Since"] = col.last_modified
        return headers

    # --- columns -------------------------------------------------------------------------------------------
    def column_failed(self, col: ColumnState, status: int | None, why: str) -> None:
        self.reads[col.url] = _Read(status=status, error=why)
        col.last_status, col.last_checked = status, self.day
        if self.rediscovering and status in (404, 410):
            col.gone_day = self.day
        elif col.first_day == self.day and col.last_read is None and status is not None:
            col.role = "page"  # a link of the navigation that is no list we can read

    def column_not_modified(self, col: ColumnState) -> None:
        self._not_modified(col)

    def _not_modified(self, col: ColumnState) -> None:
        self.reads[col.url] = _Read(status=NOT_MODIFIED, not_modified=True, entries=list(col.snapshot))
        col.last_status, col.last_checked, col.last_read = NOT_MODIFIED, self.day, self.day

    def column_read(self, col: ColumnState, status: int, entries: list[dict[str, Any]], *, blank: bool,
                    blank_note: bool, content_page: bool, validators: tuple[str, str]) -> ListingDiff:
        if col.role == "page" or col.last_read is None:
            col.role = "list" if entries or blank or blank_note else "page"  # what the page turned out to be
        return self._read(col, status, entries, blank=blank, blank_note=blank_note, validators=validators)

    def _read(self, col: ColumnState, status: int, entries: list[dict[str, Any]], *, blank: bool,
              blank_note: bool, validators: tuple[str, str]) -> ListingDiff:
        before = self.before.get(col.url)
        known = self.plan.known.get(col.url, set())
        single_list = col.role == "list" and before is not None and before.last_read is not None
        readable = bool(entries) or blank
        diff = diff_first_page(list(col.snapshot), entries, known,
                               infer_removals=single_list and readable and bool(col.snapshot))
        read = self.reads[col.url] = _Read(status=status, entries=entries, pages=1, diff=diff)
        if (before is None or before.last_read is None) and not known:
            # the first sight of this list (a new column, a site without a full audit): what it shows is the
            # baseline, known from today, not entries seen appearing
            read.baseline, diff.new = diff.new, []
        dates = [d for e in entries if (d := _date(e["date"])) is not None]
        digest = listing_digest(entries)
        col.etag, col.last_modified = validators
        # new entries, or another listing than the monitor's own last one
        diff.changed = bool(diff.new) or (bool(col.digest) and digest != col.digest)
        if diff.changed:
            col.last_changed = self.day
        col.digest = digest
        col.last_status, col.last_checked, col.last_read = status, self.day, self.day
        col.snapshot = entries
        col.span_oldest = min(dates, default=None)
        col.latest = latest_dated(dates, self.day)
        col.blank = blank and not entries and not blank_note
        col.blank_note = blank_note and not entries
        return diff

    def extra_page(self, col: ColumnState, entries: list[dict[str, Any]]) -> bool:
        """Entries of a further page; True when that page was all new too (follow it further)."""
        read = self.reads[col.url]
        read.pages += 1
        known = self.plan.known.get(col.url, set()) | {e["url"] for e in read.entries + read.extra}
        fresh = [e for e in entries if e["url"] not in known]
        read.extra.extend(entries)
        if read.baseline:
            read.baseline.extend(fresh)
        elif read.diff is not None:
            read.diff.new.extend(fresh)
        dates = [d for e in entries if (d := _date(e["date"])) is not None]
        if dates and (col.span_oldest is None or min(dates) < col.span_oldest):
            col.span_oldest = min(dates)
        return bool(entries) and len(fresh) == len(entries)

    def children_to_read(self, col: ColumnState, diff: ListingDiff) -> list[ColumnState]:
        """After a channel page was read: its sub-columns not read yet today, where it changed."""
        if col.role != "aggregate" or not diff.changed or self.rediscovering:
            return []
        before = {e["url"] for e in self.before[col.url].snapshot} if col.url in self.before else set()
        today = {e["url"] for e in self.reads[col.url].entries}
        changed = sorted((before ^ today) | {e["url"] for e in diff.new})
        return [c for c in self.plan.children_of(col, changed) if c.url not in self.reads]

    def wants_next_page(self, col: ColumnState, diff: ListingDiff) -> bool:
        """A whole first page of new entries, in a column read before: more were published than a page holds."""
        before = self.before.get(col.url)
        read = self.reads.get(col.url)
        return (col.role == "list" and before is not None and before.last_read is not None and bool(diff.new)
                and read is not None and len(diff.new) == len(read.entries)
                and read.pages <= self.rules.max_extra_pages)

    # --- follow-ups: article pages of late entries, pages of entries taken off a list ---------------------
    def late(self, entry: dict[str, Any]) -> bool:
        listed = _date(entry["date"])
        return listed is not None and listed <= self.rules.fetch_article_when_late.before(self.day)

    def article_checks(self, entries: list[dict[str, Any]]) -> list[str]:
        return self._take([e["url"] for e in entries if self.late(e)])

    def removal_checks(self, entries: list[dict[str, Any]]) -> list[str]:
        return self._take([e["url"] for e in entries])

    def _take(self, urls: list[str]) -> list[str]:
        out = []
        for url in urls:
            if url in self._checked or self.checks_left <= 0:
                continue
            self._checked.add(url)
            self.checks_left -= 1
            out.append(url)
        return out

    def article_date(self, url: str, date: dt.date | None) -> None:
        self.page_dates[url] = date

    def removal_checked(self, url: str, status: int | None) -> None:
        self.removal_status[url] = status

    # --- the result ----------------------------------------------------------------------------------------
    def result(self) -> SitePassItem:
        new_entries: list[dict[str, Any]] = []
        baseline: list[dict[str, Any]] = []
        seen: list[tuple[str, str]] = []
        removed: list[dict[str, Any]] = []
        flags: list[dict[str, Any]] = []
        flagged: set[tuple[str, str]] = set()
        changed = failed = not_modified = 0
        for url, read in self.reads.items():
            col = self.plan.column(url)
            if col is None:
                continue
            if read.not_modified:
                not_modified += 1
            elif read.status is None or read.status >= 400 or read.error:
                failed += 1
            elif read.diff is not None and read.diff.changed and not col.is_home:
                changed += 1
            for e in read.entries + read.extra:
                seen.append((url, e["url"]))
            baseline += [{"column_url": url, "url": e["url"], "title": e["title"], "date": e["date"]}
                         for e in read.baseline]
            if read.diff is None:
                continue
            for e in read.diff.new:
                record = {"column_url": url, "url": e["url"], "title": e["title"], "date": e["date"],
                          "url_date": _iso(date_from_url(e["url"], self.day)),
                          "page_date": _iso(self.page_dates.get(e["url"]))}
                new_entries.append(record)
                for flag in self._flags(col, record):
                    if (flag["url"], flag["kind"]) not in flagged:
                        flagged.add((flag["url"], flag["kind"]))
                        flags.append(flag)
            for e in read.diff.removed:
                status = self.removal_status.get(e["url"])
                how = "page-gone" if status in (404, 410) else "unlisted"
                removed.append({"column_url": url, "url": e["url"], "how": how, "status": status})
        columns = [self.plan.home, *self.plan.columns.values()]
        blank = sum(1 for c in self.plan.columns.values()
                    if c.role == "list" and c.gone_day is None and c.blank and c.last_read is not None)
        home_changed = bool(self.reads.get(self.plan.home.url) and self.plan.home.last_changed == self.day)
        figures = {
            "columns_checked": len([u for u in self.reads if u != self.plan.home.url]),
            "columns_changed": changed, "columns_failed": failed, "not_modified": not_modified,
            "blank_columns": blank, "new_entries": len({e["url"] for e in new_entries}),
            "removed_entries": len({e["url"] for e in removed}), "flags": len(flags),
            "home_changed": home_changed, "home_latest": _iso(self.plan.home.latest), "requests": self.requests,
        }
        return SitePassItem(
            run_id=self.run_id, site_id=self.plan.site.site_id, day=self.day.isoformat(), reachable=self.reachable,
            home_status=self.home_status, error=self.error, home_url=self.plan.home.url,
            nav_digest=self.plan.nav_digest,
            rediscovered=_iso(self.day if self.rediscovering and self.reachable else self.plan.rediscovered),
            basis_run_id=self.plan.basis_run_id, seed_day=_iso(self.plan.basis_asof),
            columns=[_record(c) for c in columns],
            seed_entries=[{**e, "date": _iso(e["date"])} for e in self.plan.seed_entries], baseline=baseline,
            new_entries=new_entries, seen=seen, removed=removed, flags=flags, figures=figures,
        )

    def _flags(self, col: ColumnState, e: dict[str, Any]) -> list[dict[str, Any]]:
        """Suspected forged dates of a new entry (see govaudit/data/monitoring.yaml)."""
        out: list[dict[str, Any]] = []
        listed = _date(e["date"])
        if listed is None:
            return out
        before = self.before.get(col.url)
        evidence: dict[str, Any] = {"column": col.name, "column_url": col.url, "list_date": e["date"],
                                    "first_seen": self.day.isoformat(), "title": e["title"]}
        if (col.role == "list" and before is not None and before.last_read is not None
                and before.span_oldest is not None and listed < self.rules.backdated_after.before(self.day)
                and listed < before.last_read and before.span_oldest < listed):
            out.append(self._flag("backdated", col, e, listed, None, {
                **evidence, "previous_read": before.last_read.isoformat(),
                "previous_oldest": before.span_oldest.isoformat()}))
        url_date = _date(e["url_date"])
        if url_date is not None and url_date > self.rules.url_later_by.after(listed):
            out.append(self._flag("url_later", col, e, listed, url_date, {**evidence, "url_date": e["url_date"]}))
        page_date = _date(e["page_date"])
        if page_date is not None and page_date > self.rules.page_later_by.after(listed):
            out.append(self._flag("page_later", col, e, listed, page_date, {**evidence, "page_date": e["page_date"]}))
        return out

    def _flag(self, kind: str, col: ColumnState, e: dict[str, Any], listed: dt.date, other: dt.date | None,
              evidence: dict[str, Any]) -> dict[str, Any]:
        return {"kind": kind, "column_url": col.url, "url": e["url"], "title": e["title"],
                "list_date": listed.isoformat(), "other_date": _iso(other), "evidence": evidence}


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _record(col: ColumnState) -> dict[str, Any]:
    rec = col.record()
    for key in ("last_checked", "last_read", "last_changed", "span_oldest", "latest", "first_day", "gone_day"):
        rec[key] = _iso(rec[key])
    return rec
