"""`scrapy db upgrade [REVISION]`, `scrapy db current`, `scrapy db history`: the SQL schema's migrations
(Alembic, run programmatically against GOVAUDIT_DATABASE_URL; every stored run is kept)."""

from __future__ import annotations

import argparse
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from govaudit.store import migrate


def _where(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "upgrade [REVISION] | current | history"

    def short_desc(self) -> str:
        return "Bring the SQL store to the current schema (Alembic), or show its revision"

    def long_desc(self) -> str:
        return (
            "upgrade [REVISION]: run the schema migrations on GOVAUDIT_DATABASE_URL up to REVISION (default "
            "head), keeping every stored run; a database created before migrations existed is adopted first. "
            "current: print the database's revision and whether it is up to date. history: list the revisions."
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a sub-command: upgrade [REVISION] | current | history")
        assert self.settings is not None
        url = self.settings.get("GOVAUDIT_DATABASE_URL")
        sub, rest = args[0], args[1:]
        from alembic.util import CommandError  # imported when used: every scrapy command loads this module

        try:
            if sub == "upgrade":
                if len(rest) > 1:
                    raise UsageError("db upgrade takes at most one REVISION")
                before, after = migrate.upgrade(url, rest[0] if rest else "head")
                if before == after:
                    print(f"{_where(url)}: already at revision {after}")
                else:
                    print(f"{_where(url)}: upgraded {before or '(new or unversioned)'} -> {after}")
            elif sub == "current":
                rev = migrate.current(url)
                head = migrate.head_revision()
                state = "up to date" if rev == head else f"behind head {head}: run `scrapy db upgrade`"
                print(f"{_where(url)}: revision {rev or '(none)'} ({state})")
                self.exitcode = 0 if rev == head else 3
            elif sub == "history":
                current = migrate.current(url)
                for rev in migrate.revisions():
                    doc = (migrate.script_directory().get_revision(rev).doc or "").splitlines()[0]
                    mark = " (current)" if rev == current else ""
                    print(f"{rev}{mark}: {doc}")
            else:
                raise UsageError(f"unknown sub-command {sub!r}: upgrade [REVISION] | current | history")
        except SQLAlchemyError as exc:
            orig = getattr(exc, "orig", None)
            reason = str(orig) if orig is not None else str(exc).splitlines()[0]
            print(f"Error: {_where(url)}: {reason}")
            self.exitcode = 1
        except CommandError as exc:
            print(f"Error: {exc}")
            self.exitcode = 1
