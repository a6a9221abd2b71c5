"""What the audit and probe spiders share: finding the registry (file, imported, or the demo province)
and keeping the demo province's loopback servers up for the duration of the crawl."""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from govaudit.registry import Registry, RegistryError, load_registry
from govaudit.registry.stored import has_stored_registry, load_stored_registry
from govaudit.store.db import session_factory

logger = logging.getLogger(__name__)

DEMO = "demo"


class RegistrySource:
    """Resolves `-a registry=` to a Registry. For the demo province the URLs exist only once
    `start_demo()` has started its servers."""

    def __init__(self, arg: str | None, settings: Any, asof: date) -> None:
        self.settings = settings
        self.asof = asof
        self.demo_server: Any = None
        self.province: Any = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.name = arg or ""
        if not arg:
            db_url = settings.get("GOVAUDIT_DATABASE_URL")
            with session_factory(db_url)() as s:
                if has_stored_registry(s):
                    self.name = "database"
                    self.registry = load_stored_registry(s)
                    return
            self.name = settings.get("GOVAUDIT_DEFAULT_REGISTRY", DEMO)
        if self.name == DEMO:
            from govaudit.demo.province import build_province

            self.province = build_province(asof)
            self.registry = self._demo_registry(base_urls=None)
        elif self.name == "database":
            with session_factory(settings.get("GOVAUDIT_DATABASE_URL"))() as s:
                self.registry = load_stored_registry(s)
            if not self.registry.sites:
                raise RegistryError("registry=database: no registry has been imported (scrapy registry import FILE)")
        else:
            self.registry = load_registry(self.name)
        for err in self.registry.errors:
            logger.warning("registry %s: %s (row skipped)", self.registry.source, err)

    @property
    def is_demo(self) -> bool:
        return self.province is not None

    def _demo_registry(self, base_urls: dict[str, str] | None) -> Registry:
        from govaudit.registry.load import rows_to_registry

        rows = self.province.registry_rows(base_urls or {})
        header = list(rows[0].keys()) if rows else ["site_id", "name", "url"]
        table = [(1, header)] + [(i, [str(r.get(h, "")) for h in header]) for i, r in enumerate(rows, start=2)]
        reg = rows_to_registry("demo province", table)
        reg.source = "demo"
        return reg

    def start_demo(self) -> Registry:
        """Start the demo province's servers on loopback and return the registry with their real URLs."""
        from govaudit.demo.server import DemoServer

        self.demo_server = DemoServer(self.province, port=self.settings.getint("GOVAUDIT_DEMO_PORT", 0))
        self.demo_server.start()
        self._tmp = tempfile.TemporaryDirectory(prefix="govaudit-demo-")
        path = self.demo_server.write_registry(Path(self._tmp.name) / "registry.csv")
        self.registry = load_registry(path)
        self.registry.source = "demo"
        logger.info("demo province served on loopback (%d sites)", len(self.registry.running()))
        return self.registry

    def stop(self) -> None:
        if self.demo_server is not None:
            self.demo_server.stop()
            self.demo_server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
