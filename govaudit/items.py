"""Items: what the spiders emit. The evidence items ARE the evidence records (govaudit.records), so the
spiders, the writer and scoring share one declaration; `SiteDoneItem` is the one control item.

The data flow is one way: spider -> these items -> pipelines -> SQL -> report. Every evidence item but a
probe carries ``run_id`` and ``site_id`` so that a pipeline never needs spider state to know where a row
belongs.
"""

from __future__ import annotations

from dataclasses import dataclass

from govaudit.records import Column, Entry, Guide, Letter, Link, Page, Probe, Site

SiteItem = Site
PageItem = Page
ColumnItem = Column
LinkItem = Link
GuideItem = Guide
LetterItem = Letter
ProbeItem = Probe


@dataclass
class SiteDoneItem:
    """Marks that every request of a site has finished: score it now."""

    run_id: str
    site_id: str


__all__ = ["ColumnItem", "Entry", "GuideItem", "LetterItem", "LinkItem", "PageItem", "ProbeItem",
           "SiteDoneItem", "SiteItem"]
