"""`scrapy monitor ...`: daily monitoring besides the daily pass itself (`scrapy crawl monitor`).

    scrapy monitor check [--day D] [--digest]        decide the day's alerts and send their messages
    scrapy monitor digest [--day D]                  send the day's digest (once per group and day)
    scrapy monitor alerts [--open] [--site ID]       list alerts
    scrapy monitor flags [--open] [--site ID]        list suspected forged dates
    scrapy monitor review ID[,ID] confirmed|dismissed --by NAME [--note TEXT] [--finding]
                                                     a person's verdict on flags (an open one keeps the
                                                     site's forged-date alert open); --finding also records a
                                                     confirmed one as a manual finding of the rubric's item
                                                     (弄虚作假), which enters the verdict of later audits
    scrapy monitor cadence SITE [--from D] [--day D] real update cadence per column
    scrapy monitor deleted [--site ID] [--from D] [--day D]   entries taken off lists
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import select

from govaudit.asof import Period, today
from govaudit.monitoring.cadence import column_cadence
from govaudit.monitoring.check import run_check
from govaudit.monitoring.notify import Notifier, RecipientsError
from govaudit.monitoring.rules import RulesError
from govaudit.store import models as m
from govaudit.store.db import session_factory

ACTIONS = ("check", "digest", "alerts", "flags", "review", "cadence", "deleted")
VERDICTS = ("confirmed", "dismissed")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "check|digest|alerts|flags|review|cadence|deleted [options]"

    def short_desc(self) -> str:
        return "Daily monitoring: alerts, digest, suspected forged dates, cadence, deleted entries"

    def long_desc(self) -> str:
        return __doc__ or ""

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--day", type=_day, default=None, help="the day (default: today in GOVAUDIT_TIMEZONE)")
        parser.add_argument("--from", dest="start", type=_day, default=None, help="first day (default: 4 weeks back)")
        parser.add_argument("--site", default=None, help="one site id")
        parser.add_argument("--open", action="store_true", help="only open alerts / unreviewed flags")
        parser.add_argument("--digest", action="store_true", help="check: send the day's digest too")
        parser.add_argument("--by", default="", help="review: who reviewed")
        parser.add_argument("--note", default="", help="review: a note")
        parser.add_argument("--finding", action="store_true",
                            help="review confirmed: record each flag as a manual finding (a veto item)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args or args[0] not in ACTIONS:
            raise UsageError(f"give an action: {' | '.join(ACTIONS)}")
        assert self.settings is not None
        self.day = opts.day or today(self.settings.get("GOVAUDIT_TIMEZONE"))
        self.Session = session_factory(self.settings.get("GOVAUDIT_DATABASE_URL"))
        try:
            getattr(self, "_" + args[0])(args[1:], opts)
        except (RulesError, RecipientsError) as exc:
            print(f"error: {exc}")
            self.exitcode = 1

    # --- alerts --------------------------------------------------------------------------------------------
    def _check(self, args: list[str], opts: argparse.Namespace) -> None:
        result = run_check(self.settings, self.day, [opts.site] if opts.site else None, digest=opts.digest)
        print(f"{self.day}: alerts opened {len(result.opened)}, cleared {len(result.cleared)}, "
              f"still open {result.still_open}"
              + (f"; messages sent {result.sent}, failed {result.failed}" if result.notified else "; no recipients set"))
        for site, cond, subject in result.opened:
            print(f"  opened  {site}  {cond}  {subject}")
        for site, cond, subject in result.cleared:
            print(f"  cleared {site}  {cond}  {subject}")
        self.exitcode = 1 if result.failed else 0

    def _digest(self, args: list[str], opts: argparse.Namespace) -> None:
        notifier = Notifier.from_settings(self.settings, self.Session)
        if notifier is None:
            print("no recipients set (GOVAUDIT_ALERT_RECIPIENTS)")
            self.exitcode = 1
            return
        with self.Session() as session:
            notifier.digest(session, self.day)
        print(f"{self.day}: digest messages sent {notifier.sent}, failed {notifier.failed}")
        self.exitcode = 1 if notifier.failed else 0

    def _alerts(self, args: list[str], opts: argparse.Namespace) -> None:
        with self.Session() as s:
            stmt = select(m.MonitorAlert).order_by(m.MonitorAlert.opened, m.MonitorAlert.id)
            if opts.open:
                stmt = stmt.where(m.MonitorAlert.cleared.is_(None))
            if opts.site:
                stmt = stmt.where(m.MonitorAlert.site_id == opts.site)
            rows = list(s.scalars(stmt))
        for a in rows:
            span = f"{a.opened} .. {a.cleared or 'open'}"
            print(f"{a.id:>6}  {a.site_id}  {a.condition:<14} {span:<24} {a.details.get('name') or a.subject}")
        print(f"{len(rows)} alert(s)")

    # --- suspected forged dates ----------------------------------------------------------------------------
    def _flags(self, args: list[str], opts: argparse.Namespace) -> None:
        with self.Session() as s:
            stmt = select(m.DateFlag).order_by(m.DateFlag.day, m.DateFlag.id)
            if opts.open:
                stmt = stmt.where(m.DateFlag.status == "open")
            if opts.site:
                stmt = stmt.where(m.DateFlag.site_id == opts.site)
            rows = list(s.scalars(stmt))
        for f in rows:
            other = f" / {f.other_date}" if f.other_date else ""
            print(f"{f.id:>6}  {f.site_id}  {f.day}  {f.kind:<10} {f.status:<9} list {f.list_date}{other}  {f.url}")
        print(f"{len(rows)} flag(s)")

    def _review(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2 or args[1] not in VERDICTS:
            raise UsageError("usage: scrapy monitor review ID[,ID] confirmed|dismissed --by NAME [--note TEXT]")
        if not opts.by.strip():
            raise UsageError("review: say who reviewed (--by NAME)")
        try:
            ids = [int(x) for x in args[0].split(",") if x.strip()]
        except ValueError:
            raise UsageError(f"review: flag ids are numbers: {args[0]!r}") from None
        with self.Session.begin() as s:
            rows = list(s.scalars(select(m.DateFlag).where(m.DateFlag.id.in_(ids))))
            missing = sorted(set(ids) - {f.id for f in rows})
            if missing:
                print(f"error: no flag {', '.join(map(str, missing))}; nothing reviewed")
                self.exitcode = 1
                return
            for f in rows:
                f.status, f.reviewed_by, f.note = args[1], opts.by.strip()[:100], opts.note
                f.reviewed_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            added = self._findings(s, rows) if opts.finding and args[1] == "confirmed" else 0
        print(f"{len(rows)} flag(s) {args[1]} by {opts.by.strip()}; the site's alert clears at the next check"
              + (f"; {added} manual finding(s) recorded" if added else ""))

    def _findings(self, session: Any, flags: list[m.DateFlag]) -> int:
        """A confirmed forged date as a manual finding of the rubric's item the forged-date alert names."""
        from govaudit.monitoring.rules import load_rules
        from govaudit.reporting.render import make_environment, resolve_assets
        from govaudit.scoring.rubric import load_rubric

        settings = self.settings
        assert settings is not None
        rubric = load_rubric(settings.get("GOVAUDIT_DEFAULT_RUBRIC"), settings.get("GOVAUDIT_RUBRICS_DIR"))
        indicator = load_rules(settings.get("GOVAUDIT_MONITOR_RULES") or None, rubric).indicators["forged_date"]
        tpl_dir, _static = resolve_assets(settings.get("GOVAUDIT_TEMPLATES_DIR"))
        template = make_environment(tpl_dir).get_template("alerts/finding.txt")
        for f in flags:
            session.add(m.ManualFinding(
                site_id=f.site_id, indicator=indicator, points=None, message=template.render(flag=f).strip(),
                evidence={"url": f.url, "flag": f.id, "kind": f.kind, "column_url": f.column_url,
                          "list_date": str(f.list_date), "other_date": str(f.other_date or ""), **(f.evidence or {})},
                author=f.reviewed_by, valid_from=f.day))
        return len(flags)

    # --- the ledger ----------------------------------------------------------------------------------------
    def _start(self, opts: argparse.Namespace) -> dt.date:
        return opts.start or Period(weeks=4).before(self.day)

    def _cadence(self, args: list[str], opts: argparse.Namespace) -> None:
        site = args[0] if args else opts.site
        if not site:
            raise UsageError("usage: scrapy monitor cadence SITE_ID [--from D] [--day D]")
        with self.Session() as s:
            rows = column_cadence(s, [site], self._start(opts), self.day)
        if not rows:
            print(f"{site}: not monitored between {self._start(opts)} and {self.day}")
            self.exitcode = 1
            return
        for c in sorted(rows, key=lambda c: (-c.longest_gap, c.name)):
            print(f"{c.name:<16} {c.category:<14} {c.entries:>4} new  {c.per_week:>5.2f}/week  longest gap "
                  f"{c.longest_gap:>3} days  last new {c.last_new or '—'}  ({c.start} .. {c.end})")

    def _deleted(self, args: list[str], opts: argparse.Namespace) -> None:
        with self.Session() as s:
            stmt = (select(m.LedgerEntry).where(m.LedgerEntry.gone >= self._start(opts), m.LedgerEntry.gone <= self.day)
                    .order_by(m.LedgerEntry.gone, m.LedgerEntry.site_id))
            if opts.site:
                stmt = stmt.where(m.LedgerEntry.site_id == opts.site)
            rows = list(s.scalars(stmt))
        for e in rows:
            print(f"{e.gone}  {e.site_id}  {e.gone_how:<9}  {e.list_date or '—'}  {e.title[:40]}  {e.url}")
        print(f"{len(rows)} entr(ies) taken off between {self._start(opts)} and {self.day}")
