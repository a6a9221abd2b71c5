"""The audit's per-site bookkeeping: outstanding requests, URLs already scheduled, budgets used.

`MemoryLedger` keeps it in the process (one machine). `RedisLedger` keeps it in Redis under
`govaudit:{run_id}:...` so that several workers sharing one run (scrapy-redis) count together: every
operation is a single atomic Redis command or script, and `task_done` returns True exactly once per site,
to the caller whose decrement brought the site's pending count to 0.

At-least-once (Redis): every site has a *generation* (0 at first). A worker holds a lease (a heartbeat key
that expires) and records the sites whose requests it has taken from the shared queue; when its lease
expires (the worker died), another worker takes its unfinished sites and restarts each one under the next
generation: counters, claimed URLs and budgets are per generation, so whatever of the old generation is
still in the queue or in flight is recognised as stale and ignored (see govaudit.crawl.accounting).
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

# Decrement a site's pending count of one generation (and the run's total when that generation is the
# site's current one); the caller that reaches 0 in the current generation adds the site to the finished
# set and gets 1, everyone else 0. KEYS: pending, pending_total, finished, gen; ARGV: field, site, gen.
_TASK_DONE = """
local v = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '0') ~= tonumber(ARGV[3]) then
  return 0
end
redis.call('DECR', KEYS[2])
if v <= 0 then
  return redis.call('SADD', KEYS[3], ARGV[2])
end
return 0
"""

# One more request of a site's generation; counted in the run's total only for the current generation.
_ADD_PENDING = """
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if tonumber(redis.call('HGET', KEYS[3], ARGV[2]) or '0') == tonumber(ARGV[3]) then
  redis.call('INCR', KEYS[2])
end
return 1
"""

# Restart a site under its next generation: what the old one still counts leaves the run's total, the site
# is not finished any more. KEYS: pending, pending_total, finished, gen; ARGV: site. Returns the new generation.
_RESTART = """
local old = tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '0')
local field = ARGV[1]
if old > 0 then field = ARGV[1] .. '@' .. old end
local left = tonumber(redis.call('HGET', KEYS[1], field) or '0')
if left > 0 then redis.call('DECRBY', KEYS[2], left) end
redis.call('HDEL', KEYS[1], field)
redis.call('SREM', KEYS[3], ARGV[1])
return redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
"""

# Take over a dead worker's sites: only when its lease has expired, and only once (the set is deleted).
# KEYS: lease key, its sites set, the workers set; ARGV: worker id.
_TAKE_OVER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local sites = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return sites
"""


def scoped(site: str, gen: int) -> str:
    """The ledger name of a site's generation (generation 0 is the site id itself)."""
    return site if not gen else f"{site}@{gen}"


class Ledger(ABC):
    """Per-site counters of one run. `site` is a site id, `key` any string naming a scheduled fetch."""

    @abstractmethod
    def add_pending(self, site: str, gen: int = 0) -> None:
        """One more request of `site` is outstanding."""

    @abstractmethod
    def task_done(self, site: str, gen: int = 0) -> bool:
        """One request of `site` is handled; True exactly once, when the site has nothing outstanding."""

    @abstractmethod
    def claim(self, site: str, key: str, gen: int = 0) -> bool:
        """Mark `key` as scheduled for `site`; True for the first claim only."""

    @abstractmethod
    def release(self, site: str, key: str, gen: int = 0) -> None:
        """Undo a claim whose request was not made after all (a budget was exhausted)."""

    def generation(self, site: str) -> int:
        """The site's current generation (0 unless it was restarted after a worker's death)."""
        return 0

    @abstractmethod
    def take_budget(self, site: str, kind: str, limit: int | None, gen: int = 0) -> bool:
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

    def add_pending(self, site: str, gen: int = 0) -> None:
        self._pending[site] = self._pending.get(site, 0) + 1
        self._total += 1

    def task_done(self, site: str, gen: int = 0) -> bool:
        self._pending[site] = self._pending.get(site, 0) - 1
        self._total -= 1
        if self._pending[site] <= 0 and site not in self._finished:
            self._finished.add(site)
            return True
        return False

    def claim(self, site: str, key: str, gen: int = 0) -> bool:
        seen = self._seen.setdefault(site, set())
        if key in seen:
            return False
        seen.add(key)
        return True

    def release(self, site: str, key: str, gen: int = 0) -> None:
        self._seen.get(site, set()).discard(key)

    def take_budget(self, site: str, kind: str, limit: int | None, gen: int = 0) -> bool:
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
        self._add = self.r.register_script(_ADD_PENDING)
        self._restart = self.r.register_script(_RESTART)
        self._take_over = self.r.register_script(_TAKE_OVER)

    def key(self, name: str) -> str:
        return self.prefix + name

    def _counters(self) -> list[str]:
        return [self.key("pending"), self.key("pending_total"), self.key("finished"), self.key("gen")]

    def add_pending(self, site: str, gen: int = 0) -> None:
        keys = [self.key("pending"), self.key("pending_total"), self.key("gen")]
        self._add(keys=keys, args=[scoped(site, gen), site, gen])

    def task_done(self, site: str, gen: int = 0) -> bool:
        return int(self._done(keys=self._counters(), args=[scoped(site, gen), site, gen])) == 1

    def claim(self, site: str, key: str, gen: int = 0) -> bool:
        return int(self.r.sadd(self.key(f"seen:{scoped(site, gen)}"), key)) == 1

    def release(self, site: str, key: str, gen: int = 0) -> None:
        self.r.srem(self.key(f"seen:{scoped(site, gen)}"), key)

    def generation(self, site: str) -> int:
        return int(self.r.hget(self.key("gen"), site) or 0)

    def restart(self, site: str) -> int:
        """Start `site` over under its next generation (returned); the old generation's work is stale."""
        return int(self._restart(keys=self._counters(), args=[site]))

    # --- worker leases ----------------------------------------------------------------------------------
    def renew_lease(self, worker: str, ttl: float) -> None:
        """The worker is alive for `ttl` more seconds."""
        pipe = self.r.pipeline(transaction=False)
        pipe.sadd(self.key("workers"), worker)
        pipe.set(self.key(f"lease:{worker}"), "1", px=int(ttl * 1000))
        pipe.execute()

    def drop_lease(self, worker: str) -> None:
        """A worker that stops cleanly: nothing of it to take over."""
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(self.key(f"lease:{worker}"), self.key(f"wsites:{worker}"))
        pipe.srem(self.key("workers"), worker)
        pipe.execute()

    def touch(self, worker: str, site: str) -> None:
        """`worker` has taken a request of `site` from the shared queue."""
        self.r.sadd(self.key(f"wsites:{worker}"), site)

    def expired_workers(self, me: str) -> list[str]:
        others = [str(w) for w in self.r.smembers(self.key("workers")) if w != me]
        return [w for w in others if not self.r.exists(self.key(f"lease:{w}"))]

    def take_over(self, worker: str) -> list[str]:
        """The sites of a worker whose lease has expired, to one caller only (empty: alive, or taken already)."""
        keys = [self.key(f"lease:{worker}"), self.key(f"wsites:{worker}"), self.key("workers")]
        return sorted(self._take_over(keys=keys, args=[worker]) or [])

    def take_budget(self, site: str, kind: str, limit: int | None, gen: int = 0) -> bool:
        field = f"{scoped(site, gen)}:{kind}"
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
