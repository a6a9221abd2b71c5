"""`scrapy registry import FILE [--as-of DATE] [--strict] [--dry-run]`, `scrapy registry stats`,
`scrapy registry history SITE_ID`: the site registry in SQL, with its history.

Rules of an import (docs/OPERATIONS.md):
* the file is read and validated first; a file that cannot be read changes nothing (exit status 1);
* bad rows are listed with their row numbers and reasons and skipped (``--strict``: nothing is imported);
* the good rows are written in ONE transaction: all of them or, on any database error, none;
* a new site is added; a changed field (status, URL, name, ...) is updated and recorded as a RegistryEvent
  (old -> new, dated with the as-of date); a status change also sets ``status_since`` to the as-of date;
* a site absent from the file is KEPT with its last known status (an export may cover one region only);
  the import lists it and records a ``listed`` event (yes -> no, and no -> yes when it comes back);
* imports are applied in date order: an as-of date before the last import's is refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from govaudit.registry import Registry, RegistryError, RowError, Site, load_registry
from govaudit.registry.safeload import FileLimits
from govaudit.spiders.args import ArgumentError, parse_asof
from govaudit.store import models as m
from govaudit.store.db import get_engine
from govaudit.store.migrate import SchemaOutdated

# fields whose change is recorded as a RegistryEvent
TRACKED = ("name", "url", "organizer", "region", "level", "kind", "status", "has_services", "hosts")
IMPORT_EVENT = "import"  # one event per import (site_id ""), new = JSON summary, source = file
LISTED_EVENT = "listed"  # "yes" -> "no" when a site is absent from an import, back when it returns
# column widths of registry_sites: a longer value is a bad row, not a database error halfway through
MAX_LENGTHS: dict[str, int] = {name: int(getattr(col.type, "length", 0) or 0)
                               for name, col in m.RegistrySite.__table__.columns.items()
                               if getattr(col.type, "length", None)}
STATUS_LABELS = (
    ("registered", "registered", "登记网站"),
    ("offline_temporary", "offline-temporary", "临时下线"),
    ("offline_permanent", "offline-permanent", "永久下线"),
    ("running", "running", "正常运行"),
)


@dataclass
class ImportResult:
    source: str
    asof: dt.date
    rows_ok: int = 0
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # site -> (field, old, new)
    unchanged: int = 0
    absent: list[str] = field(default_factory=list)  # in the database, not in this file (kept)
    returned: list[str] = field(default_factory=list)  # absent from the previous import, back in this one
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"asof": self.asof.isoformat(), "rows": self.rows_ok, "added": len(self.added),
                "changed": len(self.changed), "unchanged": self.unchanged, "absent": len(self.absent),
                "bad_rows": len(self.errors)}


class ImportRefused(Exception):
    """The import would rewrite history out of order, or --strict met bad rows."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _field(obj: Any, name: str) -> Any:
    """A tracked field of a Site or a registry_sites row, comparable across both (hosts: a list)."""
    value = getattr(obj, name)
    if name == "hosts":
        return list(value or [])
    return value


def oversized(site: Site) -> str | None:
    """Why a site's values do not fit registry_sites, or None."""
    for name, limit in MAX_LENGTHS.items():
        value = getattr(site, name, None)
        if isinstance(value, str) and len(value) > limit:
            return f"{name} longer than {limit} characters ({len(value)})"
    return None


def last_import(session: Session) -> m.RegistryEvent | None:
    return session.scalars(
        select(m.RegistryEvent).where(m.RegistryEvent.site_id == "", m.RegistryEvent.field == IMPORT_EVENT)
        .order_by(m.RegistryEvent.at.desc(), m.RegistryEvent.id.desc()).limit(1)
    ).first()


