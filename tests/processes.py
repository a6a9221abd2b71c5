"""Child processes of the test process, read from /proc: what a browser test counts."""

from __future__ import annotations

import os
from pathlib import Path


def children(pattern: bytes, *, parent: int | None = None) -> list[int]:
    """Processes whose parent is `parent` (this process) and whose command line holds `pattern`."""
    parent = os.getpid() if parent is None else parent
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            ppid = int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = Path(entry.path, "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and pattern in cmd:
            found.append(int(entry.name))
    return found


def playwright_drivers() -> list[int]:
    """Playwright driver (Node) processes started by this process."""
    return [pid for pid in children(b"run-driver") if b"playwright" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def browsers() -> list[int]:
    """Chromium browser processes (not their renderers and helpers) started by this process's drivers."""
    return [pid for driver in playwright_drivers() for pid in children(b"chrom", parent=driver)]
