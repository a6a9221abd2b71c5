"""Engine and session helpers; dialect-neutral upserts (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, create_engine, event, insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from govaudit.store.models import Base

_ENGINES: dict[str, Engine] = {}


def get_engine(url: str, create: bool = True) -> Engine:
    """One engine per URL per process; creates the SQLite folder, and a new database at the current schema
    revision. A database whose schema is behind raises migrate.SchemaOutdated (`scrapy db upgrade`)."""
    engine = _ENGINES.get(url)
    if engine is not None:
        return engine
    if url.startswith("sqlite:///"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:  # said as the database's error: every command names the database it cannot use
            raise OperationalError(f"mkdir {folder}", None, OSError(
                f"the SQLite file's folder {folder} cannot be made "
                f"({'a file is there' if folder.is_file() else err.strerror})")) from None
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if create:
        from govaudit.store.migrate import ensure_schema

        ensure_schema(engine)  # new database: create_all + stamp the Alembic head; behind: a clear error
    _ENGINES[url] = engine
    return engine


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _insert_for(session: Session, model: type[Base]):
    """A Core INSERT on the model's table: executed with a list of rows it is one executemany, without the
    ORM's per-row bulk-persistence bookkeeping (a third of the store's time when given the mapped class)."""
    table = table_of(model)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    return insert(table)


def upsert(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    keys: Iterable[str],
    update: Iterable[str] | None = None,
) -> None:
    """Insert rows; on a conflict on ``keys`` update the ``update`` columns (or do nothing when None).

    This is what makes a resumed run store each row exactly once. One statement executed with all rows
    (executemany; SQLAlchemy batches it as insertmanyvalues), so no giant statement is compiled per batch.
    Every row must have the same keys."""
    if not rows:
        return
    keys = list(keys)
    # de-duplicate inside the batch too (a conflict within one statement is an error on PostgreSQL)
    unique: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        unique[tuple(row[k] for k in keys)] = row
    session.execute(_upsert_statement(session, model, tuple(keys), tuple(update or ())), list(unique.values()))


# (dialect, table, conflict keys, updated columns) -> the statement: building one (its `excluded` alias
# copies every column) cost more than executing it, once per stored batch of every table
_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def _upsert_statement(session: Session, model: type[Base], keys: tuple[str, ...], cols: tuple[str, ...]) -> Any:
    cache_key = (session.get_bind().dialect.name, table_of(model).name, keys, cols)
    stmt = _UPSERTS.get(cache_key)
    if stmt is None:
        stmt = _insert_for(session, model)
        if cols:
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in cols})
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        _UPSERTS[cache_key] = stmt
    return stmt
