"""The monitor's one pipeline: the run's site rows (crawl state) through the evidence writer, and each site's
daily pass (govaudit.monitoring.store) as soon as the site is finished."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured

from govaudit.items import SiteDoneItem
from govaudit.monitoring.sitepass import SitePassItem
from govaudit.monitoring.store import store_pass
from govaudit.runs import current_run
from govaudit.store.writer import EvidenceWriter, get_writer


class MonitorPipeline:
    def __init__(self, writer: EvidenceWriter, stats: Any) -> None:
        self.writer = writer
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> MonitorPipeline:
        if current_run(crawler) is None:
            raise NotConfigured("no run")
        return cls(get_writer(crawler), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SitePassItem):
            with self.writer.Session.begin() as session:
                store_pass(session, item)
            fig = item.figures
            self.stats.inc_value("govaudit/monitor/sites")
            self.stats.inc_value("govaudit/monitor/sites_reachable", int(item.reachable))
            for key in ("new_entries", "removed_entries", "flags", "not_modified", "columns_checked"):
                self.stats.inc_value(f"govaudit/monitor/{key}", int(fig[key]))
        elif isinstance(item, SiteDoneItem):
            self.writer.flush()
            self.writer.mark_done(item.run_id, item.site_id)
        else:
            self.writer.add(item)  # the site's row of run_sites
        return item

    def close_spider(self) -> None:
        self.writer.flush()
