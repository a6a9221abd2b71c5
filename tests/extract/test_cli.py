"""`python -m govaudit.extract PAGE --url URL` prints the JSON of the issue."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "pages" / "extract"


def test_cli_prints_json() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "govaudit.extract", str(PAGES / "gbk_no_meta.html"), "--url",
         "http://www.xx.gov.cn/tzgg/", "--asof", "2026-09-30"],
        capture_output=True, check=True, timeout=60,
    )
    data = json.loads(out.stdout.decode("utf-8"))
    assert data["blank"] is False and data["encoding"] == "gb18030"
    assert data["entries"][0] == {"title": "关于做好2018年元旦春节期间安全生产工作的通知",
                                  "url": "http://www.xx.gov.cn/tzgg/201712/t20171210_1001.html",
                                  "date": "2017-12-10", "date_source": "text", "date_text": "2017-12-10"}
    assert isinstance(data["next_pages"], list) and isinstance(data["subcolumns"], list)


def test_cli_rejects_bad_asof() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "govaudit.extract", str(PAGES / "gbk_no_meta.html"), "--url", "http://a/",
         "--asof", "2026-13-01"],
        capture_output=True, timeout=60,
    )
    assert out.returncode == 2 and b"--asof" in out.stderr


def test_cli_reads_relative_dates_against_the_fetch_time() -> None:
    page = Path(__file__).resolve().parent.parent / "pages" / "traits" / "relative_today_yesterday.html"
    out = subprocess.run(
        [sys.executable, "-m", "govaudit.extract", str(page), "--url", "http://www.nanxi.gov.cn/bmdt/",
         "--asof", "2018-01-03", "--fetched", "2018-01-03T11:00"],
        capture_output=True, check=True, timeout=60,
    )
    data = json.loads(out.stdout.decode("utf-8"))
    assert [(e["date"], e.get("date_relative", False)) for e in data["entries"]] == [
        ("2018-01-03", True), ("2018-01-02", True), ("2018-01-01", True), ("2017-12-30", False)]
