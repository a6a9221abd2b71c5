"""JOBDIR is trusted: Scrapy unpickles the queued requests it finds there on resume, so whoever can write
to it can run code as the crawler. PrivateJobDir (an extension) makes it private before the scheduler reads
it: created 0700 (or tightened to 0700), and the crawl refuses to start when the folder or anything in it
belongs to another user or is writable by group/others. docs/OPERATIONS.md, "JOBDIR"."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)
MAX_ENTRIES_CHECKED = 100_000


class UnsafeJobDir(Exception):
    pass


def ensure_private_jobdir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` 0700, or check and tighten it. Raises UnsafeJobDir naming what is wrong."""
    p = Path(path)
    if p.is_symlink():
        raise UnsafeJobDir(f"JOBDIR {p} is a symbolic link; give the real folder")
    p.mkdir(parents=True, exist_ok=True, mode=0o700)
    uid = os.getuid()
    top = p.lstat()
    if top.st_uid != uid:
        raise UnsafeJobDir(f"JOBDIR {p} belongs to uid {top.st_uid}, not to this user ({uid})")
    for n, entry in enumerate(p.rglob("*")):
        if n > MAX_ENTRIES_CHECKED:
            break
        st = entry.lstat()
        if st.st_uid != uid:
            raise UnsafeJobDir(f"JOBDIR entry {entry} belongs to uid {st.st_uid}, not to this user ({uid})")
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not stat.S_ISLNK(st.st_mode):
            raise UnsafeJobDir(f"JOBDIR entry {entry} is writable by group or others; it may have been "
                               f"changed by someone else (remove the folder to start afresh)")
    if stat.S_IMODE(top.st_mode) != 0o700:
        p.chmod(0o700)
    return p


class PrivateJobDir:
    def __init__(self, jobdir: str) -> None:
        try:
            ensure_private_jobdir(jobdir)
        except (UnsafeJobDir, OSError) as exc:
            logger.error("govaudit: %s", exc)
            raise SystemExit(f"govaudit: {exc}") from None

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateJobDir:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        return cls(jobdir)
