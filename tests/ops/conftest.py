"""Fixtures of the operations tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govaudit.store import db


@pytest.fixture(autouse=True)
def _forget_engines() -> Iterator[None]:
    """Each test's database is new; do not keep SQLite engines of removed tmp files around."""
    before = set(db._ENGINES)
    yield
    for url in set(db._ENGINES) - before:
        if url.startswith("sqlite"):
            db._ENGINES.pop(url).dispose()
