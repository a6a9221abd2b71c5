"""A distributed run survives a worker's death: two workers share one run over Redis + PostgreSQL, the
joining worker is SIGKILLed mid-run, and the seeding worker takes its sites over when its lease expires
(each unscored site cleared and crawled again under its next generation). The run completes with the same
scores, findings and columns as one uninterrupted single-worker run."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, select
from sqlalchemy.exc import DBAPIError

from govaudit.distributed.ledger import RedisLedger
from govaudit.store import models as m
from tests.e2e.conftest import DEMO_ASOF, ROOT, ServedDemo, run_scrapy
from tests.e2e.test_distributed import redis_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow
RUN = "death1"
SETTINGS = ["-s", "GOVAUDIT_RENDER_JS=never", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]


def _snapshot(db_url: str) -> dict[str, object]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as c:
            return {
                "runs": [r[0] for r in c.execute(select(m.Run.status)).all()],
                "sites": sorted(c.execute(select(m.RunSite.site_id, m.RunSite.crawl_state, m.RunSite.done)).all()),
                "scores": sorted(c.execute(select(m.Score.site_id, m.Score.verdict, m.Score.score)).all()),
                "findings": sorted(c.execute(select(m.Finding.site_id, m.Finding.indicator, m.Finding.message)).all()),
                "columns": sorted(c.execute(select(m.Column.site_id, m.Column.url, m.Column.entries_count,
                                                   m.Column.latest, m.Column.blank)).all()),
            }
    finally:
        engine.dispose()


def _joiner_sites(url: str, pid: int) -> int:
    r = redis.Redis.from_url(url, decode_responses=True)
    try:
        return sum(r.scard(k) for k in r.scan_iter(match=f"govaudit:{RUN}:wsites:*-{pid}-*"))
    finally:
        r.close()


def _kill_joiner_midway(tmp_path: Path, env: dict[str, str], seeder_cmd: list[str], joiner_cmd: list[str],
                        midway: Callable[[int], bool]) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes], str]:
    """Start a seeding and a joining worker, SIGKILL the joiner once `midway(its pid)`, wait for the seeder;
    (seeder, joiner, the seeder's log)."""
    logs = {name: tmp_path / f"{name}.log" for name in ("seeder", "joiner")}
    procs: list[subprocess.Popen[bytes]] = []
    for name, cmd in (("seeder", seeder_cmd), ("joiner", joiner_cmd)):
        with logs[name].open("wb") as out:
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
    seeder, joiner = procs
    try:
        deadline = time.monotonic() + 120
        while not midway(joiner.pid):
            assert joiner.poll() is None and time.monotonic() < deadline, logs["joiner"].read_text()[-3000:]
            time.sleep(0.1)
        joiner.send_signal(signal.SIGKILL)
        joiner.wait(10)
        seeder.wait(timeout=300)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    return seeder, joiner, logs["seeder"].read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, demo: ServedDemo) -> dict[str, object]:
    """One uninterrupted single-worker run of the demo province: what every shared run must end with."""
    tmp = tmp_path_factory.mktemp("reference")
    ref_db = f"sqlite:///{tmp / 'ref.sqlite'}"
    ref = run_scrapy(["crawl", "audit", "-a", demo.arg, "-a", f"asof={DEMO_ASOF}", *SETTINGS, "-a", f"run={RUN}"],
                     ref_db, tmp / "ref-reports")
    assert ref.returncode == 0, (ref.stdout + ref.stderr)[-3000:]
    snapshot = _snapshot(ref_db)
    assert snapshot["runs"] == ["finished"] and snapshot["scores"]
    return snapshot


def test_killed_worker_sites_are_taken_over(tmp_path: Path, pg_url: str, redis_url: str,  # noqa: F811
                                            demo: ServedDemo, reference: dict[str, object]) -> None:
    base = ["crawl", "audit", "-a", demo.arg, "-a", f"asof={DEMO_ASOF}", *SETTINGS]
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": pg_url, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports"),
           "GOVAUDIT_PROGRESS_INTERVAL": "5", "GOVAUDIT_REDIS_URL": redis_url}
    lease = ["-s", "GOVAUDIT_WORKER_LEASE=3"]
    seeder_cmd = [sys.executable, "-m", "scrapy", *base, "-a", f"run={RUN}", *lease]
    joiner_cmd = [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"join={RUN}", *SETTINGS, *lease]
    seeder, _, log = _kill_joiner_midway(tmp_path, env, seeder_cmd, joiner_cmd,
                                         lambda pid: _joiner_sites(redis_url, pid) >= 3)  # several sites held
    assert seeder.returncode == 0, log[-4000:]
    assert "stopped renewing its lease" in log, log[-4000:]
    after = _snapshot(pg_url)
    for key in ("runs", "sites", "scores", "findings", "columns"):
        assert after[key] == reference[key], key


