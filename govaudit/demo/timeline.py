"""A simulated fortnight of the demo province: the sites publish day after day, and a few delete, backdate,
stall, empty columns or stop answering, so that daily monitoring has something to notice.

``Fortnight(start)`` is day 0 (the day of the full audit) to day ``days``; ``province(n)`` is the province as
served on day n (as-of date ``start + n``), built from the same seeded generator as ``build_province(start)``
and then changed day by day:

* **natural publishing**: every active list column (its newest entry within its category's usual age)
  publishes on the days its cadence gives, one entry dated that day, on top of its list; columns that are
  planted stale, blank or on a site that stopped updating never publish;
* **planted events** (the default province only; ``planted=False`` or an N-site province has none):
  backdated entries (weeks-old dates appearing today; a list date earlier than the article page's or the
  URL's date), deleted entries, stalls (a site or a column that publishes nothing for days, then again),
  columns emptied until a blank-column count reaches 4 and recovers, an outage (the server resets every
  connection of a site for some days).

Everything the simulation did is kept as plain facts (``planted``, ``removals``, ``stalls``, ``blanks``,
``outages``, ``reviews``): the answer key of a monitoring test. Pages of day n are a pure function of
(start, seed, sites, n): the same inputs give the same bytes, and day 0 without plants is exactly
``build_province(start, seed, sites)``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from govaudit.demo import content
from govaudit.demo.model import Column, DemoSite, Entry, PageMap
from govaudit.demo.province import (
    DEFAULT_PROFILE,
    PROFILES,
    Province,
    _build_national,
    _build_site,
    _Builder,
    site_address,
)
from govaudit.demo.sites import PROVINCE, cycled_specs, province_specs

FIRST_NEW_DOCID = 5_000_000  # docids of entries published during the simulation (per site, never reused)


@dataclass(frozen=True)
class PlantedEntry:
    """An entry whose dates do not tell the truth. kind: backdated (appears on `day` with a list date weeks
    earlier), page_later (its article page carries a later date than the list), url_later (its URL does)."""

    kind: str
    day: int
    site_id: str
    column: str
    path: str
    list_date: dt.date
    other_date: dt.date | None  # the article page's or the URL's date (None for backdated)
    review_day: int  # the day a person reviews the site's flags (the forged-date alert clears)


@dataclass(frozen=True)
class Removal:
    """An entry taken off a column (and its article page) on `day`: a planted deletion, or a column emptied."""

    day: int
    site_id: str
    column: str
    path: str
    date: dt.date
    planted: bool  # a deletion of one entry (True) or part of emptying a whole column (False)


@dataclass(frozen=True)
class Stall:
    """A site (column "") or one column publishing nothing from day `first` to `last`, then again on
    `last + 1`; `newest` is the newest date it showed before (home page for a site, else the column)."""

    site_id: str
    column: str
    first: int
    last: int
    newest: dt.date


@dataclass(frozen=True)
class BlankEpisode:
    """A site's blank columns: `before` at day 0, one more on `grows`, one fewer on `recovers`."""

    site_id: str
    before: int
    grows: int
    grows_column: str
    recovers: int
    recovers_column: str


@dataclass(frozen=True)
class Outage:
    site_id: str
    days: tuple[int, ...]


# --- the planted scenario of the default province ------------------------------------------------------------

_BLANK_AT_START = ("2303000013", ("人事信息", "规划计划", "调查征集"))
_BLANK_GROWS = ("2303000013", 4, "政策解读")
_BLANK_RECOVERS = ("2303000013", 9, "调查征集")
_SITE_STALL = ("2300000012", 1, 12)  # the whole site: its home page stops updating
_COLUMN_STALL = ("2301000003", "人社动态", 1, 11)  # one news column (the home page keeps updating)
_OUTAGE = ("2304000014", (6, 7))
# kind, day, site, column, list date (days before the day), other date (days before the day), review day,
# where: "top" of the list (a CMS ordering by creation) or "sorted" (by date)
_FORGED = (
    ("backdated", 4, "2300000001", "通知公告", 25, None, 7, "sorted"),
    ("backdated", 6, "2300000002", "发改动态", 15, None, 9, "top"),
    ("page_later", 8, "2301000009", "市政府要闻", 4, 0, 11, "top"),
    ("url_later", 10, "2301000015", "区政府要闻", 5, 0, 13, "top"),
)
# day, site, column, index in the list (the middle of a first page, not its last row)
_DELETIONS = ((5, "2300000001", "省政府要闻", 2), (9, "2301000003", "通知公告", 1), (11, "2304000014", "住建动态", 3))


@dataclass
class _World:
    """The mutable columns of every site, as of some day of the simulation."""

    base: Province
    columns: dict[str, list[Column]]
    docids: dict[str, int] = field(default_factory=dict)

    def site(self, site_id: str) -> DemoSite:
        return self.base.site(site_id)

    def copy(self) -> _World:
        """Columns copied (entry lists included; entries themselves are never changed once made)."""
        return _World(self.base, {sid: _copy_columns(cols, None) for sid, cols in self.columns.items()},
                      dict(self.docids))

    def column(self, site_id: str, name: str) -> Column:
        for top in self.columns[site_id]:
            for col in top.walk():
                if col.name == name:
                    return col
        raise KeyError((site_id, name))


