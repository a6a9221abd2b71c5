"""The audit's per-site bookkeeping: outstanding requests, URLs already scheduled, budgets used.

`MemoryLedger` keeps it in the process (one machine). `RedisLedger` keeps it in Redis under
`govaudit:{run_id}:...` so that several workers sharing one run (scrapy-redis) count together: every
operation is a single atomic Redis command or script, and `task_done` returns True exactly once per site,
to the caller whose decrement brought the site's pending count to 0.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

KEY_TTL_S = 24 * 3600  # how long a finished run's keys stay in Redis (for inspection), then they expire

# INCR a budget counter unless that would pass the limit: returns 1 if the unit was taken, else 0.
_TAKE_BUDGET = """
local v = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if v > tonumber(ARGV[2]) then
  redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
  return 0
end
return 1
"""

# Decrement a site's pending count (and the run's total); the caller that reaches 0 adds the site to the
# finished set and gets 1, everyone else 0.
_TASK_DONE = """
local v = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
redis.call('DECR', KEYS[2])
if v <= 0 then
  return redis.call('SADD', KEYS[3], ARGV[1])
end
return 0
"""


class Ledger(ABC):
    """Per-site counters of one run. `site` is a site id, `key` any string naming a scheduled fetch."""

    @abstractmethod
    def add_pending(self, site: str) -> None:
        """One more request of `site` is outstanding."""

    @abstractmethod
    def task_done(self, site: str) -> bool:
        """One request of `site` is handled; True exactly once, when the site has nothing outstanding."""

    @abstractmethod
    def claim(self, site: str, key: str) -> bool:
        """Mark `key` as scheduled for `site`; True for the first claim only."""

    @abstractmethod
    def release(self, site: str, key: str) -> None:
        """Undo a claim whose request was not made after all (a budget was exhausted)."""

    @abstractmethod
    def take_budget(self, site: str, kind: str, limit: int | None) -> bool:
        """Use one unit of `site`'s `kind` budget; False (and nothing used) when `limit` units are used.
        `limit=None` always takes the unit (forced fetches still count against the budget)."""

    @abstractmethod
    def total_pending(self) -> int:
        """Outstanding requests of the whole run."""

    @abstractmethod
    def finished(self, site: str) -> bool:
        """Whether `site`'s pending count has reached 0."""

    @abstractmethod
    def mark_open(self) -> None:
        """The seeding worker has written the run and its sites to SQL: joining workers may start."""

    @abstractmethod
    def is_open(self) -> bool:
        """Whether the run has been opened by its seeding worker."""

    @abstractmethod
    def retire(self) -> None:
        """The run is over: let its bookkeeping go (kept for `KEY_TTL_S` in Redis)."""


class MemoryLedger(Ledger):
    """One process: plain counters and sets."""

    def __init__(self) -> None:
        self._pending: dict[str, int] = {}
        self._seen: dict[str, set[str]] = {}
        self._budgets: dict[tuple[str, str], int] = {}
        self._finished: set[str] = set()
        self._total = 0
        self._open = False

    def add_pending(self, site: str) -> None:
        self._pending[site] = self._pending.get(site, 0) + 1
        self._total += 1

    def task_done(self, site: str) -> bool:
        self._pending[site] = self._pending.get(site, 0) - 1
        self._total -= 1
        if self._pending[site] <= 0 and site not in self._finished:
            self._finished.add(site)
            return True
        return False

    def claim(self, site: str, key: str) -> bool:
        seen = self._seen.setdefault(site, set())
        if key in seen:
            return False
        seen.add(key)
        return True

    def release(self, site: str, key: str) -> None:
        self._seen.get(site, set()).discard(key)

    def take_budget(self, site: str, kind: str, limit: int | None) -> bool:
        used = self._budgets.get((site, kind), 0)
        if limit is not None and used >= limit:
            return False
        self._budgets[(site, kind)] = used + 1
        return True

    def total_pending(self) -> int:
        return self._total

    def finished(self, site: str) -> bool:
        return site in self._finished

    def mark_open(self) -> None:
        self._open = True

    def is_open(self) -> bool:
        return self._open

    def retire(self) -> None:
        self._seen.clear()


class RedisLedger(Ledger):
    """Shared by every worker of a run, in Redis (redis-py). Keys:
    `govaudit:{run}:pending` (hash site -> count), `govaudit:{run}:pending_total`, `govaudit:{run}:finished`
    (set), `govaudit:{run}:budget` (hash "site:kind" -> used), `govaudit:{run}:seen:{site}` (set),
    `govaudit:{run}:open`; the scrapy-redis queue of the run is `govaudit:{run}:requests`."""

    def __init__(self, url: str, run_id: str, client: Any = None) -> None:
        import redis

        self.run_id = run_id
        self.prefix = f"govaudit:{run_id}:"
        self.r = client if client is not None else redis.Redis.from_url(url, decode_responses=True)
        self._take = self.r.register_script(_TAKE_BUDGET)
        self._done = self.r.register_script(_TASK_DONE)

    def key(self, name: str) -> str:
        return self.prefix + name

    def add_pending(self, site: str) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.hincrby(self.key("pending"), site, 1)
        pipe.incr(self.key("pending_total"))
        pipe.execute()

    def task_done(self, site: str) -> bool:
        keys = [self.key("pending"), self.key("pending_total"), self.key("finished")]
        return int(self._done(keys=keys, args=[site])) == 1

    def claim(self, site: str, key: str) -> bool:
        return int(self.r.sadd(self.key(f"seen:{site}"), key)) == 1

    def release(self, site: str, key: str) -> None:
        self.r.srem(self.key(f"seen:{site}"), key)

    def take_budget(self, site: str, kind: str, limit: int | None) -> bool:
        field = f"{site}:{kind}"
        if limit is None:
            self.r.hincrby(self.key("budget"), field, 1)
            return True
        return int(self._take(keys=[self.key("budget")], args=[field, limit])) == 1

    def total_pending(self) -> int:
        return int(self.r.get(self.key("pending_total")) or 0)

    def finished(self, site: str) -> bool:
        return bool(self.r.sismember(self.key("finished"), site))

    def mark_open(self) -> None:
        self.r.set(self.key("open"), "1")

    def is_open(self) -> bool:
        return bool(self.r.exists(self.key("open")))

    def retire(self) -> None:
        for name in self.r.scan_iter(match=self.prefix + "*", count=500):
            self.r.expire(name, KEY_TTL_S)