def test_ledger_generations_and_leases(redis_url: str) -> None:  # noqa: F811
    a, b = RedisLedger(redis_url, "gen-test"), RedisLedger(redis_url, "gen-test")
    for _ in range(3):
        a.add_pending("S")
    assert a.claim("S", "http://x/") and not b.claim("S", "http://x/")
    assert a.take_budget("S", "links", 1) and not b.take_budget("S", "links", 1)
    a.renew_lease("wa", 0.3)
    b.renew_lease("wb", 30)
    a.touch("wa", "S")
    assert b.expired_workers("wb") == [] and b.take_over("wa") == []  # alive: nothing to take
    time.sleep(0.5)
    assert b.expired_workers("wb") == ["wa"]
    assert b.take_over("wa") == ["S"] and b.take_over("wa") == []  # taken over exactly once
    gen = b.restart("S")
    assert gen == 1 and a.generation("S") == 1 and a.total_pending() == 0  # the old generation's work left
    assert not a.task_done("S", 0) and a.total_pending() == 0  # a stale settle counts for nothing
    assert a.claim("S", "http://x/", gen) and a.take_budget("S", "links", 1, gen)  # a fresh generation
    a.add_pending("S", gen)
    assert a.total_pending() == 1 and not a.finished("S")
    assert a.task_done("S", gen) and a.finished("S") and a.total_pending() == 0


# --- workers sharing whole sites through SQL (GOVAUDIT_SHARE_SITES, no Redis) ----------------------------------
def _held_by(db_url: str, pid: int) -> tuple[int, int]:
    """(sites the worker of `pid` holds, of which not scored yet)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as c:
            rows = c.execute(select(m.RunSite.done).where(m.RunSite.claimed_by.like(f"%:{pid}:%"))).all()
    except DBAPIError:  # the seeder has not made the tables yet
        return 0, 0
    finally:
        engine.dispose()
    return len(rows), sum(1 for (done,) in rows if not done)


def test_parallel_workers_sharing_sites_equal_one_worker(tmp_path: Path, demo: ServedDemo,
                                                         reference: dict[str, object]) -> None:
    """`python -m govaudit.parallel -j 2` (sites shared through the default SQLite file): both workers crawl
    part of the province, and the run ends exactly as one worker's, with one report."""
    db = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": db, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports"),
           "GOVAUDIT_REDIS_URL": ""}
    done = subprocess.run([sys.executable, "-m", "govaudit.parallel", "-j", "2", "--", "-a", demo.arg,
                           "-a", f"asof={DEMO_ASOF}", "-a", f"run={RUN}", *SETTINGS, "-s", "LOG_LEVEL=INFO", "-s", "STATS_DUMP=True"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-4000:]
    assert "sharing its sites" in log
    assert log.count("(joined)") == 1 and log.count("(new)") == 1
    # each worker scored sites of its own (one "site scored" stats line each in the dumps)
    scored = [int(n) for n in re.findall(r"'govaudit/sites_scored': (\d+)", log)]
    assert len(scored) == 2 and all(n > 0 for n in scored) and sum(scored) == len(reference["sites"]), scored
    assert _snapshot(db) == reference
    assert (tmp_path / "reports" / RUN / "index.html").is_file()
    engine = create_engine(db)
    try:
        with engine.connect() as c:
            assert c.execute(select(m.RunSite.site_id).where(m.RunSite.claimed_by.is_not(None))).all() == []
    finally:
        engine.dispose()


def test_killed_worker_sharing_sites_is_taken_over(tmp_path: Path, pg_url: str, demo: ServedDemo,
                                                   reference: dict[str, object]) -> None:
    """A joining worker SIGKILLed while it holds unfinished sites: once its lease expires the seeder claims
    them again (their evidence cleared), and the run ends exactly as one uninterrupted worker's."""
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": pg_url, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports"),
           "GOVAUDIT_SHARE_SITES": "1", "GOVAUDIT_REDIS_URL": "", "GOVAUDIT_WORKER_LEASE": "3"}
    seeder_cmd = [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", demo.arg, "-a", f"asof={DEMO_ASOF}",
                  "-a", f"run={RUN}", *SETTINGS]
    joiner_cmd = [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"join={RUN}", *SETTINGS]
    seeder, joiner, log = _kill_joiner_midway(tmp_path, env, seeder_cmd, joiner_cmd,
                                              lambda pid: _held_by(pg_url, pid)[1] >= 2)  # mid-way through sites
    assert seeder.returncode == 0, log[-4000:]
    assert re.search(rf"worker \S+:{joiner.pid}:\S+ of run {RUN} stopped renewing its claim on site", log), log[-4000:]
    assert _snapshot(pg_url) == reference