def _currently_unlisted(session: Session) -> set[str]:
    """Sites whose latest `listed` event says they were absent from the last import."""
    latest = (
        select(m.RegistryEvent.site_id, func.max(m.RegistryEvent.id).label("id"))
        .where(m.RegistryEvent.field == LISTED_EVENT).group_by(m.RegistryEvent.site_id).subquery()
    )
    rows = session.execute(
        select(m.RegistryEvent.site_id, m.RegistryEvent.new).join(latest, m.RegistryEvent.id == latest.c.id)
    )
    return {sid for sid, new in rows if new == "no"}


def event_time(asof: dt.date) -> dt.datetime:
    """When the changes of an import happened, as far as anyone knows: the as-of day of the export."""
    return dt.datetime.combine(asof, dt.time.min)


def import_registry(session: Session, registry: Registry, asof: dt.date, *, at: dt.datetime,
                    strict: bool = False) -> ImportResult:
    """Apply ``registry`` to registry_sites inside the caller's transaction (the caller commits or rolls
    back: nothing is half-imported)."""
    result = ImportResult(source=registry.source, asof=asof, errors=list(registry.errors))
    good: list[Site] = []
    for site in registry.sites:
        reason = oversized(site)
        if reason:
            result.errors.append(RowError(0, reason, site.site_id))
        else:
            good.append(site)
    if strict and result.errors:
        raise ImportRefused(f"{len(result.errors)} bad row(s) and --strict: nothing imported")
    previous = last_import(session)
    if previous is not None and previous.at.date() > asof:
        raise ImportRefused(
            f"as-of {asof} is before the last import's ({previous.at.date()}, {previous.source}): imports are "
            f"applied in date order, so that the history stays true"
        )
    existing = {s.site_id: s for s in session.scalars(select(m.RegistrySite))}
    unlisted = _currently_unlisted(session)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    source = registry.source[-500:]

    def event(site_id: str, name: str, old: str, new: str) -> None:
        session.add(m.RegistryEvent(site_id=site_id, at=at, field=name, old=old, new=new, source=source))

    in_file: set[str] = set()
    for site in good:
        in_file.add(site.site_id)
        row = existing.get(site.site_id)
        if row is None:
            session.add(m.RegistrySite(
                site_id=site.site_id, name=site.name, url=site.url, organizer=site.organizer,
                region=site.region, level=site.level, kind=site.kind, status=site.status, status_since=asof,
                has_services=site.has_services, overrides=dict(site.overrides), hosts=list(site.hosts),
                updated=now,
            ))
            event(site.site_id, "added", "", site.status)
            result.added.append(site.site_id)
            continue
        changes = [(name, _text(_field(row, name)), _text(_field(site, name)))
                   for name in TRACKED if _field(row, name) != _field(site, name)]
        if site.overrides and site.overrides != (row.overrides or {}):
            changes.append(("overrides", json.dumps(row.overrides or {}, ensure_ascii=False),
                            json.dumps(site.overrides, ensure_ascii=False)))
            row.overrides = dict(site.overrides)
        for name, old, new in changes:
            if name in TRACKED:
                setattr(row, name, _field(site, name))
            if name == "status":
                row.status_since = asof
            event(site.site_id, name, old, new)
        if site.site_id in unlisted:
            event(site.site_id, LISTED_EVENT, "no", "yes")
            result.returned.append(site.site_id)
        if changes:
            row.updated = now
            result.changed[site.site_id] = changes
        else:
            result.unchanged += 1
    # a bad row naming a known site leaves that site as it was; it is not "absent"
    named_in_bad_rows = {e.site_id for e in result.errors if e.site_id}
    for site_id in sorted(existing):
        if site_id not in in_file and site_id not in named_in_bad_rows:
            result.absent.append(site_id)
            if site_id not in unlisted:
                event(site_id, LISTED_EVENT, "yes", "no")
    result.rows_ok = len(good)
    event("", IMPORT_EVENT, "", json.dumps(result.summary()))
    session.flush()
    return result


