"""The site registry's data model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("running", "offline-temporary", "offline-permanent")
KINDS = ("portal", "department")
LEVELS = ("省级", "市级", "县级")


class RegistryError(Exception):
    """A registry file that cannot be used at all (unreadable, wrong format, no usable header)."""


@dataclass
class RowError:
    row: int  # 1-based row number as a spreadsheet shows it (header = row 1)
    reason: str
    site_id: str = ""

    def __str__(self) -> str:
        ident = f" ({self.site_id})" if self.site_id else ""
        return f"row {self.row}{ident}: {self.reason}"


@dataclass
class Site:
    site_id: str
    name: str
    url: str
    organizer: str = ""
    region: str = ""
    level: str = ""
    kind: str = "department"
    status: str = "running"
    has_services: bool = True
    # further hosts of the site (host or host:port), e.g. its 政府信息公开 platform on another host: in the
    # site's crawl scope besides the host of `url` (govaudit.crawl.scope)
    hosts: list[str] = field(default_factory=list)
    # per-site overrides: columns [{name,url}], selectors {item,title,link,date,next}, render_js (bool),
    # parser (module name under govaudit.overrides), max_list_pages
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def running(self) -> bool:
        return self.status == "running"


@dataclass
class Registry:
    source: str
    sites: list[Site]
    errors: list[RowError] = field(default_factory=list)

    def running(self) -> list[Site]:
        return [s for s in self.sites if s.running]

    def by_id(self) -> dict[str, Site]:
        return {s.site_id: s for s in self.sites}

    def totals(self) -> dict[str, int]:
        counts = {"registered": len(self.sites), "running": 0, "offline_temporary": 0, "offline_permanent": 0}
        for s in self.sites:
            counts[s.status.replace("-", "_") if s.status != "running" else "running"] += 1
        return counts
