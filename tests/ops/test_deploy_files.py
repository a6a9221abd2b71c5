"""The shipped schedule files say what docs/OPERATIONS.md says: valid crontab lines running plain
`scrapy crawl` commands whose arguments the spiders accept, probes >= 20 times a day, timers that parse."""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from govaudit.spiders.args import parse_audit_args

from .helpers import ROOT

DEPLOY = ROOT / "deploy"


def _expand(field: str, lo: int, hi: int) -> set[int]:
    values: set[int] = set()
    for part in field.split(","):
        rng, _, step = part.partition("/")
        start, end = (lo, hi) if rng == "*" else (int(rng.split("-")[0]), int(rng.split("-")[-1]))
        values.update(range(start, end + 1, int(step or 1)))
    return values


def _cron_jobs() -> list[tuple[list[str], str]]:
    jobs = []
    for line in (DEPLOY / "cron" / "govaudit.crontab").read_text("utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#") or re.match(r"^[A-Z_]+=", line):
            continue
        parts = line.split(None, 5)
        assert len(parts) == 6, f"not a crontab line: {line}"
        jobs.append((parts[:5], parts[5]))
    return jobs


def _crawl(command: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The spider, its -a arguments and its -s settings of a `scrapy crawl` command line."""
    command = command.replace("$(date +\\%Y)", "2026").replace("$(date +\\%F)", "2026-11-25")
    words = shlex.split(command.split("scrapy crawl", 1)[1])
    args, settings = {}, {}
    for flag, value in itertools.pairwise(words):
        if flag == "-a":
            key, _, val = value.partition("=")
            args[key] = val
        elif flag == "-s":
            key, _, val = value.partition("=")
            settings[key] = val
    return words[0], args, settings


def test_crontab_lines_are_plain_scrapy_crawls_the_spiders_accept() -> None:
    jobs = _cron_jobs()
    crawls = [(fields, _crawl(cmd)) for fields, cmd in jobs if "scrapy crawl" in cmd]
    others = [cmd for _fields, cmd in jobs if "scrapy crawl" not in cmd]
    assert len(crawls) >= 3 and all(re.search(r"\.venv/bin/scrapy (report --monthly|monitor check)", c) for c in others)
    kinds = set()
    for fields, (spider, args, settings) in crawls:
        _expand(fields[0], 0, 59), _expand(fields[1], 0, 23)  # parse
        if spider == "probe":
            kinds.add("probe")
            runs_a_day = len(_expand(fields[0], 0, 59)) * len(_expand(fields[1], 0, 23))
            assert fields[2:] == ["*", "*", "*"] and runs_a_day >= 20
            continue
        assert spider in ("audit", "monitor")
        if spider == "monitor":
            assert set(args) <= {"rediscover"}
            args = {"kind": "monitor"}
        parsed = parse_audit_args(args, default_registry="", default_rubric="inspection-2019",
                                  tz="Asia/Shanghai")
        kinds.add(parsed.kind)
        assert settings.get("JOBDIR", "").startswith("var/jobs/")  # resumable
        if parsed.kind == "spotcheck":
            assert parsed.sample == 0.3 and re.fullmatch(r"2026Q[1-4]", parsed.seed)
            assert settings["JOBDIR"].endswith(parsed.seed)
    assert kinds == {"probe", "monitor", "spotcheck"}
    # the daily pass runs every day of the week, re-discovering columns on one of them
    days = [_expand(f[4], 0, 6) for f, (spider, args, _s) in crawls if spider == "monitor" and f[1] == "1"]
    assert set().union(*days) == set(range(7)) and sum(len(d) for d in days) == 7
    assert any("rediscover" in args for _f, (spider, args, _s) in crawls if spider == "monitor")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_timers_parse_and_probe_runs_often_enough() -> None:
    calendars = {}
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        spec = re.search(r"^OnCalendar=(.+)$", timer.read_text("utf-8"), re.M)
        assert spec, timer
        calendars[timer.stem] = spec.group(1)
        res = subprocess.run(["systemd-analyze", "calendar", "--iterations=21", spec.group(1)],
                             capture_output=True, text=True, timeout=30)
        assert res.returncode == 0, res.stderr
        if timer.stem == "govaudit-probe":
            # 21 elapses of the probe timer fit in one day: at least 20 probes a day
            first = re.search(r"Next elapse: \w+ (\S+ \S+)", res.stdout).group(1)
            last = re.findall(r"Iter\. #21: \w+ (\S+ \S+)", res.stdout)[0]
            import datetime as dt

            span = dt.datetime.fromisoformat(last) - dt.datetime.fromisoformat(first)
            assert span < dt.timedelta(days=1)
    assert set(calendars) == {"govaudit-monitor", "govaudit-rediscover", "govaudit-probe", "govaudit-spotcheck",
                              "govaudit-monthly"}
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text("utf-8")
        assert (DEPLOY / "systemd" / f"{unit.stem}.timer").exists()
        assert "EnvironmentFile=/etc/govaudit/env" in text and "KillSignal=SIGINT" in text
        exec_line = re.search(r"^ExecStart=(.+)$", text, re.M).group(1)
        assert re.search(r"(?<!\$)\$(?!\$)", exec_line) is None, "unescaped $ is expanded by systemd"


def test_scrapyd_schedule_example_names_known_spiders() -> None:
    text = (DEPLOY / "scrapyd" / "schedule.sh").read_text("utf-8")
    assert "schedule.json" in text and "spider=audit" in text and "spider=probe" in text and "spider=monitor" in text
    assert "GOVAUDIT_DATABASE_URL" not in text.split("set -euo pipefail", 1)[1]  # the password stays in the env
    res = subprocess.run(["bash", "-n", str(DEPLOY / "scrapyd" / "schedule.sh")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_operations_doc_covers_the_settings() -> None:
    """Every GOVAUDIT_* setting of settings.py is named in docs/OPERATIONS.md."""
    settings = set(re.findall(r"^(GOVAUDIT_[A-Z_]+) =", (ROOT / "govaudit" / "settings.py").read_text("utf-8"), re.M))
    doc = (ROOT / "docs" / "OPERATIONS.md").read_text("utf-8")
    assert settings and not {s for s in settings if s not in doc}
    assert Path(ROOT / "deploy" / "cron" / "govaudit.crontab").name in doc
