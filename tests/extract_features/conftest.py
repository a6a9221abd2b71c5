"""Saved pages for the page-level extraction tests, read as raw bytes and decoded like the spider does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govaudit.extract.encoding import decode_html

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "pages" / "features"
REALPAGES = ROOT.parent / "shared" / "realpages"


def read_page(path: Path) -> str:
    text, _encoding = decode_html(path.read_bytes())
    return text


@pytest.fixture
def page() -> Callable[[str], str]:
    return lambda name: read_page(PAGES / name)


@pytest.fixture
def realpage() -> Callable[[str], str]:
    def load(name: str) -> str:
        path = REALPAGES / name
        if not path.exists():
            pytest.skip(f"real page corpus not available: {path}")
        return read_page(path)

    return load
