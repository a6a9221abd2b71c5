"""Alembic environment for govaudit.

The URL comes from, in order: a connection handed in by govaudit.store.migrate (``config.attributes``),
``config.attributes["url"]``, ``sqlalchemy.url`` of an ini file (``alembic -c ... -x url=...``), the
environment's GOVAUDIT_DATABASE_URL, and finally govaudit.settings' default.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, create_engine

from govaudit.store.models import Base

config = context.config
target_metadata = Base.metadata
if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name)  # the `alembic` command line; govaudit's own calls keep Scrapy's logging


def _url() -> str:
    url = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.get_main_option("sqlalchemy.url") or os.environ.get("GOVAUDIT_DATABASE_URL")
    if not url:
        from govaudit import settings

        url = settings.GOVAUDIT_DATABASE_URL
    return url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
