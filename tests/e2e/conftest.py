"""End-to-end crawls run `python -m scrapy crawl ...` in a subprocess against servers on loopback.

The demo province is served by the test process itself (an in-process DemoServer on a free port) and handed
to the crawl as an ordinary registry file, exactly as `python -m govaudit.demo audit` does."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from govaudit.demo.province import Province, build_province
from govaudit.demo.server import DemoServer
from tests.demo.expected import expected_answers

ROOT = Path(__file__).resolve().parents[2]
DEMO_ASOF = dt.date(2026, 11, 20)


def run_scrapy(args: list[str], db_url: str, reports: Path, timeout: int = 600,
               extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": db_url, "GOVAUDIT_REPORTS_DIR": str(reports),
           "GOVAUDIT_PROGRESS_INTERVAL": "5", **(extra_env or {})}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@dataclass
class ServedDemo:
    province: Province
    server: DemoServer
    registry: Path  # the registry CSV with the served URLs
    expected: dict[str, dict[str, Any]]  # the answer key (tests/demo/expected.py)

    @property
    def arg(self) -> str:
        return f"registry={self.registry}"


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDemo]:
    """The demo province as of DEMO_ASOF, served on loopback for the whole session, and its registry file."""
    province = build_province(DEMO_ASOF)
    server = DemoServer(province)
    server.start()
    try:
        registry = server.write_registry(tmp_path_factory.mktemp("demo") / "registry.csv")
        yield ServedDemo(province, server, registry, expected_answers(province))
    finally:
        server.stop()
