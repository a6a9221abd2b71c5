"""The fault matrix: each fault is a row (what it is, what must be recorded, what was measured).

A row is a `Fault` whose `run(tmp_path)` returns a `Measured`; tests/faults/test_matrix.py runs every row,
asserts its outcome, and the conftest prints the whole matrix in pytest's terminal summary (with or
without -s). To add a fault (kill/resume, parse-time limits...), append a `Fault` to FAULTS there.
Processes run here are watched: peak RSS is the largest sum over the process tree (Chromium included),
and a tree above WATCHDOG_MB is killed so that a regression fails the row instead of the machine."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WATCHDOG_MB = 6 * 1024
ROWS: list[dict[str, str]] = []  # filled by the tests, printed by conftest.pytest_terminal_summary


@dataclass
class Measured:
    outcome: str  # what govaudit recorded, in a few words
    ok: bool  # the expected outcome, and nothing reached that must not be
    requests: int | None = None
    bytes_read: int | None = None
    peak_rss_mb: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fault:
    name: str
    expect: str
    run: Callable[[Path], Measured]
    browser: bool = False


def record(fault: Fault, m: Measured) -> None:
    ROWS.append({
        "fault": fault.name, "expected": fault.expect, "recorded": m.outcome, "ok": "yes" if m.ok else "NO",
        "requests": "-" if m.requests is None else str(m.requests),
        "bytes": "-" if m.bytes_read is None else str(m.bytes_read),
        "peak RSS MB": "-" if m.peak_rss_mb is None else f"{m.peak_rss_mb:.0f}",
    })


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * page_kb
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_watched(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 300,
                cwd: Path = ROOT) -> tuple[int, str, float]:
    """(exit status, output, peak RSS of the process tree in MB) of ``cmd``, in its own process group."""
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    peak = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            kb = _tree_rss_kb(proc.pid)
            peak[0] = max(peak[0], kb)
            if kb > WATCHDOG_MB * 1024:
                os.killpg(proc.pid, signal.SIGKILL)
            done.wait(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    finally:
        done.set()
        watcher.join()
        with contextlib.suppress(ProcessLookupError):  # whatever the crawl left behind (a browser) goes too
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, out.decode("utf-8", "replace"), peak[0] / 1024


def crawl(tmp: Path, sites: list[dict[str, Any]], *, settings: dict[str, str] | None = None,
          timeout: float = 300) -> tuple[dict[str, Any], float, str]:
    """Run tests/faults/harness.py over ``sites`` (registry rows); (its result file, peak RSS MB, log)."""
    cfg, out = tmp / "harness.json", tmp / "outcomes.json"
    cfg.write_text(json.dumps({"sites": sites}, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "tests" / "faults" / "harness.py"),
           "-a", f"config={cfg}", "-a", f"out={out}", "-s", "LOG_LEVEL=INFO",
           "-s", f"GOVAUDIT_DATABASE_URL=sqlite:///{tmp / 'db.sqlite'}"]
    for k, v in (settings or {}).items():
        cmd += ["-s", f"{k}={v}"]
    code, log, peak = run_watched(cmd, timeout=timeout)
    if not out.exists():
        raise AssertionError(f"the harness crawl wrote no result (exit {code}):\n{log[-4000:]}")
    return json.loads(out.read_text(encoding="utf-8")), peak, log


def print_matrix(write: Callable[[str], None]) -> None:
    if not ROWS:
        return
    cols = ["fault", "expected", "recorded", "ok", "requests", "bytes", "peak RSS MB"]
    widths = {c: max(len(c), *(len(r[c]) for r in ROWS)) for c in cols}
    write(" | ".join(c.ljust(widths[c]) for c in cols))
    write("-+-".join("-" * widths[c] for c in cols))
    for r in ROWS:
        write(" | ".join(r[c].ljust(widths[c]) for c in cols))
