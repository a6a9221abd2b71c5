"""Bad arguments and bad registry files fail before any request, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import run_scrapy

pytestmark = pytest.mark.slow


def _check_fails_cleanly(out: str, returncode: int, words: str) -> None:
    assert returncode != 0, out[-2000:]
    assert words in out, out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    assert "downloader/request_count" not in out  # nothing was fetched


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
    registry = tmp_path / "registry.csv"  # a valid registry, unless the case names another one
    registry.write_text("site_id,name,url,region,status\n9999000001,测试县人民政府,http://127.0.0.9:9/,测试县,running\n",
                        encoding="utf-8")
    proc = run_scrapy(["crawl", "audit", "-a", f"registry={registry}", *args], f"sqlite:///{tmp_path / 'db.sqlite'}",
                      tmp_path / "reports", timeout=120)
    _check_fails_cleanly(proc.stdout + proc.stderr, proc.returncode, words)


@pytest.mark.parametrize("spider", ["audit", "probe"])
def test_no_registry_and_none_imported(tmp_path: Path, spider: str) -> None:
    """No built-in default registry: the message says how to give one, or how to audit the demo province."""
    proc = run_scrapy(["crawl", spider], f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "reports", timeout=120)
    out = proc.stdout + proc.stderr
    _check_fails_cleanly(out, proc.returncode, "-a registry=FILE")
    assert "python -m govaudit.demo audit" in out, out[-3000:]
