"""End-to-end crawls run `python -m scrapy crawl ...` in a subprocess against servers on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_scrapy(args: list[str], db_url: str, reports: Path, timeout: int = 600,
               extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": db_url, "GOVAUDIT_REPORTS_DIR": str(reports),
           "GOVAUDIT_PROGRESS_INTERVAL": "5", **(extra_env or {})}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
