"""Two crawler processes share a run and one Chromium: the owner renders the joining worker's script-built
lists on a private Unix socket (govaudit.crawl.renderservice), and the joiner starts no browser; when the
socket cannot be reached, the joiner renders in a browser of its own and nothing is lost."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from govaudit.store import models as m
from tests.e2e.conftest import ROOT
from tests.e2e.sites import LoopbackSite
from tests.e2e.test_render_js import ASOF, _pages

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")]
RUN = "render1"


def _stat(log: str, name: str) -> int:
    found = re.findall(rf"'govaudit/{name}': (\d+)", log)
    return int(found[-1]) if found else 0


def _two_workers(tmp_path: Path, sites: int, seeder_socket: str, joiner_socket: str) -> tuple[str, str, str]:
    """A seeder and a joiner sharing a run of `sites` script-built sites, one site at a time each; their logs
    and the database URL."""
    db = f"sqlite:///{tmp_path / 'run.sqlite'}"
    base = {**os.environ, "GOVAUDIT_DATABASE_URL": db, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports"),
            "GOVAUDIT_SHARE_SITES": "1", "GOVAUDIT_REDIS_URL": "", "GOVAUDIT_MAX_SITES_IN_FLIGHT": "1"}
    settings = ["-s", "STATS_DUMP=True", "-s", "LOG_LEVEL=INFO", "-s", "GOVAUDIT_REPORT_ON_CLOSE=False",
                "-s", "GOVAUDIT_SCREENSHOTS_ENABLED=False"]
    with ExitStack() as stack:
        served = [stack.enter_context(LoopbackSite(_pages("bundled"), host=f"127.0.0.{91 + i}")) for i in range(sites)]
        registry = tmp_path / "registry.csv"
        registry.write_text("site_id,name,url,region,status\n" + "".join(
            f"JS0000009{i},示范市测试{i}局,{s.url},示范市,running\n" for i, s in enumerate(served)), encoding="utf-8")
        logs = [tmp_path / "seeder.log", tmp_path / "joiner.log"]
        scrapy = [sys.executable, "-m", "scrapy", "crawl", "audit"]
        seeder = subprocess.Popen([*scrapy, "-a", f"registry={registry}", "-a", f"asof={ASOF}", "-a", f"run={RUN}",
                                   *settings], cwd=ROOT, env={**base, "GOVAUDIT_RENDER_SOCKET": seeder_socket},
                                  stdout=logs[0].open("w"), stderr=subprocess.STDOUT)
        joiner = subprocess.Popen([*scrapy, "-a", f"join={RUN}", *settings], cwd=ROOT,
                                  env={**base, "GOVAUDIT_RENDER_SOCKET": joiner_socket},
                                  stdout=logs[1].open("w"), stderr=subprocess.STDOUT)
        codes = [seeder.wait(timeout=400), joiner.wait(timeout=400)]
    seeder_log, joiner_log = (p.read_text(encoding="utf-8", errors="replace") for p in logs)
    assert codes == [0, 0], (codes, seeder_log[-3000:], joiner_log[-3000:])
    # both crawled sites of the run: the joiner's renders were its own sites'
    assert _stat(seeder_log, "sites_scored") >= 1 and _stat(joiner_log, "sites_scored") >= 1, joiner_log[-3000:]
    assert _stat(seeder_log, "sites_scored") + _stat(joiner_log, "sites_scored") == sites
    return seeder_log, joiner_log, db


def _rendered_columns(db: str) -> list[tuple[str, bool, int, dt.date | None]]:
    engine = create_engine(db)
    try:
        with engine.connect() as c:
            return sorted(c.execute(select(m.Column.site_id, m.Column.rendered, m.Column.entries_count,
                                           m.Column.latest).where(m.Column.name == "通知公告")).all())
    finally:
        engine.dispose()


def _private(folder: Path) -> Path:
    folder.mkdir(mode=0o700)
    return folder / "render.sock"


def test_the_joining_worker_renders_in_the_owners_browser(tmp_path: Path) -> None:
    socket_path = str(_private(tmp_path / "render"))
    seeder_log, joiner_log, db = _two_workers(tmp_path, 5, socket_path, socket_path)
    apart = _stat(joiner_log, "renders_apart")
    assert apart >= 1 and _stat(seeder_log, "renders_served") == apart, (apart, seeder_log[-2000:])
    assert _stat(joiner_log, "renders_fallback") == 0
    # the joiner never started a Playwright browser; the seeder did
    assert "playwright/browser_count" not in joiner_log and "playwright/browser_count" in seeder_log
    # every site's script-built list was read from its rendered page, whoever crawled it
    cols = _rendered_columns(db)
    assert len(cols) == 5 and all(rendered and n == 5 and latest == ASOF - dt.timedelta(days=1)
                                  for _site, rendered, n, latest in cols), cols
    assert not Path(socket_path).exists()  # the owner removed its socket at the end


def test_a_worker_that_cannot_reach_the_owner_renders_itself(tmp_path: Path) -> None:
    """The owner serves no renders (no socket named for it); the joiner's socket leads nowhere: after a short
    wait it renders in its own browser, and every list is read as before."""
    _seeder_log, joiner_log, db = _two_workers(tmp_path, 3, "", str(_private(tmp_path / "render")))
    assert _stat(joiner_log, "renders_fallback") >= 1 and _stat(joiner_log, "renders_apart") == 0
    assert "in this worker's own browser" in joiner_log
    assert "playwright/browser_count" in joiner_log
    cols = _rendered_columns(db)
    assert len(cols) == 3 and all(rendered and n == 5 for _site, rendered, n, _latest in cols), cols
