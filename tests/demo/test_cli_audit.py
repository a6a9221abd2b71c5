"""`python -m govaudit.demo audit`: serves the province, writes its registry file, runs `scrapy crawl audit`
on it and exits with the crawl's status."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from govaudit.registry import load_registry
from govaudit.store import models as m
from tests.demo.conftest import ASOF

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def demo_audit(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
           "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports")}
    return subprocess.run([sys.executable, "-m", "govaudit.demo", "audit", "--port", "0",
                           "--registry", str(tmp_path / "registry.csv"), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_audit_a_small_province(tmp_path: Path) -> None:
    proc = demo_audit(tmp_path, "--sites", "2", "--", "-a", f"asof={ASOF}", "-s", "GOVAUDIT_RENDER_JS=never")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    registry = load_registry(tmp_path / "registry.csv")
    assert [s.site_id for s in registry.sites] == ["2300000001", "2300000002"]
    found = re.search(r"report bundle: (\S+index\.html)", out)
    assert found, out[-3000:]
    results = json.loads((Path(found.group(1)).parent / "results.json").read_text(encoding="utf-8"))
    assert results["run"]["asof"] == ASOF.isoformat()  # the crawl's -a asof= is the province's as-of date
    with create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}").connect() as c:
        assert c.execute(select(m.Run.registry_source)).scalar() == str(tmp_path / "registry.csv")
    assert {s["site_id"]: s["verdict"] for s in results["sites"]} == {"2300000001": "qualified",
                                                                    "2300000002": "qualified"}


def test_the_crawls_failure_is_the_exit_status(tmp_path: Path) -> None:
    proc = demo_audit(tmp_path, "--sites", "1", "--asof", ASOF.isoformat(), "--", "-a", "rubric=/nonexistent.yaml")
    assert proc.returncode == 1, (proc.stdout + proc.stderr)[-3000:]  # scrapy's status for a refused argument
    assert "rubric" in proc.stderr and "Traceback" not in proc.stderr
    refused = demo_audit(tmp_path, "--", "-a", "registry=other.csv")
    assert refused.returncode == 2 and "own registry" in refused.stderr
