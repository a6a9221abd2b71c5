"""What a site's daily pass starts from, read from SQL once per site: its column map with each first page's
validators and last listing, the ledger's URLs per column, and — when a newer full audit of the site exists —
the audit's column map and entries to take over (the ledger is seeded with what the audit saw, dated on the
audit's as-of date).

Roles of a column: ``home`` (the home page), ``list`` (a dated list, or an empty one: read every day),
``aggregate`` (a channel page whose entries all belong to other columns: read at re-discovery), ``page``
(a content page, a form, or a column that could not be read: read at re-discovery)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.asof import latest as latest_dated
from govaudit.registry.model import Site
from govaudit.store import models as m

FULL_AUDITS = ("audit", "spotcheck")


@dataclass
class ColumnState:
    url: str
    name: str
    category: str = "other"
    depth: int = 1
    parent_url: str = ""
    source: str = "audit"
    role: str = "list"
    rendered: bool = False
    data_url: str = ""
    etag: str = ""
    last_modified: str = ""
    digest: str = ""
    last_status: int | None = None
    last_checked: dt.date | None = None
    last_read: dt.date | None = None
    last_changed: dt.date | None = None
    snapshot: list[dict[str, Any]] = field(default_factory=list)
    span_oldest: dt.date | None = None
    latest: dt.date | None = None
    blank: bool = False
    blank_note: bool = False
    first_day: dt.date | None = None
    gone_day: dt.date | None = None

    @property
    def is_home(self) -> bool:
        return self.role == "home"

    def record(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _COLUMN_FIELDS}


_COLUMN_FIELDS = ("url", "name", "category", "depth", "parent_url", "source", "role", "rendered", "data_url", "etag",
                  "last_modified", "digest", "last_status", "last_checked", "last_read", "last_changed",
                  "snapshot", "span_oldest", "latest", "blank", "blank_note", "first_day", "gone_day")


@dataclass
class SitePlan:
    site: Site
    day: dt.date
    home: ColumnState
    columns: dict[str, ColumnState]  # every other column of the map, by URL
    known: dict[str, set[str]]  # column URL -> every URL the ledger has for it
    basis_run_id: str | None = None
    basis_asof: dt.date | None = None
    reseeded: bool = False  # the map was (re)taken from a full audit in this pass
    seed_entries: list[dict[str, Any]] = field(default_factory=list)  # audit entries new to the ledger
    nav_digest: str = ""
    rediscovered: dt.date | None = None
    rediscover_due: bool = False

    def daily(self, children_every: Any) -> list[ColumnState]:
        """The columns whose first page is read today before anything changed: every list, and every channel
        page (aggregate) as the sign of change of its sub-columns, which are read when it changed
        (`children_of`), when they were never read, or at least every `children_every`."""
        due = children_every.before(self.day)
        out = []
        for c in self.columns.values():
            if c.gone_day is not None or c.role not in ("list", "aggregate"):
                continue
            if c.role == "list" and self.is_child(c) and c.last_read is not None and c.last_read > due:
                continue  # its channel page tells whether it changed
            out.append(c)
        return out

    def is_child(self, col: ColumnState) -> bool:
        parent = self.columns.get(col.parent_url) if col.parent_url else None
        return parent is not None and parent.role == "aggregate" and parent.gone_day is None

    def children_of(self, parent: ColumnState, changed_urls: list[str]) -> list[ColumnState]:
        """The sub-columns of a channel page that changed: those whose folder holds a changed entry, or all of
        them when no entry can be placed (entry URLs outside the columns' folders)."""
        children = [c for c in self.columns.values() if c.parent_url == parent.url and c.role == "list"
                    and c.gone_day is None]
        folders = {c.url: urlsplit(c.url).path.rsplit("/", 1)[0] + "/" for c in children}
        placed = [c for c in children if any(urlsplit(u).path.startswith(folders[c.url]) for u in changed_urls)]
        return placed or ([] if not changed_urls else children)

    def column(self, url: str) -> ColumnState | None:
        if url == self.home.url:
            return self.home
        return self.columns.get(url)


def latest_full_audits(session: Session, site_ids: list[str], day: dt.date) -> dict[str, tuple[str, dt.date]]:
    """site -> (run id, as-of) of its newest finished full audit (audit or spot check) on or before `day`
    that reached the site."""
    out: dict[str, tuple[str, dt.date]] = {}
    for i in range(0, len(site_ids), 400):
        chunk = site_ids[i:i + 400]
        rows = session.execute(
            select(m.RunSite.site_id, m.Run.id, m.Run.asof)
            .join(m.Run, m.Run.id == m.RunSite.run_id)
            .where(m.RunSite.site_id.in_(chunk), m.Run.kind.in_(FULL_AUDITS), m.Run.status == "finished",
                   m.RunSite.crawl_state == "ok", m.Run.asof <= day)
            .order_by(m.Run.asof, m.Run.started))
        for site_id, run_id, asof in rows:
            out[site_id] = (run_id, asof)  # ordered: the newest wins
    return out


def load_plan(session: Session, site: Site, day: dt.date, audit: tuple[str, dt.date] | None,
              rediscover_every: Any, force_rediscover: bool = False) -> SitePlan:
    """The site's state before today's pass; `audit` is its newest full audit (latest_full_audits)."""
    ms = session.get(m.MonitorSite, site.site_id)
    rows = list(session.scalars(select(m.MonitorColumn).where(m.MonitorColumn.site_id == site.site_id)))
    columns = {r.url: ColumnState(**{k: getattr(r, k) for k in _COLUMN_FIELDS}) for r in rows}
    known: dict[str, set[str]] = defaultdict(set)
    for column_url, url in session.execute(select(m.LedgerEntry.column_url, m.LedgerEntry.url)
                                           .where(m.LedgerEntry.site_id == site.site_id)):
        known[column_url].add(url)
    plan = SitePlan(site=site, day=day, home=ColumnState(url=site.url, name="首页", category="home", depth=0,
                                                         source="home", role="home"),
                    columns={}, known=known, basis_run_id=ms.basis_run_id if ms else None,
                    nav_digest=ms.nav_digest if ms else "", rediscovered=ms.rediscovered if ms else None)
    homes = [c for c in columns.values() if c.role == "home"]
    if homes:
        plan.home = max(homes, key=lambda c: c.last_checked or dt.date.min)
    plan.columns = {u: c for u, c in columns.items() if c.role != "home"}
    if audit is not None and audit[0] != plan.basis_run_id:
        _take_over_audit(session, plan, audit)
    plan.rediscover_due = force_rediscover or plan.rediscovered is None or \
        plan.rediscovered <= rediscover_every.before(day)
    return plan


def _take_over_audit(session: Session, plan: SitePlan, audit: tuple[str, dt.date]) -> None:
    run_id, asof = audit
    site_id = plan.site.site_id
    cols = list(session.scalars(select(m.Column).where(m.Column.run_id == run_id, m.Column.site_id == site_id)
                                .order_by(m.Column.id)))
    entries: dict[str, list[tuple[str, str, dt.date | None]]] = defaultdict(list)
    for column_url, url, title, date in session.execute(
            select(m.Article.column_url, m.Article.url, m.Article.title, m.Article.date)
            .where(m.Article.run_id == run_id, m.Article.site_id == site_id).order_by(m.Article.id)):
        entries[column_url].append((url, title, date))
    roles = _roles(cols, entries)
    for col in cols:
        role = roles[col.url]
        listed = entries.get(col.url, [])
        if role == "home":
            state = plan.home
            if state.url != col.url and not state.last_read:
                state.url = col.url  # the home page's final address (after redirects)
        else:
            state = plan.columns.get(col.url) or ColumnState(url=col.url, name=col.name, first_day=asof)
            plan.columns[col.url] = state
            state.name, state.category, state.depth = col.name, col.category, col.depth
            state.parent_url, state.role = col.parent_url, role
            # a list the audit read from its script's request is script-built too: read from that request
            state.rendered = col.rendered or bool(col.feed_url)
            if col.feed_url and " " not in col.feed_url:  # a GET (a form post is rendered)
                state.data_url = col.feed_url
            state.gone_day = None
        readable = col.http_status is not None and col.http_status < 400
        if readable and (state.last_read is None or state.last_read < asof):  # the audit read it after the monitor
            dates = [d for _u, _t, d in listed]
            state.last_read = asof
            state.span_oldest = min((d for d in dates if d is not None), default=None)
            state.latest = latest_dated(dates, asof)
            state.blank, state.blank_note = col.blank, col.blank_note
        for url, title, date in listed:
            if url and url not in plan.known[col.url]:
                plan.known[col.url].add(url)
                plan.seed_entries.append({"column_url": col.url, "url": url, "title": title, "date": date})
    plan.basis_run_id, plan.basis_asof, plan.reseeded = run_id, asof, True
    if plan.rediscovered is None or plan.rediscovered < asof:
        plan.rediscovered = asof  # a full audit discovers every column


def _roles(cols: list[m.Column], entries: dict[str, list[tuple[str, str, dt.date | None]]]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for c in cols:
        if c.source == "home":
            roles[c.url] = "home"
        elif c.http_status is None or c.http_status >= 500 or c.entries_count > 0 or c.blank or c.blank_note:
            roles[c.url] = "list"  # a list, or a column the audit could not read (its first daily read tells)
        else:
            roles[c.url] = "page"  # a content page, a form, a column that is not there (404)
    parents = {c.parent_url for c in cols if c.parent_url}
    for c in cols:
        if roles[c.url] != "list" or c.url not in parents or not entries.get(c.url):
            continue
        elsewhere = {u for other in cols if other.url != c.url and roles[other.url] == "list"
                     for u, _t, _d in entries.get(other.url, [])}
        if all(u in elsewhere for u, _t, _d in entries[c.url]):
            roles[c.url] = "aggregate"  # a channel page showing its sub-columns' newest entries
    return roles


def needs_browser(session: Session, site_ids: list[str], audits: dict[str, tuple[str, dt.date]]) -> bool:
    """Whether today's pass has a page to render: a list built by scripts whose data endpoint is not known
    yet, in the column map or in a newer full audit about to be taken over. (A column found to need a
    browser on a day without one is read on the next pass.)"""
    bases: dict[str, str | None] = {}
    for i in range(0, len(site_ids), 400):
        chunk = site_ids[i:i + 400]
        bases.update(session.execute(select(m.MonitorSite.site_id, m.MonitorSite.basis_run_id)
                                     .where(m.MonitorSite.site_id.in_(chunk))).tuples().all())
        found = session.scalars(select(m.MonitorColumn.id).where(
            m.MonitorColumn.site_id.in_(chunk), m.MonitorColumn.role == "list", m.MonitorColumn.gone_day.is_(None),
            m.MonitorColumn.rendered.is_(True), m.MonitorColumn.data_url == "").limit(1)).first()
        if found is not None:
            return True
    for site_id, (run_id, _asof) in audits.items():
        if bases.get(site_id) != run_id and session.scalars(select(m.Column.id).where(
                m.Column.run_id == run_id, m.Column.site_id == site_id, m.Column.rendered.is_(True)).limit(1)
                ).first() is not None:
            return True
    return False
