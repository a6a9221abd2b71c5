"""Bad arguments, registries, databases and report folders fail before any request, with one clear line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.e2e.conftest import run_scrapy

pytestmark = pytest.mark.slow


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _check_fails_cleanly(out: str, returncode: int, words: str) -> None:
    assert returncode != 0, out[-2000:]
    assert words in out, out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    assert "SECRET" not in out  # no password in any message
    assert "downloader/request_count" not in out  # nothing was fetched (the stats dump is on in these runs)


@pytest.mark.parametrize(
    "args, words",
    [
        (["-a", "asof=2999-01-01"], "future"),
        (["-a", "sample=1.5"], "(0, 1]"),
        (["-a", "smaple=0.3"], "unknown argument(s) smaple"),
        (["-a", "site=NOPE"], "NOPE"),
        (["-a", "registry=/nonexistent/registry.csv"], "/nonexistent/registry.csv"),
        (["-a", "rubric=/nonexistent/rubric.yaml"], "rubric"),
        (["-a", "registry={header_only}"], "no site to audit"),
        (["-s", "GOVAUDIT_REPORTS_DIR={file}/reports"], "reports folder"),
        (["-s", "GOVAUDIT_DATABASE_URL=sqlite:///{file}/govaudit.sqlite"], "cannot be made (a file is there)"),
        (["-s", "GOVAUDIT_DATABASE_URL=postgresql+psycopg://govaudit:SECRET@127.0.0.1:{port}/govaudit"],
         "is not usable"),
    ],
)
def test_bad_input_fails_before_any_request(tmp_path: Path, args: list[str], words: str) -> None:
    header_only = tmp_path / "header.csv"
    header_only.write_text("site_id,name,url,organizer,region,level,kind,status\n", encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    args = [a.format(header_only=header_only, file=a_file, port=_closed_port()) for a in args]
    if not any(a.startswith("registry=") for a in args):
        args = ["-a", f"registry={Path(__file__).parents[1] / 'pages' / 'registry' / 'one_site.csv'}", *args]
    proc = run_scrapy(["crawl", "audit", *args, "-s", "STATS_DUMP=True"], f"sqlite:///{tmp_path / 'db.sqlite'}",
                      tmp_path / "reports", timeout=120)
    _check_fails_cleanly(proc.stdout + proc.stderr, proc.returncode, words)


@pytest.mark.parametrize("spider", ["audit", "probe"])
def test_no_registry_and_none_imported(tmp_path: Path, spider: str) -> None:
    """No built-in default registry: the message says how to give one, or how to audit the demo province."""
    proc = run_scrapy(["crawl", spider, "-s", "STATS_DUMP=True"], f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "reports", timeout=120)
    out = proc.stdout + proc.stderr
    _check_fails_cleanly(out, proc.returncode, "-a registry=FILE")
    assert "python -m govaudit.demo audit" in out, out[-3000:]
