"""Resolving `-a registry=`: a file (CSV, XLSX, YAML), or the registry imported into the database (when
the argument is empty or `database`). The demo province is served by `python -m govaudit.demo`, which
writes an ordinary registry file."""

from __future__ import annotations

import logging
from typing import Any

from govaudit.registry.load import load_registry
from govaudit.registry.model import Registry, RegistryError
from govaudit.registry.stored import has_stored_registry, load_stored_registry
from govaudit.store.db import session_factory

logger = logging.getLogger(__name__)

DATABASE = "database"  # `-a registry=database`: the imported registry (also the default when one exists)
HOW = ("pass -a registry=FILE (CSV, XLSX or YAML), import one with `scrapy registry import FILE`, "
       "or audit the demo province with `python -m govaudit.demo audit`")


def resolve_registry(arg: str | None, settings: Any) -> Registry:
    name = arg or DATABASE
    if name == DATABASE:
        with session_factory(settings.get("GOVAUDIT_DATABASE_URL"))() as s:
            if not has_stored_registry(s):
                raise RegistryError(f"{'registry=database: nothing imported' if arg else 'no registry'}; {HOW}")
            registry = load_stored_registry(s)
    else:
        registry = load_registry(name)
    for err in registry.errors:
        logger.warning("registry %s: %s (row skipped)", registry.source, err)
    return registry
