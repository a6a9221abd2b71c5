"""Shared fixtures: database URLs for both stores (SQLite file and a real PostgreSQL)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALPAGES = ROOT.parent / "shared" / "realpages"

# Test crawls archive their evidence in a temporary folder, never under the checkout's var/ (subprocesses
# inherit it); screenshots (a browser at every crawl's close) are taken only where a test asks for them.
_EVIDENCE_TMP = tempfile.mkdtemp(prefix="govaudit-test-evidence-")
atexit.register(shutil.rmtree, _EVIDENCE_TMP, True)
os.environ.setdefault("GOVAUDIT_EVIDENCE_DIR", _EVIDENCE_TMP)
os.environ.setdefault("GOVAUDIT_SCREENSHOTS_ENABLED", "false")


def _pg_url() -> str | None:
    url = os.environ.get("GOVAUDIT_TEST_PG_URL")
    if not url:
        if os.environ.get("GOVAUDIT_REQUIRE_PG"):
            pytest.fail("GOVAUDIT_TEST_PG_URL is not set but PostgreSQL tests are required (CI)")
        return None
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty schema-less database on the test PostgreSQL server (dropped afterwards)."""
    base = _pg_url()
    if base is None:
        pytest.skip("no PostgreSQL (set GOVAUDIT_TEST_PG_URL; scripts/test.sh starts one)")
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(5):  # CREATE DATABASE fails while another session copies template1: retry
            try:
                with admin.connect() as c:
                    c.execute(text(f'CREATE DATABASE "{name}"'))
                break
            except Exception as exc:
                if "being accessed by other users" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.5 * (attempt + 1))
    except Exception as exc:  # a required server that does not answer is a failure under CI
        if os.environ.get("GOVAUDIT_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL at {base} not usable: {exc}")
        pytest.skip(f"PostgreSQL not usable: {exc}")
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        from govaudit.store import db

        eng = db._ENGINES.pop(url, None)
        if eng is not None:
            eng.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'govaudit.sqlite'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Both stores: every test using it runs on an SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'govaudit.sqlite'}"
    else:
        yield request.getfixturevalue("pg_url")


def begin_run(writer, run: dict, sites: list[dict]) -> None:
    """Open a run the way the crawl does (govaudit.store.runs.open_run with an AuditRun), from plain dicts."""
    from govaudit.registry.model import Site
    from govaudit.runs import AuditRun
    from govaudit.scoring.rubric import load_rubric
    from govaudit.store.runs import open_run

    rubric = load_rubric(run.get("rubric", "inspection-2019"), ROOT / "rubrics")
    fields = ("organizer", "region", "level", "kind")
    targets = tuple(Site(site_id=s["site_id"], name=s.get("name", ""), url=s.get("url", ""),
                         **{k: s[k] for k in fields if k in s}) for s in sites)
    audit_run = AuditRun(run_id=run["id"], asof=run["asof"], rubric=rubric, rubric_ref=run.get("rubric", rubric.name),
                         rubric_hash=rubric.digest, timezone=run.get("timezone", "Asia/Shanghai"), targets=targets,
                         totals=run.get("totals", {}))
    with writer.Session.begin() as s:
        open_run(s, audit_run)


def finish_run(writer, run_id: str, status: str) -> None:
    from govaudit.store.runs import finish_run as finish

    with writer.Session.begin() as s:
        finish(s, run_id, status)
