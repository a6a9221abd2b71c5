"""Schema migrations with Alembic, run programmatically (`scrapy db upgrade`, `scrapy db current`).

The migration scripts live in ``govaudit/store/migrations`` (shipped as package data). The database URL is
handed to Alembic through ``Config.attributes`` (never through the ini file), so a password in
GOVAUDIT_DATABASE_URL is neither interpolated nor written anywhere.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, inspect, text

if TYPE_CHECKING:  # Alembic (with Mako and Pygments) is imported only where a migration is read or run
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
# The revision that created the schema as first shipped (before the registry and manual findings).
BASELINE = "0001_initial"
# The newest migration's revision (tests/ops/test_migrations.py holds it to Alembic's head): a database at it
# is opened without importing Alembic, which every crawler process and command would otherwise pay for.
SCHEMA_HEAD = "0012_column_feed"


class SchemaOutdated(RuntimeError):
    """The database exists but its schema is older than this code: `scrapy db upgrade` brings it up."""


def _copy_tree(src: Traversable, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for entry in src.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy_tree(entry, dest / entry.name)
        else:
            (dest / entry.name).write_bytes(entry.read_bytes())


@lru_cache(maxsize=1)
def script_location() -> str:
    """The migrations folder; from a zipped egg (scrapyd) it is copied out once per process, because
    Alembic reads its scripts from the file system."""
    if MIGRATIONS_DIR.is_dir():
        return str(MIGRATIONS_DIR)
    tmp = Path(tempfile.mkdtemp(prefix="govaudit-migrations-"))
    atexit.register(shutil.rmtree, tmp, True)
    _copy_tree(resources.files("govaudit.store") / "migrations", tmp / "migrations")
    return str(tmp / "migrations")


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", script_location())
    if url is not None:
        cfg.attributes["url"] = url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None, "no migration scripts found"
    return head


def revisions() -> list[str]:
    """All revisions, oldest first."""
    return [s.revision for s in reversed(list(script_directory().walk_revisions()))]


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url)


def stamp(connection: Connection, revision: str = "head") -> None:
    """Record ``revision`` as the schema's version without running anything (caller commits)."""
    from alembic.runtime.migration import MigrationContext

    ctx = MigrationContext.configure(connection)
    ctx.stamp(script_directory(), revision)


def _adopt_unversioned(connection: Connection) -> str | None:
    """A database created before migrations existed (tables, no alembic_version): stamp the revision its
    tables show, so that `upgrade` only adds what is missing. Returns the stamped revision, if any."""
    tables = set(inspect(connection).get_table_names())
    if not tables or VERSION_TABLE in tables:
        return None
    from govaudit.store.models import Base

    if set(Base.metadata.tables) <= tables:
        stamp(connection, "head")
        return head_revision()
    stamp(connection, BASELINE)
    return BASELINE


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """`alembic upgrade REVISION` against ``url``; returns (revision before, revision after)."""
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            before = current_revision(conn)
            if before is None:
                _adopt_unversioned(conn)
        from alembic import command

        with engine.begin() as conn:
            command.upgrade(alembic_config(connection=conn), revision)
        with engine.connect() as conn:
            after = current_revision(conn)
    finally:
        engine.dispose()
    return before, after


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    engine = _engine(url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), revision)
    finally:
        engine.dispose()


def current(url: str) -> str | None:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return current_revision(conn)
    finally:
        engine.dispose()


def ensure_schema(engine: Engine) -> None:
    """Called by ``get_engine``: create a NEW database at the head revision; refuse a database whose
    schema is behind (the operator runs `scrapy db upgrade`)."""
    from govaudit.store.models import Base

    if _at_schema_head(engine):
        return
    head = head_revision()
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        if VERSION_TABLE in tables:
            rev = current_revision(conn)
            if rev == head:
                return
            if rev is None or rev in revisions():
                raise SchemaOutdated(
                    f"database {engine.url.render_as_string(hide_password=True)} has schema revision "
                    f"{rev or '(none)'}, this govaudit needs {head}: run `scrapy db upgrade` first "
                    f"(it keeps every run)"
                )
            raise SchemaOutdated(
                f"database {engine.url.render_as_string(hide_password=True)} has schema revision {rev}, "
                f"unknown to this govaudit (head {head}): is this an older govaudit than the one that "
                f"migrated it?"
            )
        if not tables.intersection(Base.metadata.tables):
            Base.metadata.create_all(conn)
            stamp(conn, "head")
            return
        if set(Base.metadata.tables) <= tables:
            stamp(conn, "head")  # created by create_all before migrations existed, already complete
            return
        raise SchemaOutdated(
            f"database {engine.url.render_as_string(hide_password=True)} lacks table(s) "
            f"{', '.join(sorted(set(Base.metadata.tables) - tables))}: run `scrapy db upgrade` first "
            f"(it keeps every run)"
        )


def _at_schema_head(engine: Engine) -> bool:
    """Is the database at SCHEMA_HEAD? Read with one plain query (no Alembic); False when it cannot tell."""
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all() == [SCHEMA_HEAD]
    except Exception:  # no version table yet, or a database that is not ours: the full check says why
        return False
