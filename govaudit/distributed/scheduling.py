"""scrapy-redis wiring: with GOVAUDIT_REDIS_URL set, requests go through one shared, persistent queue per run."""

from __future__ import annotations

import logging
import time
from typing import Any

from govaudit.distributed.ledger import Ledger, MemoryLedger, RedisLedger

logger = logging.getLogger(__name__)


class JoinError(RuntimeError):
    pass


def is_distributed(settings: Any) -> bool:
    return bool(settings.get("GOVAUDIT_REDIS_URL"))


def use_shared_queue(settings: Any) -> None:
    """Spider `update_settings` hook: scrapy-redis scheduler and dupefilter, the queue kept between workers."""
    redis_url = settings.get("GOVAUDIT_REDIS_URL")
    if not redis_url:
        return
    settings.set("SCHEDULER", "govaudit.distributed.scheduler.LeasedScheduler", priority="spider")
    settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="spider")
    settings.set("SCHEDULER_PERSIST", True, priority="spider")  # the first worker to stop keeps the queue
    settings.set("REDIS_URL", redis_url, priority="spider")
    middlewares = dict(settings.getdict("SPIDER_MIDDLEWARES"))
    middlewares["govaudit.distributed.generations.StampGeneration"] = 950  # nearest the spider
    settings.set("SPIDER_MIDDLEWARES", middlewares, priority="spider")


def use_run_queue(settings: Any, run_id: str) -> None:
    """One queue and dupefilter per run (settings are not frozen yet when the spider is built)."""
    settings.set("SCHEDULER_QUEUE_KEY", f"govaudit:{run_id}:requests", priority="spider")
    settings.set("SCHEDULER_DUPEFILTER_KEY", f"govaudit:{run_id}:dupefilter", priority="spider")


def ledger_for(settings: Any, run_id: str) -> Ledger:
    redis_url = settings.get("GOVAUDIT_REDIS_URL")
    return RedisLedger(redis_url, run_id) if redis_url else MemoryLedger()


def wait_until_open(ledger: Ledger, run_id: str, wait_s: float) -> None:
    """A joining worker waits for the seeding worker to have written the run and its sites to SQL."""
    deadline = time.monotonic() + wait_s
    while not ledger.is_open():
        if time.monotonic() > deadline:
            raise JoinError(f"join={run_id}: no worker has started this run in Redis ({wait_s:.0f} s waited); "
                            f"start it first with -a run={run_id}")
        time.sleep(0.5)
