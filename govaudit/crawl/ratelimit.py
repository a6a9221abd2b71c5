"""Rate limiting is not breakage (issue 11.6): a 429, or a 503 with Retry-After, means "slow down".

RateLimitRetry waits what the server asks (Retry-After in seconds or as an HTTP date; GOVAUDIT_RATE_LIMIT_WAIT
when a 429 names none), capped at GOVAUDIT_RATE_LIMIT_MAX_WAIT, then sends the request again, within
GOVAUDIT_RATE_LIMIT_TRIES per request and a per-site budget of GOVAUDIT_RATE_LIMIT_BUDGET seconds of waiting.
While a site is waiting, its other requests wait too (one pause per site, not one per request). When the
budget is spent the response goes to the spider marked `meta["rate_limited"]` = {status, retry_after, tries,
waited}: the spider records "rate limited" (限流), never a broken link or an unopenable page.

Requests with `dont_retry` and crawls with RETRY_ENABLED = False (the probe) are left alone.
It sits between RetryMiddleware (550) and the redirect middlewares, so Scrapy's own retry never re-sends a
429 at once (RETRY_HTTP_CODES leaves 429 out, and a marked response has dont_retry).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request
from scrapy.http import Response

logger = logging.getLogger(__name__)

META = "rate_limited"
META_TRIES = "rate_limit_tries"


def parse_retry_after(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), None when absent or invalid."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class _SiteBudget:
    waited: float = 0.0  # seconds of waiting spent (or promised) on this site
    resume_at: float = 0.0  # monotonic time before which the site's requests wait
    exhausted: int = 0
    retries: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class RateLimitRetry:
    def __init__(self, crawler: Any) -> None:
        s = crawler.settings
        self.stats = crawler.stats
        self.default_wait = s.getfloat("GOVAUDIT_RATE_LIMIT_WAIT", 5.0)
        self.max_wait = s.getfloat("GOVAUDIT_RATE_LIMIT_MAX_WAIT", 60.0)
        self.tries = s.getint("GOVAUDIT_RATE_LIMIT_TRIES", 3)
        self.budget = s.getfloat("GOVAUDIT_RATE_LIMIT_BUDGET", 300.0)
        self.sites: dict[str, _SiteBudget] = {}
        # a crawl without retries (the availability probe: one fetch is the measurement) is left alone
        self.enabled = s.getbool("RETRY_ENABLED", True)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RateLimitRetry:
        return cls(crawler)

    @staticmethod
    def _key(request: Request) -> str:
        site = request.meta.get("site_id")
        if site is not None:
            return str(site)
        from scrapy.utils.httpobj import urlparse_cached

        return urlparse_cached(request).netloc

    async def process_request(self, request: Request) -> None:
        """A site that asked us to slow down: its requests wait until the pause is over."""
        budget = self.sites.get(self._key(request))
        if budget is not None:
            delay = budget.resume_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        return

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if not self.enabled or request.meta.get("dont_retry"):
            return response
        retry_after = parse_retry_after(response.headers.get(b"Retry-After"))
        if response.status == 429:
            wait = self.default_wait if retry_after is None else retry_after
        elif response.status == 503 and retry_after is not None:
            wait = retry_after
        else:
            return response
        key = self._key(request)
        budget = self.sites.setdefault(key, _SiteBudget())
        budget.statuses[response.status] = budget.statuses.get(response.status, 0) + 1
        self.stats.inc_value(f"govaudit/rate_limit/responses/{response.status}")
        tries = int(request.meta.get(META_TRIES, 0))
        wait = min(wait, self.max_wait)
        if tries >= self.tries or budget.waited + wait > self.budget:
            return self._give_up(request, response, retry_after, tries, budget)
        now = time.monotonic()
        budget.resume_at = max(budget.resume_at, now + wait)
        budget.waited += wait
        budget.retries += 1
        self.stats.inc_value("govaudit/rate_limit/retries")
        self.stats.inc_value("govaudit/rate_limit/waited_s", round(wait))
        logger.info("rate limited (HTTP %d) by site %s: waiting %.1f s before trying %s again", response.status,
                    key, wait, request.url)
        await asyncio.sleep(max(0.0, budget.resume_at - time.monotonic()))
        retry = request.replace(dont_filter=True)
        retry.meta[META_TRIES] = tries + 1
        retry.meta.pop("download_slot", None)
        return retry

    def _give_up(self, request: Request, response: Response, retry_after: float | None, tries: int,
                 budget: _SiteBudget) -> Response:
        budget.exhausted += 1
        self.stats.inc_value("govaudit/rate_limit/exhausted")
        request.meta["dont_retry"] = True  # RetryMiddleware must not re-send it at once
        request.meta[META] = {"status": response.status, "retry_after": retry_after, "tries": tries,
                              "waited": round(budget.waited, 1)}
        logger.warning("site %s still rate limits (HTTP %d) after %d tries and %.0f s of waiting: %s is "
                       "recorded as rate limited", self._key(request), response.status, tries, budget.waited,
                       request.url)
        return response.replace(flags=[*response.flags, "rate-limited"])
