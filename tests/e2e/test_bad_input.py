"""Bad arguments and bad registry files fail before any request, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import run_scrapy

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "args, words",
    [
        (["-a", "asof=2999-01-01"], "future"),
        (["-a", "sample=1.5"], "(0, 1]"),
        (["-a", "site=NOPE"], "NOPE"),
        (["-a", "registry=/nonexistent/registry.csv"], "/nonexistent/registry.csv"),
        (["-a", "rubric=/nonexistent/rubric.yaml"], "rubric"),
    ],
)
def test_bad_arguments_fail_before_any_request(tmp_path: Path, args: list[str], words: str) -> None:
    proc = run_scrapy(["crawl", "audit", *args], f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "reports",
                      timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-2000:]
    assert words in out, out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    assert "downloader/request_count" not in out  # nothing was fetched
