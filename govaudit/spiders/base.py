"""What the audit and probe spiders share: finding the registry, a file or the imported one."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from govaudit.registry import RegistryError, load_registry
from govaudit.registry.stored import has_stored_registry, load_stored_registry
from govaudit.store.db import session_factory

logger = logging.getLogger(__name__)

DATABASE = "database"  # `-a registry=database`: the imported registry (also the default when one exists)
HOW = ("pass -a registry=FILE (CSV, XLSX or YAML), import one with `scrapy registry import FILE`, "
       "or audit the demo province with `python -m govaudit.demo audit`")


class RegistrySource:
    """Resolves `-a registry=` to a Registry: a file, or the registry imported into the database (when
    the argument is empty or `database`)."""

    def __init__(self, arg: str | None, settings: Any, asof: date | None = None) -> None:
        """``asof`` is not needed to find a registry; accepted for the spiders that pass it."""
        self.name = arg or DATABASE
        if self.name == DATABASE:
            with session_factory(settings.get("GOVAUDIT_DATABASE_URL"))() as s:
                if not has_stored_registry(s):
                    raise RegistryError(f"{'registry=database: nothing imported' if arg else 'no registry'}; {HOW}")
                self.registry = load_stored_registry(s)
        else:
            self.registry = load_registry(self.name)
        for err in self.registry.errors:
            logger.warning("registry %s: %s (row skipped)", self.registry.source, err)

    def stop(self) -> None:
        """Nothing to release (a file or SQL rows)."""
