"""The order of the close. Scrapy runs the spider_closed handlers side by side once one of them awaits (it
gathers them), so a handler whose work needs another's finished waits for it here: the report waits for the
screenshots it links. A step whose extension is off is not waited for."""

from __future__ import annotations

import asyncio
from typing import Any

_ATTR = "_govaudit_close_steps"
SCREENSHOTS = "screenshots"  # govaudit.archive.shotstream.Screenshots; the report waits for it


def _steps(crawler: Any) -> dict[str, asyncio.Event]:
    steps: dict[str, asyncio.Event] | None = getattr(crawler, _ATTR, None)
    if steps is None:
        steps = {}
        setattr(crawler, _ATTR, steps)
    return steps


def expect(crawler: Any, step: str) -> None:
    """`step` will run at this crawl's close (called when its extension is built)."""
    _steps(crawler).setdefault(step, asyncio.Event())


def finished(crawler: Any, step: str) -> None:
    """`step` has ended (done or failed: what waits for it goes on either way)."""
    event = _steps(crawler).get(step)
    if event is not None:
        event.set()


async def after(crawler: Any, *steps: str) -> None:
    """Once every expected one of `steps` has ended."""
    for step in steps:
        event = _steps(crawler).get(step)
        if event is not None:
            await event.wait()
