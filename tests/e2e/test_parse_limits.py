"""A page whose parsing takes far longer than the parse time limit (1 MB of rows built to make every extractor
work hard), served on loopback next to a healthy demo site: the page is parsed in a worker process, abandoned
at the limit and recorded on its column; the crawl goes on, the hostile site's other column is read, and the
healthy site's verdict is the one the demo's answer key gives."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from govaudit.demo.monitoring import write_planted_probes
from govaudit.store import models as m
from tests.e2e.conftest import DEMO_ASOF as ASOF
from tests.e2e.conftest import ServedDemo, run_scrapy
from tests.e2e.sites import LoopbackSite

pytestmark = pytest.mark.slow
HTML = "text/html; charset=utf-8"
HOSTILE = "HX00000001"


def _hostile_pages() -> dict[str, tuple[int, str, bytes]]:
    days = [ASOF.replace(day=d) for d in (2, 5, 9, 12, 16)]
    fine_rows = "".join(f"<li><a href='/xwdt/{i}.html'>工作动态{i}</a><span>{d}</span></li>" for i, d in enumerate(days))
    home = ("<html><head><title>示范市恶意页面测试局</title></head><body><div class='nav'><ul>"
            "<li><a href='/xwdt/'>工作动态</a></li><li><a href='/hdjl/'>咨询投诉</a></li></ul></div>"
            f"<ul class='list'>{fine_rows}</ul><div class='footer'>主办单位：示范市恶意页面测试局</div></body></html>")
    # every row is a list entry, a letter, a block with a heading and a "更多" link, and a footer-classed item:
    # seconds of work for each extractor on the first megabyte (the parse size limit) alone
    rows = "".join(f"<li class='footer-item'><div><h3>栏目{i}</h3><a href='/hdjl/{i}.html'>关于第{i}号问题的咨询</a>"
                   f" 留言时间：2026-11-0{i % 9 + 1} 回复时间：2026-11-1{i % 9} <a href='/lm{i % 300}/'>更多</a>"
                   "</div></li>" for i in range(15000))
    hostile = f"<html><head><title>咨询投诉</title></head><body><ul>{rows}</ul></body></html>".encode()
    assert len(hostile) > 1_000_000
    pages = {"/": (200, HTML, home.encode()), "/hdjl/": (200, HTML, hostile),
             "/xwdt/": (200, HTML, f"<html><body><h2>工作动态</h2><ul>{fine_rows}</ul></body></html>".encode())}
    for i in range(5):
        pages[f"/xwdt/{i}.html"] = (200, HTML, "<html><body>文章</body></html>".encode())
    return pages


def test_a_page_over_the_parse_time_limit_is_recorded_and_blocks_no_other_site(
        tmp_path: Path, demo: ServedDemo) -> None:
    with demo.registry.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    healthy = next(r for r in rows if demo.expected.get(r["site_id"], {}).get("verdict_2019") == "qualified"
                   and r.get("status", "running") == "running")
    expected = demo.expected[healthy["site_id"]]
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    write_planted_probes(db_url, [s.spec for s in demo.province.sites if s.site_id == healthy["site_id"]],
                         demo.server.base_urls, ASOF)
    with LoopbackSite(_hostile_pages(), host="127.0.0.73") as site:
        registry = tmp_path / "registry.csv"
        with registry.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerow(healthy)
            writer.writerow({**dict.fromkeys(rows[0], ""), "site_id": HOSTILE, "name": "示范市恶意页面测试局",
                             "url": site.url, "region": healthy.get("region", ""), "level": healthy.get("level", ""),
                             "kind": "department", "status": "running"})
        proc = run_scrapy(["crawl", "audit", "-a", f"registry={registry}", "-a", f"asof={ASOF}",
                           "-s", "STATS_DUMP=True", "-s", "GOVAUDIT_PARSE_TIMEOUT=1", "-s", "GOVAUDIT_PARSE_WORKERS=2"],
                          db_url, tmp_path / "reports", timeout=400)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "'govaudit/pages_unparsed': 1" in out, out[-4000:]

    with create_engine(db_url).connect() as c:
        cols = {r.name: r for r in c.execute(select(m.Column).where(m.Column.site_id == HOSTILE)).all()}
    assert "解析超时" in cols["咨询投诉"].error, cols["咨询投诉"]
    assert cols["工作动态"].entries_count == 5 and not cols["工作动态"].error  # the same site's next column is read

    found = re.search(r"report bundle: (\S+index\.html)", out)
    assert found, out[-4000:]
    results = json.loads((Path(found.group(1)).parent / "results.json").read_text(encoding="utf-8"))
    got = next(s for s in results["sites"] if s["site_id"] == healthy["site_id"])
    assert got["verdict"] == expected["verdict_2019"] == "qualified", (got, expected)
    assert sorted(got["vetoes"]) == sorted(expected["vetoes_2019"])
