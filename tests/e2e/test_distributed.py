"""A distributed audit: a seeding worker and a joining worker share one run through Redis (scrapy-redis queue
+ site ledger) and PostgreSQL. Both must do part of the crawl, every site must be scored exactly once with
the planted verdict, nothing is stored twice, and the seeder renders one report after every score."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from govaudit.demo.monitoring import write_planted_probes
from govaudit.scoring.evidence import load_evidence
from govaudit.scoring.rubric import load_rubric
from govaudit.scoring.service import evaluate
from govaudit.store import models as m
from tests.e2e.conftest import DEMO_ASOF as ASOF
from tests.e2e.conftest import ROOT, ServedDemo

pytestmark = pytest.mark.slow
RUN = "dist1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    exe = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if exe is None:
        if os.environ.get("GOVAUDIT_REQUIRE_PG"):
            pytest.fail("redis-server is not installed but the distributed test is required (CI)")
        pytest.skip("no redis-server (apt-get install redis-server)")
    port = _free_port()
    proc = subprocess.Popen([exe, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def _stat(log: str, name: str) -> int:
    found = re.findall(rf"'{re.escape(name)}': (\d+)", log)
    return int(found[-1]) if found else 0


def test_two_workers_share_one_run(tmp_path: Path, pg_url: str, redis_url: str, demo: ServedDemo) -> None:
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": pg_url, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports"),
           "GOVAUDIT_PROGRESS_INTERVAL": "5", "GOVAUDIT_REDIS_URL": redis_url}
    seeder_args = ["crawl", "audit", "-a", demo.arg, "-a", f"asof={ASOF}", "-a", f"run={RUN}"]
    # the demo province's planted monitoring log (the answer key's C19-V2 verdict of a site that is down)
    write_planted_probes(pg_url, [s.spec for s in demo.province.sites], demo.server.base_urls, ASOF)
    logs = {name: tmp_path / f"{name}.log" for name in ("seeder", "joiner")}
    t0 = time.monotonic()
    procs = {}
    for name, args in (("seeder", seeder_args), ("joiner", ["crawl", "audit", "-a", f"join={RUN}"])):
        with logs[name].open("wb") as out:
            procs[name] = subprocess.Popen([sys.executable, "-m", "scrapy", *args, "-s", "STATS_DUMP=True"],
                                           cwd=ROOT, env=env,
                                           stdout=out, stderr=subprocess.STDOUT)
    try:
        for proc in procs.values():
            proc.wait(timeout=150)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    elapsed = time.monotonic() - t0
    out = {name: path.read_text(encoding="utf-8", errors="replace") for name, path in logs.items()}
    for name, proc in procs.items():
        assert proc.returncode == 0, (name, out[name][-4000:])
        assert "Traceback" not in out[name], (name, out[name][-4000:])
        assert _stat(out[name], "response_received_count") > 0, (name, "did no part of the crawl")
    print(f"distributed demo audit: {elapsed:.1f} s; responses seeder "
          f"{_stat(out['seeder'], 'response_received_count')}, joiner {_stat(out['joiner'], 'response_received_count')}")

    expected = demo.expected
    running = {sid for sid, exp in expected.items() if exp.get("status", "running") == "running"}
    # every site scored exactly once, across both workers
    scored = _stat(out["seeder"], "govaudit/sites_scored") + _stat(out["joiner"], "govaudit/sites_scored")
    assert scored == len(running)
    assert "report bundle" not in out["joiner"]
    found = re.search(r"report bundle: (\S+index\.html)", out["seeder"])
    assert found and Path(found.group(1)).exists(), out["seeder"][-3000:]

    engine = create_engine(pg_url)
    try:
        with engine.connect() as c:
            assert c.execute(select(m.Run.id, m.Run.status)).all() == [(RUN, "finished")]
            sites = dict(c.execute(select(m.RunSite.site_id, m.RunSite.done)).all())
            assert set(sites) == running and all(sites.values())
            verdicts = dict(c.execute(select(m.Score.site_id, m.Score.verdict)).all())
            assert verdicts == {sid: expected[sid]["verdict_2019"] for sid in running}
            for cols, model in (((m.Article.site_id, m.Article.column_url, m.Article.url), m.Article),
                                ((m.Column.site_id, m.Column.url), m.Column),
                                ((m.Finding.site_id, m.Finding.indicator, m.Finding.message), m.Finding)):
                dupes = c.execute(select(func.count()).select_from(
                    select(*cols).group_by(*cols).having(func.count() > 1).subquery())).scalar()
                assert dupes == 0, model.__tablename__
        # each site was scored once all of its evidence (from both workers) was in SQL: scoring the final
        # evidence again gives the stored score and findings
        rubric = load_rubric("inspection-2019", str(ROOT / "rubrics"))
        with Session(engine) as s:
            for site_id in sorted(running):
                again = evaluate(load_evidence(s, RUN, site_id, ASOF), rubric, ASOF)
                stored = s.get(m.Score, (RUN, site_id))
                assert stored is not None
                assert (stored.verdict, stored.score, sorted(stored.vetoes)) == \
                    (again.verdict, again.score, sorted(again.vetoes)), site_id
                findings = sorted(s.execute(select(m.Finding.indicator, m.Finding.message)
                                            .where(m.Finding.run_id == RUN, m.Finding.site_id == site_id)).all())
                assert findings == sorted((f.indicator, f.message) for f in again.findings), site_id
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_ledger_counts_once_under_concurrency(kind: str, request: pytest.FixtureRequest) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from govaudit.distributed.ledger import MemoryLedger, RedisLedger

    if kind == "redis":
        url = request.getfixturevalue("redis_url")
        ledgers = [RedisLedger(url, "ledger-test") for _ in range(4)]  # four "workers", four connections
        workers = 8
    else:
        ledgers = [MemoryLedger()]
        workers = 1  # one process: no concurrency to test, the same answers
    for i in range(40):
        ledgers[i % len(ledgers)].add_pending("S")
    ledgers[0].add_pending("T")
    assert ledgers[-1].total_pending() == 41

    def work(i: int) -> tuple[bool, bool, bool]:
        led = ledgers[i % len(ledgers)]
        return led.task_done("S"), led.claim("S", "http://x/a"), led.take_budget("S", "links", 7)

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(work, range(40)))
    assert sum(done for done, _, _ in results) == 1  # exactly one caller finished the site
    assert sum(claimed for _, claimed, _ in results) == 1  # first claim wins
    assert sum(took for _, _, took in results) == 7  # the budget never overflows
    assert ledgers[0].finished("S") and not ledgers[0].finished("T") and ledgers[0].total_pending() == 1
    ledgers[0].release("S", "http://x/a")
    assert ledgers[1 % len(ledgers)].claim("S", "http://x/a")
    assert ledgers[0].take_budget("S", "links", None)  # a forced fetch still counts
    assert not ledgers[0].take_budget("S", "links", 8)
    assert ledgers[0].task_done("T") and not ledgers[0].task_done("T")


def test_join_arguments() -> None:
    from govaudit.spiders.args import ArgumentError, parse_audit_args

    def parse(**kw: str):
        return parse_audit_args(kw, default_registry="", default_rubric="inspection-2019", tz="Asia/Shanghai")

    assert parse(join="dist1").join == "dist1" and parse().join is None
    with pytest.raises(ArgumentError, match="drop asof, run"):
        parse(join="dist1", run="dist1", asof="2026-11-20")
    with pytest.raises(ArgumentError, match="join="):
        parse(join="bad id!")
