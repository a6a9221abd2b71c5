"""`scrapy registry import / stats / history` against a real database (SQLite file and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from govaudit.commands.registry import Command
from govaudit.registry.stored import load_stored_registry
from govaudit.store import models as m
from govaudit.store.db import get_engine

from .helpers import HEADER, ROOT, run_command, write_csv

ROWS_V1 = [
    ["2300000001", "示范省人民政府", "http://www.sf.gov.cn/", "示范省人民政府办公厅", "省直", "省级", "门户", "正常运行"],
    ["2300000002", "示范省教育厅", "http://jyt.sf.gov.cn/", "示范省教育厅", "省直", "省级", "部门", "正常运行"],
    ["2301000001", "江城市人民政府", "http://www.jc.gov.cn/", "江城市人民政府办公室", "江城市", "市级", "门户", "正常运行"],
    ["2301000002", "江城市卫生健康委员会", "wsjkw.jc.gov.cn", "江城市卫生健康委员会", "江城市", "市级", "部门", "临时下线"],
    ["2301000003", "江城市旧网站", "http://old.jc.gov.cn/", "江城市", "江城市", "市级", "部门", "永久下线"],
]


def _sites(url: str) -> dict[str, m.RegistrySite]:
    with Session(get_engine(url)) as s:
        return {r.site_id: r for r in s.scalars(select(m.RegistrySite))}


def _events(url: str, site_id: str | None = None) -> list[tuple[str, str, str, str, dt.date]]:
    with Session(get_engine(url)) as s:
        q = select(m.RegistryEvent).order_by(m.RegistryEvent.id)
        if site_id is not None:
            q = q.where(m.RegistryEvent.site_id == site_id)
        return [(e.site_id, e.field, e.old, e.new, e.at.date()) for e in s.scalars(q)]


def test_good_file_is_loaded_and_read_back(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = write_csv(tmp_path / "registry.csv", ROWS_V1)
    code, out = run_command(Command, ["import", str(csv), "--as-of", "2026-01-10"], db_url, capsys)
    assert code == 0, out
    assert "0 bad row(s)" in out and "5 new, 0 changed, 0 unchanged" in out
    sites = _sites(db_url)
    assert set(sites) == {r[0] for r in ROWS_V1}
    assert sites["2301000002"].url == "http://wsjkw.jc.gov.cn/"  # scheme added by the loader
    assert sites["2301000002"].status == "offline-temporary"
    assert sites["2300000001"].kind == "portal" and sites["2300000002"].region == "省直"
    assert all(s.status_since == dt.date(2026, 1, 10) for s in sites.values())
    assert {e[1] for e in _events(db_url) if e[0]} == {"added"}
    # the spider's reader sees the imported registry
    with Session(get_engine(db_url)) as s:
        reg = load_stored_registry(s)
    assert sorted(x.site_id for x in reg.running()) == ["2300000001", "2300000002", "2301000001"]
    # importing the same file again changes nothing and records no site event
    n_events = len(_events(db_url))
    code, out = run_command(Command, ["import", str(csv), "--as-of", "2026-01-11"], db_url, capsys)
    assert code == 0 and "0 new, 0 changed, 5 unchanged" in out
    assert [e[1] for e in _events(db_url)[n_events:]] == ["import"]


def test_history_on_status_and_url_change_absent_sites_kept(db_url: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    run_command(Command, ["import", str(write_csv(tmp_path / "v1.csv", ROWS_V1)), "--as-of", "2026-01-10"],
                db_url, capsys)
    v2 = [list(r) for r in ROWS_V1 if r[0] != "2300000002"]  # the education department's row is missing
    v2[0][7] = "永久下线"  # the provincial portal went offline permanently
    v2[1][2] = "https://www.jc.gov.cn/index.html"  # the city portal moved to HTTPS
    v2.append(["2301000004", "江城市交通运输局", "http://jtj.jc.gov.cn/", "江城市交通运输局", "江城市", "市级", "部门", "运行"])
    code, out = run_command(Command, ["import", str(write_csv(tmp_path / "v2.csv", v2)), "--as-of", "2026-02-10"],
                            db_url, capsys)
    assert code == 0, out
    assert "1 new, 2 changed, 2 unchanged" in out
    assert "1 site(s) in the database are not in this file and were kept" in out and "2300000002" in out
    sites = _sites(db_url)
    portal = sites["2300000001"]
    assert portal.status == "offline-permanent" and portal.status_since == dt.date(2026, 2, 10)
    assert sites["2301000001"].url == "https://www.jc.gov.cn/index.html"
    assert sites["2301000001"].status_since == dt.date(2026, 1, 10)  # status unchanged: date unchanged
    kept = sites["2300000002"]
    assert kept.status == "running" and kept.status_since == dt.date(2026, 1, 10)
    assert ("2300000001", "status", "running", "offline-permanent", dt.date(2026, 2, 10)) in _events(db_url, "2300000001")
    assert ("2301000001", "url", "http://www.jc.gov.cn/", "https://www.jc.gov.cn/index.html",
            dt.date(2026, 2, 10)) in _events(db_url, "2301000001")
    assert _events(db_url, "2300000002")[-1][1:4] == ("listed", "yes", "no")
    # the education department comes back a month later: one "listed" event back, none while it stays
    code, out = run_command(Command, ["import", str(write_csv(tmp_path / "v3.csv", [*v2, ROWS_V1[1]])),
                                      "--as-of", "2026-03-10"], db_url, capsys)
    assert code == 0 and "are back: 2300000002" in out
    assert [e[1:4] for e in _events(db_url, "2300000002")] == [("added", "", "running"), ("listed", "yes", "no"),
                                                                ("listed", "no", "yes")]
    # the history command shows the portal's status change with its date
    code, out = run_command(Command, ["history", "2300000001"], db_url, capsys)
    assert code == 0 and "2026-02-10" in out and "'running' -> 'offline-permanent'" in out
    # an export older than the last import would rewrite history out of order: refused, nothing written
    before = _events(db_url)
    code, out = run_command(Command, ["import", str(write_csv(tmp_path / "old.csv", ROWS_V1)), "--as-of", "2026-02-01"],
                            db_url, capsys)
    assert code == 2 and "date order" in out
    assert _events(db_url) == before and _sites(db_url)["2300000001"].status == "offline-permanent"


def _xlsx_with_problems(path: Path) -> Path:
    """As exported and then edited in Excel: a title row, merged region cells, empty rows, a duplicate id,
    a URL without scheme, an unknown status word, a missing name, numeric ids."""
    wb = Workbook()
    ws = wb.active
    ws.append(["示范省政府网站基本信息表"])  # row 1: a title above the header
    ws.merge_cells("A1:H1")
    ws.append(HEADER)  # row 2
    ws.append([2302000001, "河州市人民政府", "www.hz.gov.cn", "河州市人民政府办公室", "河州市", "市级", "门户", "正常运行"])  # 3
    ws.append([2302000002, "河州市教育局", "http://jyj.hz.gov.cn/", "河州市教育局", None, "市级", "部门", "正常运行"])  # 4
    ws.append([2302000003, "河州市民政局", "http://mzj.hz.gov.cn/", "河州市民政局", None, "市级", "部门", "休眠"])  # 5
    ws.merge_cells("E3:E5")  # the region is merged over the city's rows
    ws.append([None] * 8)  # 6: empty
    ws.append([2302000001, "河州市人民政府(重复)", "http://dup.hz.gov.cn/", "", "河州市", "市级", "门户", "正常运行"])  # 7
    ws.append([2302000004, None, "http://x.hz.gov.cn/", "河州市某局", "河州市", "市级", "部门", "正常运行"])  # 8
    ws.append([2302000005, "河州市水务局", "ftp://files.hz.gov.cn/", "河州市水务局", "河州市", "市级", "部门", "正常运行"])  # 9
    ws.append([None] * 8)  # 10: empty
    ws.append([2302000006, "河州市商务局", "http://swj.hz.gov.cn/", "河州市商务局", "河州市", "市级", "部门", "永久下线"])  # 11
    wb.save(path)
    return path


def test_bad_rows_listed_with_numbers_and_reasons(db_url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = _xlsx_with_problems(tmp_path / "registry.xlsx")
    code, out = run_command(Command, ["import", str(xlsx), "--as-of", "2026-01-10"], db_url, capsys)
    assert code == 0, out
    assert "4 bad row(s)" in out
    lines = [line.strip() for line in out.splitlines()]
    assert any(x.startswith("row 5 (2302000003): unknown status '休眠'") for x in lines), out
    assert any(x.startswith("row 7 (2302000001): duplicate site_id, first seen on row 3") for x in lines), out
    assert any(x.startswith("row 8 (2302000004): missing name") for x in lines), out
    assert any(x.startswith("row 9 (2302000005): not an http(s) URL") for x in lines), out
    sites = _sites(db_url)
    assert set(sites) == {"2302000001", "2302000002", "2302000006"}
    assert sites["2302000001"].url == "http://www.hz.gov.cn/" and sites["2302000001"].name == "河州市人民政府"
    assert sites["2302000002"].region == "河州市"  # from the merged cell
    assert sites["2302000006"].status == "offline-permanent"


def test_strict_and_dry_run_write_nothing(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = _xlsx_with_problems(tmp_path / "registry.xlsx")
    code, out = run_command(Command, ["import", str(xlsx), "--strict"], db_url, capsys)
    assert code == 2 and "Nothing was imported" in out and "row 5" in out
    code, out = run_command(Command, ["import", str(xlsx), "--dry-run"], db_url, capsys)
    assert code == 0 and "dry run" in out and "3 new" in out
    assert _sites(db_url) == {} and _events(db_url) == []


def test_unreadable_file_changes_nothing(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_command(Command, ["import", str(write_csv(tmp_path / "v1.csv", ROWS_V1)), "--as-of", "2026-01-10"],
                db_url, capsys)
    before_sites = {k: (v.status, v.url) for k, v in _sites(db_url).items()}
    before_events = _events(db_url)
    broken = tmp_path / "export.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook" + bytes(range(256)))
    code, out = run_command(Command, ["import", str(broken)], db_url, capsys)
    assert code == 1 and "export.xlsx" in out and "Nothing was imported" in out
    code, out = run_command(Command, ["import", str(tmp_path / "missing.csv")], db_url, capsys)
    assert code == 1 and "missing.csv" in out
    assert {k: (v.status, v.url) for k, v in _sites(db_url).items()} == before_sites
    assert _events(db_url) == before_events


def _abort_insert_of(url: str, site_id: str) -> None:
    """A database trigger that refuses one site's row: the import fails half-way through its writes."""
    engine = create_engine(url)
    with engine.begin() as c:
        if engine.dialect.name == "sqlite":
            c.execute(text(f"CREATE TRIGGER boom BEFORE INSERT ON registry_sites WHEN NEW.site_id = '{site_id}' "
                           "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"))
        else:
            c.execute(text(f"CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.site_id = '{site_id}' THEN "
                           "RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"))
            c.execute(text("CREATE TRIGGER boom BEFORE INSERT ON registry_sites FOR EACH ROW EXECUTE FUNCTION boom()"))
    engine.dispose()