def registry_counts(session: Session) -> dict[str, int]:
    """The notice's shape: registered = running + offline-temporary + offline-permanent."""
    counts = {"registered": 0, "running": 0, "offline_temporary": 0, "offline_permanent": 0}
    for status, n in session.execute(select(m.RegistrySite.status, func.count()).group_by(m.RegistrySite.status)):
        counts["registered"] += n
        key = status.replace("-", "_")
        counts[key] = counts.get(key, 0) + n
    return counts


def _print_errors(errors: list[RowError], limit: int) -> None:
    for err in errors[:limit]:
        print(f"  {err}" if err.row else f"  site {err.site_id}: {err.reason}")
    if len(errors) > limit:
        print(f"  ... and {len(errors) - limit} more (--show-all lists every one)")


def _ids(ids: list[str], limit: int = 20) -> str:
    return ", ".join(ids[:limit]) + (f", ... (+{len(ids) - limit})" if len(ids) > limit else "")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "import FILE [--as-of DATE] [--strict] [--dry-run] | stats [--json] | history SITE_ID"

    def short_desc(self) -> str:
        return "Import the site registry (CSV/XLSX export) into SQL, show its counts or a site's history"

    def long_desc(self) -> str:
        return (
            "import FILE: validate a registry exported from the national government website information "
            "system (CSV or XLSX, Chinese headers) and load its good rows into GOVAUDIT_DATABASE_URL in one "
            "transaction, listing bad rows with their row numbers and reasons and recording every status or "
            "URL change as history; sites absent from the file are kept. --as-of is the export's date "
            "(default today). stats: registered / offline-temporary / offline-permanent / running counts. "
            "history SITE_ID: the recorded changes of one site."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--as-of", dest="asof", metavar="DATE", default=None,
                            help="date of the registry export, YYYY-MM-DD (default: today)")
        parser.add_argument("--strict", action="store_true", help="import nothing when any row is bad")
        parser.add_argument("--dry-run", action="store_true", help="validate and show the changes; write nothing")
        parser.add_argument("--show-all", action="store_true", help="list every bad row and every change")
        parser.add_argument("--json", action="store_true", help="stats as JSON")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a sub-command: import FILE | stats | history SITE_ID")
        sub, rest = args[0], args[1:]
        assert self.settings is not None
        url = self.settings.get("GOVAUDIT_DATABASE_URL")
        if sub == "import":
            if len(rest) != 1:
                raise UsageError("registry import takes exactly one FILE")
            self.exitcode = self._import(url, rest[0], opts)
        elif sub == "stats":
            if rest:
                raise UsageError("registry stats takes no argument")
            self.exitcode = self._stats(url, opts)
        elif sub == "history":
            if len(rest) != 1:
                raise UsageError("registry history takes exactly one SITE_ID")
            self.exitcode = self._history(url, rest[0])
        else:
            raise UsageError(f"unknown sub-command {sub!r}: import FILE | stats | history SITE_ID")

    def _session(self, url: str) -> Session | None:
        try:
            return Session(get_engine(url))
        except SchemaOutdated as exc:
            print(f"Error: {exc}")
            return None

    def _import(self, url: str, path: str, opts: argparse.Namespace) -> int:
        assert self.settings is not None
        tz = self.settings.get("GOVAUDIT_TIMEZONE")
        try:
            asof = parse_asof(opts.asof, tz)
        except ArgumentError as exc:
            print(f"Error: --as-of: {exc}")
            return 2
        try:
            registry = load_registry(path, FileLimits.from_settings(self.settings))  # before the database
        except RegistryError as exc:
            print(f"Error: {exc}")
            print("Nothing was imported.")
            return 1
        limit = 10**9 if opts.show_all else 50
        session = self._session(url)
        if session is None:
            return 1
        where = session.get_bind().engine.url.render_as_string(hide_password=True)
        with session:
            try:
                result = import_registry(session, registry, asof, at=event_time(asof), strict=opts.strict)
                if opts.dry_run:
                    session.rollback()
                else:
                    session.commit()  # the one transaction: every good row, or (on any error) none
            except ImportRefused as exc:
                session.rollback()
                self._report_errors(registry.source, asof, registry.errors, limit)
                print(f"Error: {exc}. Nothing was imported.")
                return 2
            except SQLAlchemyError as exc:
                session.rollback()
                orig = getattr(exc, "orig", None)
                reason = str(orig) if orig is not None else str(exc).splitlines()[0]
                print(f"Error: the database refused the import ({type(exc).__name__}: {reason})")
                print("Nothing was imported (the transaction was rolled back).")
                return 1
        self._report_errors(registry.source, asof, result.errors, limit)
        verb = "would import (dry run, nothing written)" if opts.dry_run else "imported"
        print(f"{verb} {result.rows_ok} site(s) into {where}: {len(result.added)} new, "
              f"{len(result.changed)} changed, {result.unchanged} unchanged")
        for site_id, changes in list(result.changed.items())[:limit]:
            print(f"  {site_id}: " + "; ".join(f"{name} {old!r} -> {new!r}" for name, old, new in changes))
        if len(result.changed) > limit:
            print(f"  ... and {len(result.changed) - limit} more changed site(s)")
        if result.absent:
            print(f"{len(result.absent)} site(s) in the database are not in this file and were kept with their "
                  f"last status: {_ids(result.absent)}")
        if result.returned:
            print(f"{len(result.returned)} site(s) absent from the previous import are back: {_ids(result.returned)}")
        if not opts.dry_run:
            with Session(get_engine(url)) as s:
                self._print_counts(registry_counts(s))
        return 0

    @staticmethod
    def _report_errors(source: str, asof: dt.date, errors: list[RowError], limit: int) -> None:
        print(f"registry {source} (as of {asof}): {len(errors)} bad row(s)" + (":" if errors else ""))
        _print_errors(errors, limit)

    @staticmethod
    def _print_counts(counts: dict[str, int]) -> None:
        for key, label, zh in STATUS_LABELS:
            print(f"{label:<18} {zh:<5} {counts.get(key, 0):>7}")

    def _stats(self, url: str, opts: argparse.Namespace) -> int:
        session = self._session(url)
        if session is None:
            return 1
        with session:
            counts = registry_counts(session)
            last = last_import(session)
        if opts.json:
            print(json.dumps({**counts, "last_import": None if last is None else
                              {"at": last.at.isoformat(), "source": last.source, **json.loads(last.new or "{}")}},
                             ensure_ascii=False))
            return 0
        if last is None:
            print("No registry has been imported (scrapy registry import FILE); audits need -a registry=FILE.")
        else:
            print(f"last import: registry as of {last.at:%Y-%m-%d} from {last.source}")
        self._print_counts(counts)
        offline = counts["offline_temporary"] + counts["offline_permanent"]
        print(f"登记的网站共{counts['registered']}家,其中下线网站{offline}家(含临时下线网站{counts['offline_temporary']}家"
              f"和永久下线网站{counts['offline_permanent']}家),正常运行的政府网站{counts['running']}家。")
        return 0

    def _history(self, url: str, site_id: str) -> int:
        session = self._session(url)
        if session is None:
            return 1
        with session:
            site = session.get(m.RegistrySite, site_id)
            if site is None:
                print(f"Error: site {site_id} is not in the imported registry")
                return 1
            print(f"{site.site_id} {site.name} {site.url} status {site.status} since {site.status_since}")
            events = session.scalars(select(m.RegistryEvent).where(m.RegistryEvent.site_id == site_id)
                                     .order_by(m.RegistryEvent.at, m.RegistryEvent.id))
            for ev in events:
                print(f"  {ev.at:%Y-%m-%d}  {ev.field}: {ev.old!r} -> {ev.new!r}  ({ev.source})")
        return 0
