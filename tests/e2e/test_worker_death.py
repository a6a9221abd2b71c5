"""A distributed run survives a worker's death: two workers share one run over Redis + PostgreSQL, the
joining worker is SIGKILLed mid-run, and the seeding worker takes its sites over when its lease expires
(each unscored site cleared and crawled again under its next generation). The run completes with the same
scores, findings and columns as one uninterrupted single-worker run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, select

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


def test_killed_worker_sites_are_taken_over(tmp_path: Path, pg_url: str, redis_url: str,  # noqa: F811
                                            demo: ServedDemo) -> None:
    base = ["crawl", "audit", "-a", demo.arg, "-a", f"asof={DEMO_ASOF}", *SETTINGS]
    ref_db = f"sqlite:///{tmp_path / 'ref.sqlite'}"
    ref = run_scrapy([*base, "-a", f"run={RUN}"], ref_db, tmp_path / "ref-reports")
    assert ref.returncode == 0, (ref.stdout + ref.stderr)[-3000:]
    reference = _snapshot(ref_db)
    assert reference["runs"] == ["finished"] and reference["scores"]

    env = {**os.environ, "GOVAUDIT_DATABASE_URL": pg_url, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports"),
           "GOVAUDIT_PROGRESS_INTERVAL": "5", "GOVAUDIT_REDIS_URL": redis_url}
    lease = ["-s", "GOVAUDIT_WORKER_LEASE=3"]
    logs = {name: tmp_path / f"{name}.log" for name in ("seeder", "joiner")}
    with logs["seeder"].open("wb") as out:
        seeder = subprocess.Popen([sys.executable, "-m", "scrapy", *base, "-a", f"run={RUN}", *lease],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    with logs["joiner"].open("wb") as out:
        joiner = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"join={RUN}",
                                   *SETTINGS, *lease], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while _joiner_sites(redis_url, joiner.pid) < 3:  # the joiner holds requests of several sites
            assert joiner.poll() is None and time.monotonic() < deadline, logs["joiner"].read_text()[-3000:]
            time.sleep(0.2)
        joiner.send_signal(signal.SIGKILL)
        joiner.wait(10)
        seeder.wait(timeout=300)
    finally:
        for proc in (seeder, joiner):
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    log = logs["seeder"].read_text(encoding="utf-8", errors="replace")
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
