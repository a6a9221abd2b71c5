"""The scheduler of one-machine audits: Scrapy's, with its queue in memory even when JOBDIR is set.

govaudit resumes at the granularity of a site, not of a request: JOBDIR only records the run id
(govaudit_run.json); a resumed run keeps every site that was finished and crawls every other site again from
its home page (its partial evidence is cleared first, govaudit.store.runs.reset_sites). Scrapy's disk queue
would bring back requests whose site bookkeeping died with the old process, and a queue file cut by SIGKILL
makes the resume hang (`struct.error` on an empty queue file)."""

from __future__ import annotations

from typing import Any

from scrapy.core.scheduler import Scheduler
from scrapy.utils.misc import build_from_crawler, load_object


class MemoryQueueScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler: Any) -> MemoryQueueScheduler:
        settings = crawler.settings
        return cls(
            dupefilter=build_from_crawler(load_object(settings["DUPEFILTER_CLASS"]), crawler),
            jobdir=None,
            dqclass=load_object(settings["SCHEDULER_DISK_QUEUE"]),
            mqclass=load_object(settings["SCHEDULER_MEMORY_QUEUE"]),
            logunser=settings.getbool("SCHEDULER_DEBUG"),
            stats=crawler.stats,
            pqclass=load_object(settings["SCHEDULER_PRIORITY_QUEUE"]),
            crawler=crawler,
        )
