"""The one-machine parallel launcher: the seeder gets the crawl arguments and the run id, the joiners
`-a join=RUN` and the settings only (the spider refuses other arguments with join)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govaudit.parallel import parse_workers_env, split_crawl_args, worker_commands


def test_worker_commands() -> None:
    args = ["-a", "registry=r.csv", "-aasof=2026-11-20", "-s", "LOG_LEVEL=INFO", "-L", "WARNING"]
    assert split_crawl_args(args) == ({"registry": "r.csv", "asof": "2026-11-20"},
                                      ["-s", "LOG_LEVEL=INFO", "-L", "WARNING"])
    seeder, joiner, joiner2 = worker_commands(3, "p1", args)
    scrapy = [sys.executable, "-m", "scrapy", "crawl", "audit"]
    assert seeder == [*scrapy, "-a", "registry=r.csv", "-a", "asof=2026-11-20", "-a", "run=p1",
                      "-s", "LOG_LEVEL=INFO", "-L", "WARNING"]
    assert joiner == joiner2 == [*scrapy, "-a", "join=p1", "-s", "LOG_LEVEL=INFO", "-L", "WARNING"]
    assert worker_commands(1, "p1", args) == [seeder]


def test_parse_processes_are_what_the_crawlers_leave_of_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVAUDIT_PARSE_WORKERS", raising=False)
    assert parse_workers_env(2, [], cores=2) == {"GOVAUDIT_PARSE_WORKERS": "0"}  # each crawler parses itself
    assert parse_workers_env(2, [], cores=8) == {"GOVAUDIT_PARSE_WORKERS": "3"}
    assert parse_workers_env(3, [], cores=2) == {"GOVAUDIT_PARSE_WORKERS": "0"}
    assert parse_workers_env(1, [], cores=8) == {}  # one crawler: the project's default
    assert parse_workers_env(2, ["-s", "GOVAUDIT_PARSE_WORKERS=2"], cores=2) == {}  # the operator's choice
    monkeypatch.setenv("GOVAUDIT_PARSE_WORKERS", "1")
    assert parse_workers_env(2, [], cores=2) == {}


def test_the_launcher_says_why_the_database_is_unusable(tmp_path: Path) -> None:
    """The database is checked in a process of its own; its message and status are the launcher's."""
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'file' / 'govaudit.sqlite'}"  # a path under a file: no database there
    done = subprocess.run([sys.executable, "-m", "govaudit.parallel", "-j", "2", "--", "-a", "registry=r.csv",
                           "-s", f"GOVAUDIT_DATABASE_URL={url}"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "python -m govaudit.parallel: the database is not usable" in done.stderr
    assert "Traceback" not in done.stderr
