"""The scrapy-redis scheduler of a distributed run, telling the worker's lease which site's request it has just
taken from the shared queue (`request_taken`), at the pop itself: a request between the queue and the
downloader (address checks, rate-limit waits) belongs to this worker, so a worker killed then has the site
taken over instead of leaving one request of it pending forever."""

from __future__ import annotations

from typing import Any

from scrapy_redis.scheduler import Scheduler

request_taken = object()  # signal: (request, spider)


class LeasedScheduler(Scheduler):
    def next_request(self) -> Any:
        request = super().next_request()
        spider = getattr(self, "spider", None)
        if request is not None and spider is not None:
            spider.crawler.signals.send_catch_log(signal=request_taken, request=request, spider=spider)
        return request