def test_database_error_mid_import_rolls_everything_back(db_url: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    run_command(Command, ["import", str(write_csv(tmp_path / "v1.csv", ROWS_V1[:2])), "--as-of", "2026-01-10"],
                db_url, capsys)
    _abort_insert_of(db_url, ROWS_V1[-1][0])
    changed = [list(r) for r in ROWS_V1]
    changed[0][7] = "永久下线"  # an update of an existing site, before the refused insert
    code, out = run_command(Command, ["import", str(write_csv(tmp_path / "v2.csv", changed)),
                                      "--as-of", "2026-02-10"], db_url, capsys)
    assert code == 1 and "refused by test trigger" in out and "rolled back" in out
    sites = _sites(db_url)
    assert set(sites) == {"2300000001", "2300000002"} and sites["2300000001"].status == "running"
    assert all(e[4] == dt.date(2026, 1, 10) for e in _events(db_url))


def test_stats_counts_in_the_notice_shape(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1560 registered = 8 offline-temporary + 985 offline-permanent + 567 running, as in the notice."""
    statuses = ["临时下线"] * 8 + ["永久下线"] * 985 + ["正常运行"] * 567
    regions = ["省直", "江城市", "河州市", "山城市", "湖州县"]
    rows = [[f"23{i:08d}", f"网站{i}", f"http://s{i}.sf.gov.cn/", f"单位{i}", regions[i % 5], "市级", "部门", st]
            for i, st in enumerate(statuses)]
    csv = write_csv(tmp_path / "full.csv", rows)
    t0 = time.perf_counter()
    code, out = run_command(Command, ["import", str(csv), "--as-of", "2017-12-15"], db_url, capsys)
    elapsed = time.perf_counter() - t0
    assert code == 0, out
    print(f"imported 1560 sites in {elapsed:.2f} s")
    code, out = run_command(Command, ["stats"], db_url, capsys)
    assert code == 0
    numbers = {line.split()[0]: int(line.split()[-1]) for line in out.splitlines()
               if line.split() and line.split()[0] in {"registered", "offline-temporary", "offline-permanent", "running"}}
    assert numbers == {"registered": 1560, "offline-temporary": 8, "offline-permanent": 985, "running": 567}
    assert "登记的网站共1560家,其中下线网站993家(含临时下线网站8家和永久下线网站985家),正常运行的政府网站567家" in out
    code, out = run_command(Command, ["stats", "--json"], db_url, capsys)
    import json

    data = json.loads(out)
    assert (data["registered"], data["running"], data["last_import"]["added"]) == (1560, 567, 1560)
    with Session(get_engine(db_url)) as s:
        assert s.scalar(select(func.count()).select_from(m.RegistrySite)) == 1560


def test_cli_exit_status_and_future_asof(tmp_path: Path) -> None:
    """Through the real `scrapy` entry point: a non-zero exit with the message."""
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite'}"}

    def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "scrapy", "registry", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)

    res = scrapy("import", str(tmp_path / "nope.csv"))
    assert res.returncode == 1 and "nope.csv" in res.stdout
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    res = scrapy("import", str(write_csv(tmp_path / "r.csv", ROWS_V1)), "--as-of", future)
    assert res.returncode == 2 and "future" in res.stdout
    res = scrapy("import", str(tmp_path / "r.csv"))
    assert res.returncode == 0, res.stdout + res.stderr
    res = scrapy("stats")
    assert res.returncode == 0 and "正常运行的政府网站3家" in res.stdout


def test_hosts_are_imported_tracked_and_read_back(db_url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The optional `hosts` field (其他域名): stored, read back for the crawl scope, a change is history."""
    header = [*HEADER, "其他域名"]
    rows = [[*ROWS_V1[0], "xxgk.sf.gov.cn; zwfw.sf.gov.cn:8080"], [*ROWS_V1[1], ""]]
    code, out = run_command(Command, ["import", str(write_csv(tmp_path / "r1.csv", rows, header)),
                                      "--as-of", "2026-01-10"], db_url, capsys)
    assert code == 0, out
    with Session(get_engine(db_url)) as s:
        reg = load_stored_registry(s).by_id()
    assert reg["2300000001"].hosts == ["xxgk.sf.gov.cn", "zwfw.sf.gov.cn:8080"] and reg["2300000002"].hosts == []
    rows[0][-1] = "xxgk.sf.gov.cn"
    code, out = run_command(Command, ["import", str(write_csv(tmp_path / "r2.csv", rows, header)),
                                      "--as-of", "2026-01-11"], db_url, capsys)
    assert code == 0 and "1 changed" in out and "hosts 'xxgk.sf.gov.cn; zwfw.sf.gov.cn:8080' -> 'xxgk.sf.gov.cn'" in out
    assert [e[1:4] for e in _events(db_url, "2300000001")][-1] == (
        "hosts", "xxgk.sf.gov.cn; zwfw.sf.gov.cn:8080", "xxgk.sf.gov.cn")
    assert not [e for e in _events(db_url, "2300000002") if e[1] == "hosts"]  # [] stays [], no event


def test_alias_bomb_registry_is_refused_in_one_line(db_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nsites: [*c]\n", encoding="utf-8")
    code, out = run_command(Command, ["import", str(bomb)], db_url, capsys)
    assert code == 1 and "refused: YAML aliases are not accepted (*a at line 2)" in out
    assert "Traceback" not in out and "Nothing was imported." in out
    assert _sites(db_url) == {}
