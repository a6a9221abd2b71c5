"""Issue: a run stopped at any point resumes to exactly what an uninterrupted run gives.

A crawl of a slice of the demo province is cut 20 times at random points — SIGKILL (a server restart) or
SIGINT (Ctrl-C, a graceful stop) — and resumed each time with the same JOBDIR. The run that finally ends
must equal one uninterrupted run of the same sites: one run, the same scores and findings, the same columns,
articles and links, one report."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from govaudit.store import models as m
from tests.e2e.conftest import DEMO_ASOF, ROOT, ServedDemo, run_scrapy

pytestmark = pytest.mark.slow
ASOF = DEMO_ASOF
SITES = "2300000001,2301000003,2302000007,2301000009,2300000008"  # portal, defects, a refusing site
CUTS = 20


def _snapshot(db_url: str) -> dict[str, object]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as c:
            runs = c.execute(select(m.Run.status)).all()
            return {
                "runs": [r[0] for r in runs],
                "scores": sorted(c.execute(select(m.Score.site_id, m.Score.verdict, m.Score.score)).all()),
                "findings": sorted(c.execute(select(m.Finding.site_id, m.Finding.indicator, m.Finding.message)).all()),
                "columns": sorted(c.execute(select(m.Column.site_id, m.Column.url, m.Column.entries_count,
                                                   m.Column.latest, m.Column.blank)).all()),
                "articles": sorted(c.execute(select(m.Article.site_id, m.Article.column_url, m.Article.url,
                                                    m.Article.date)).all()),
                "links": sorted(c.execute(select(m.Link.site_id, m.Link.link_url, m.Link.ok)).all()),
                "sites": sorted(c.execute(select(m.RunSite.site_id, m.RunSite.crawl_state, m.RunSite.done)).all()),
            }
    finally:
        engine.dispose()


def test_twenty_random_cuts_then_resume_equal_one_uninterrupted_run(tmp_path: Path, demo: ServedDemo) -> None:
    base = ["crawl", "audit", "-a", demo.arg, "-a", f"asof={ASOF}", "-a", f"site={SITES}",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
            "-s", "GOVAUDIT_STORE_BATCH=5", "-s", "GOVAUDIT_RENDER_JS=never"]
    ref_db = f"sqlite:///{tmp_path / 'ref.sqlite'}"
    started = time.monotonic()
    ref = run_scrapy([*base, "-a", "run=ref"], ref_db, tmp_path / "ref-reports")
    ref_wall = time.monotonic() - started
    assert ref.returncode == 0, (ref.stdout + ref.stderr)[-3000:]
    reference = _snapshot(ref_db)
    assert reference["runs"] == ["finished"] and len(reference["scores"]) == 5

    db_url = f"sqlite:///{tmp_path / 'cut.sqlite'}"
    args = [*base, "-a", "run=cut", "-s", f"JOBDIR={tmp_path / 'job'}"]
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": db_url, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports"),
           "GOVAUDIT_PROGRESS_INTERVAL": "0"}
    rnd = random.Random(20171215)
    # start-up takes ~1.5 s: cut anywhere from set-up to well into the run, a window scaled to how long the
    # uninterrupted run took on this machine (a fixed window lets a fast machine finish the run between cuts)
    latest = max(2.5, min(6.0, 0.6 * ref_wall))
    cuts: list[str] = []
    for _ in range(CUTS):
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(1.5, latest))
        sig = rnd.choice([signal.SIGKILL, signal.SIGINT])
        if proc.poll() is None:
            proc.send_signal(sig)
            cuts.append(sig.name)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:  # a graceful stop must not hang
            proc.kill()
            pytest.fail(f"crawl did not stop within 60 s of {sig.name} (cut {len(cuts)})")
    assert len(cuts) >= CUTS * 0.75, (f"too few cuts landed while the crawl ran: {cuts} (uninterrupted run "
                                      f"{ref_wall:.1f} s, cuts 1.5-{latest:.1f} s after each start)")
    final = run_scrapy(args, db_url, tmp_path / "reports")
    assert final.returncode == 0, (final.stdout + final.stderr)[-3000:]
    resumed = _snapshot(db_url)
    for key in ("runs", "sites", "scores", "findings", "columns", "articles", "links"):
        assert resumed[key] == reference[key], f"{key} differ after {len(cuts)} cuts ({', '.join(cuts)})"
    assert (tmp_path / "reports" / "cut" / "index.html").is_file()