def _generated(start: dt.date, seed: int, sites: int | None) -> Province:
    """The province of `build_province(start, seed, sites)` with its columns generated the same way but no
    page registered (the simulation serves rebuilt sites only)."""
    specs = province_specs() if sites is None else cycled_specs(sites)
    built = [DemoSite(spec=spec, columns=[b.column(c, None) for c in spec.columns], pages=PageMap(),
                      address=site_address(i))
             for i, spec in enumerate(specs) for b in [_Builder(spec, start, seed)]]
    return Province(name=PROVINCE, asof=start, seed=seed, sites=built, national=_build_national())


def _empty(col: Column) -> None:
    """Every entry taken off; the list page says 暂无信息, as CMSs write an empty column."""
    col.entries = []
    col.spec = replace(col.spec, blank="placeholder")


def _copy_columns(columns: list[Column], parent: Column | None) -> list[Column]:
    out = []
    for col in columns:
        twin = replace(col, spec=replace(col.spec), entries=list(col.entries), parent=parent, children=[])
        twin.children = _copy_columns(col.children, twin)
        out.append(twin)
    return out


class Fortnight:
    def __init__(self, start: dt.date, seed: int = 2017, sites: int | None = None, days: int = 14,
                 planted: bool | None = None) -> None:
        self.start = start
        self.seed = seed
        self.sites = sites
        self.days = days
        self.planted_events = (sites is None) if planted is None else planted
        self.planted: list[PlantedEntry] = []
        self.removals: list[Removal] = []
        self.stalls: list[Stall] = []
        self.blanks: list[BlankEpisode] = []
        self.outages: list[Outage] = []
        self.published: dict[int, int] = {}  # day -> entries published that day (natural and planted)
        self._schedules: dict[tuple[str, str], list[int]] = {}
        self._pristine: _World
        self._cursor: _World | None = None
        self._cursor_day = 0
        self._simulate()

    # --- what the server serves ---------------------------------------------------------------------
    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)

    def province(self, day: int) -> Province:
        """The province as served on `day` (0 = the start)."""
        if not 0 <= day <= self.days:
            raise ValueError(f"day {day}: the simulation covers days 0..{self.days}")
        if self._cursor is None or self._cursor_day > day:
            self._cursor, self._cursor_day = self._pristine.copy(), 0
        while self._cursor_day < day:
            self._cursor_day += 1
            self._day(self._cursor, self._cursor_day, record=False)
        served = self._cursor.copy()  # later days change the cursor's columns, never these pages'
        asof = self.date(day)
        base = served.base
        ids = {s.site_id for s in base.sites}
        built = [_build_site(s.spec, asof, self.seed, s.address, ids, columns=served.columns[s.site_id])
                 for s in base.sites]
        return Province(name=base.name, asof=asof, seed=self.seed, sites=built, national=base.national)

    def down(self, day: int) -> set[str]:
        """Sites whose server resets every connection on `day`."""
        return {o.site_id for o in self.outages if day in o.days}

    @property
    def reviews(self) -> list[tuple[int, str]]:
        """(day, site id): a person reviews the site's forged-date flags on that day."""
        return sorted({(p.review_day, p.site_id) for p in self.planted})

    # --- the simulation ------------------------------------------------------------------------------
    def _simulate(self) -> None:
        """Day 0 once (the generator's columns, then the planted starting state), then every day once to
        record what happens (the answer key); `province(n)` replays from a copy of day 0."""
        base = _generated(self.start, self.seed, self.sites)
        world = _World(base, {s.site_id: s.columns for s in base.sites})
        if self.planted_events:
            self._plant_start(world)
        self._schedules = {key: days for s in base.sites for key, days in self._site_schedules(s).items()}
        self._pristine = world.copy()
        for day in range(1, self.days + 1):
            self._day(world, day, record=True)

    def _site_schedules(self, site: DemoSite) -> dict[tuple[str, str], list[int]]:
        """(site, column path) -> the days the column publishes on, from its newest entry and cadence."""
        out: dict[tuple[str, str], list[int]] = {}
        if not site.served or site.behaviour != "ok":
            return out
        for col in site.all_columns():
            if col.spec.kind != "list" or col.spec.status != 200 or not col.entries:
                continue
            _count, newest_range, cadence = PROFILES.get(col.category, DEFAULT_PROFILE)
            newest = col.entries[0].date
            if (self.start - newest).days > newest_range[1]:
                continue  # a stale column (planted): it does not wake up by itself
            rng = random.Random(f"{self.seed}:{site.site_id}:{col.path}:publish")
            days, when = [], newest
            while True:
                when += dt.timedelta(days=rng.randint(*cadence))
                n = (when - self.start).days
                if n > self.days:
                    break
                if n >= 1:
                    days.append(n)
            out[(site.site_id, col.path)] = days
        return out

    def _plant_start(self, world: _World) -> None:
        site_id, names = _BLANK_AT_START
        if site_id not in world.columns:
            return
        for name in names:
            _empty(world.column(site_id, name))
        before = sum(1 for top in world.columns[site_id] for c in top.walk()
                     if c.spec.kind == "list" and c.spec.status == 200 and not c.entries)
        self.blanks.append(BlankEpisode(site_id, before, _BLANK_GROWS[1], _BLANK_GROWS[2], _BLANK_RECOVERS[1],
                                        _BLANK_RECOVERS[2]))
        sid, first, last = _SITE_STALL
        home_newest = max(e.date for top in world.columns[sid] for c in top.walk() if c.spec.on_home
                          for e in c.all_entries()[:1])
        self.stalls.append(Stall(sid, "", first, last, home_newest))
        sid, name, first, last = _COLUMN_STALL
        self.stalls.append(Stall(sid, name, first, last, world.column(sid, name).entries[0].date))
        self.outages.append(Outage(*_OUTAGE))

    def _stalled(self, site_id: str, column: str, day: int) -> bool:
        return any(s.site_id == site_id and s.column in ("", column) and s.first <= day <= s.last
                   for s in self.stalls)

    def _day(self, world: _World, day: int, record: bool) -> None:
        when = self.date(day)
        published = 0
        for site in world.base.sites:
            for top in world.columns[site.site_id]:
                for col in top.walk():
                    if not col.entries:
                        continue  # an emptied column stays blank until a planted event fills it
                    days = self._schedules.get((site.site_id, col.path), ())
                    resumes = col.category == "news" and any(
                        s.site_id == site.site_id and s.column in ("", col.name) and s.last + 1 == day
                        for s in self.stalls)
                    if (day in days and not self._stalled(site.site_id, col.name, day)) or resumes:
                        self._publish(world, site, col, day, when)
                        published += 1
        if self.planted_events:
            published += self._planted_day(world, day, when, record)
        if record:
            self.published[day] = published

    def _planted_day(self, world: _World, day: int, when: dt.date, record: bool) -> int:
        published = 0
        sid, grow_day, name = _BLANK_GROWS
        if day == grow_day and sid in world.columns:
            col = world.column(sid, name)
            if record:
                self.removals += [Removal(day, sid, name, e.path, e.date, False) for e in col.entries]
            _empty(col)
        sid, rec_day, name = _BLANK_RECOVERS
        if day == rec_day and sid in world.columns:
            self._publish(world, world.site(sid), world.column(sid, name), day, when)
            published += 1
        for d, sid, name, index in _DELETIONS:
            if d == day and sid in world.columns:
                col = world.column(sid, name)
                gone = col.entries.pop(index)
                if record:
                    self.removals.append(Removal(day, sid, name, gone.path, gone.date, True))
        for kind, d, sid, name, list_ago, other_ago, review, where in _FORGED:
            if d != day or sid not in world.columns:
                continue
            list_date = when - dt.timedelta(days=list_ago)
            other = when - dt.timedelta(days=other_ago) if other_ago is not None else None
            col = world.column(sid, name)
            e = self._publish(world, world.site(sid), col, day, list_date, sort=where == "sorted",
                              path_date=other if kind == "url_later" else None,
                              page_date=other if kind == "page_later" else None)
            published += 1
            if record:
                self.planted.append(PlantedEntry(kind, day, sid, name, e.path, list_date, other, review))
        return published

    def _publish(self, world: _World, site: DemoSite, col: Column, day: int, date: dt.date, *,
                 sort: bool = False, path_date: dt.date | None = None, page_date: dt.date | None = None) -> Entry:
        """A new entry of `col` dated `date`, on top of its list (or at its place by date: `sort`)."""
        b = _Builder(site.spec, self.start, self.seed)
        rng = random.Random(f"{self.seed}:{site.site_id}:{col.path}:{day}:new")
        docid = world.docids.get(site.site_id, FIRST_NEW_DOCID) + rng.randint(1, 9)
        world.docids[site.site_id] = docid
        source = "中国政府网" if col.category == "state_council" else site.spec.organizer
        e = Entry(title=content.title_for(rng, col.category, b.org, date), date=date,
                  path=b.article_path(col, path_date or date, docid), docid=docid,
                  time=f"{rng.randint(8, 17):02d}:{rng.choice(('00', '15', '30', '45'))}", source=source)
        if page_date is not None:
            e.extra["page_date"] = page_date
        index = 0
        if col.spec.blank:
            col.spec = replace(col.spec, blank="")  # no longer an empty column
        if sort:
            index = next((i for i, x in enumerate(col.entries) if (x.date, x.docid) < (e.date, e.docid)),
                         len(col.entries))
        col.entries.insert(index, e)
        return e
