"""A column's first page against the one read before: which entries are new to the column, which slid off
the bottom because newer ones came in above them, and which were taken off the list.

An entry that disappeared is *pushed* when it belongs to the bottom run of vanished entries and at least as
many entries appeared above the last entry that stayed (a fixed-size page fills from the top); any other
disappearance is a *removal*. An entry taken off the very bottom of a page on a day when nothing was added
looks like a push only if an entry came in above it, so it is seen as a removal; one taken off the bottom on
a day a new entry arrived on top is indistinguishable from a push (no request is spent on those)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ListingDiff:
    new: list[dict[str, Any]] = field(default_factory=list)  # never listed by this column before
    removed: list[dict[str, Any]] = field(default_factory=list)  # taken off the list (previous page entries)
    pushed: list[dict[str, Any]] = field(default_factory=list)  # slid down past the first page
    changed: bool = False  # the first page lists other entries (or in another order) than before


def diff_first_page(previous: list[dict[str, Any]], today: list[dict[str, Any]], known: set[str], *,
                    infer_removals: bool) -> ListingDiff:
    """`previous`/`today`: first-page entries in page order ({"url", "title", "date"}); `known`: every URL
    this column ever listed (the ledger). Removals are inferred only for a single list read before
    (`infer_removals`), never for a home page or a channel page of several blocks."""
    out = ListingDiff()
    seen_today: set[str] = set()
    for entry in today:
        if entry["url"] not in known and entry["url"] not in seen_today:
            out.new.append(entry)
        seen_today.add(entry["url"])
    out.changed = [e["url"] for e in previous] != [e["url"] for e in today]
    if not infer_removals or not previous:
        return out
    prev_urls = {e["url"] for e in previous}
    vanished = [e for e in previous if e["url"] not in seen_today]
    if not vanished:
        return out
    stayed = [e for e in previous if e["url"] in seen_today]
    last_kept = max((i for i, e in enumerate(today) if e["url"] in prev_urls), default=-1)
    came_above = sum(1 for e in today[: last_kept + 1] if e["url"] not in prev_urls) if stayed else 0
    bottom_run = 0
    for entry in reversed(previous):
        if entry["url"] in seen_today:
            break
        bottom_run += 1
    pushed_count = min(bottom_run, came_above)
    pushed = {e["url"] for e in previous[len(previous) - pushed_count:]} if pushed_count else set()
    for entry in vanished:
        (out.pushed if entry["url"] in pushed else out.removed).append(entry)
    return out
