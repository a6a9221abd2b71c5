"""Generic fallback: no family-specific knowledge; list and pager are found structurally (whether scripts build
the list is read by govaudit.extract.scripts.builds_by_script, for every family)."""

from __future__ import annotations

NAME = "generic"


def detect(text: str, url: str) -> bool:
    return True
