from __future__ import annotations

import datetime as dt

import pytest

from govaudit.demo.province import Province, build_province
from govaudit.demo.server import DemoServer
from tests.demo.expected import expected_answers

ASOF = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def province() -> Province:
    return build_province(ASOF)


@pytest.fixture(scope="session")
def expected(province: Province) -> dict:
    return expected_answers(province)


@pytest.fixture(scope="session")
def big_province() -> Province:
    """An N-site province past the first 240 loopback addresses (the running sites cycled)."""
    return build_province(ASOF, sites=245)


@pytest.fixture(scope="module")
def served(province: Province):
    server = DemoServer(province)
    urls = server.start()
    try:
        yield server, urls
    finally:
        server.stop()
