"""A real scrapyd on loopback: deploy the project's egg with deploy/scrapyd/deploy.sh (scrapyd-deploy), schedule
an audit through schedule.json with the database and reports folder given as job settings, and check that the
run landed in SQL. The audited site is a tiny county site served on 127.0.0.x by this test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from govaudit.commands.registry import Command as RegistryCommand
from govaudit.spiders.args import today
from govaudit.store import models as m

from .helpers import ROOT, free_port, run_command, tiny_site, write_csv

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _api(base: str, path: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{path}", data=body, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    """scrapyd on 127.0.0.1:<free port>, everything it writes under tmp; stopped at the end."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\npoll_interval = 0.5\nmax_proc = 1\n",
        encoding="utf-8",
    )
    # the jobs must get their configuration from schedule.json, not from this environment
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVAUDIT_", "SCRAPY_"))}
    log = (home / "scrapyd.out").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if _api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("scrapyd did not start: " + (home / "scrapyd.out").read_text(errors="replace"))
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


def test_deploy_schedule_audit_lands_in_sql(scrapyd: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 1. deploy the egg with the project's deploy script and a scrapy.cfg target naming this scrapyd
    cfg = tmp_path / "scrapy.cfg"
    cfg.write_text(f"[settings]\ndefault = govaudit.settings\n\n[deploy]\nurl = {scrapyd}/\nproject = govaudit\n",
                   encoding="utf-8")
    env = {**os.environ, "SCRAPY_CFG": str(cfg), "SCRAPYD_DEPLOY": str(BIN / "scrapyd-deploy"),
           "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    res = subprocess.run(["bash", str(ROOT / "deploy" / "scrapyd" / "deploy.sh"), "-v", "t1"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    answer = json.loads(res.stdout.strip().splitlines()[-1])
    assert answer["status"] == "ok" and answer["version"] == "t1", answer
    spiders = _api(scrapyd, "listspiders.json?project=govaudit")["spiders"]
    assert {"audit", "probe"} <= set(spiders)

    # 2. the registry: one county site on loopback, imported into a fresh SQLite store
    db_url = f"sqlite:///{tmp_path / 'out' / 'govaudit.sqlite'}"
    reports = tmp_path / "out" / "reports"
    asof = today("Asia/Shanghai")
    with tiny_site("127.0.0.23", asof) as site_url:
        csv = write_csv(tmp_path / "registry.csv", [
            ["9999000001", "测试县人民政府", site_url, "测试县人民政府办公室", "测试县", "县级", "门户", "正常运行"]])
        code, out = run_command(RegistryCommand, ["import", str(csv)], db_url, capsys)
        assert code == 0, out

        # 3. schedule an audit (no -a registry: the imported registry is audited) with settings for this job
        job = _api(scrapyd, "schedule.json", [
            ("project", "govaudit"), ("spider", "audit"), ("kind", "monitor"),
            ("setting", f"GOVAUDIT_DATABASE_URL={db_url}"),
            ("setting", f"GOVAUDIT_REPORTS_DIR={reports}"),
            ("setting", f"GOVAUDIT_RUBRICS_DIR={ROOT / 'rubrics'}"),
            ("setting", f"GOVAUDIT_TEMPLATES_DIR={ROOT / 'reports'}"),
            ("setting", "GOVAUDIT_RENDER_JS=never"),
        ])
        assert job["status"] == "ok", job
        jobid = job["jobid"]
        t0 = time.monotonic()
        finished = None
        while time.monotonic() - t0 < 120:
            jobs = _api(scrapyd, "listjobs.json?project=govaudit")
            finished = next((j for j in jobs["finished"] if j["id"] == jobid), None)
            if finished is not None:
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - t0
    logs = list((tmp_path / "scrapyd" / "logs").rglob(f"{jobid}.log"))
    log_text = logs[0].read_text(errors="replace") if logs else "(no job log)"
    assert finished is not None, f"job {jobid} not finished after {elapsed:.0f} s\n{log_text[-3000:]}"

    # 4. the run is in SQL: one run, its site crawled and scored
    engine = create_engine(db_url)
    try:
        with Session(engine) as s:
            runs = list(s.scalars(select(m.Run)))
            assert len(runs) == 1, f"runs: {runs}\n{log_text[-3000:]}"
            run = runs[0]
            assert run.kind == "monitor" and run.status == "finished" and run.registry_source == "database"
            sites = list(s.scalars(select(m.RunSite).where(m.RunSite.run_id == run.id)))
            assert [(x.site_id, x.crawl_state, x.done) for x in sites] == [("9999000001", "ok", True)], log_text[-3000:]
            score = s.get(m.Score, (run.id, "9999000001"))
            assert score is not None and score.verdict in {"qualified", "unqualified"}, log_text[-3000:]
            columns = list(s.scalars(select(m.Column).where(m.Column.run_id == run.id)))
            assert any(c.source == "home" and c.entries_count >= 2 for c in columns)
    finally:
        engine.dispose()
    print(f"scrapyd job finished {elapsed:.1f} s after scheduling")
