"""One end-to-end audit of the demo province in a subprocess: the verdicts, stale columns and blank columns
that the generator planted must come out of crawl -> pipelines -> SQL -> report."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from govaudit.demo.province import build_province
from govaudit.store import models as m
from tests.e2e.conftest import run_scrapy

pytestmark = pytest.mark.slow
ASOF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("demo-audit")
    db_url = f"sqlite:///{tmp / 'govaudit.sqlite'}"
    proc = run_scrapy(["crawl", "audit", "-a", "registry=demo", "-a", f"asof={ASOF}"], db_url, tmp / "reports")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    found = re.search(r"report bundle: (\S+index\.html)", out)
    assert found, out[-4000:]
    bundle = Path(found.group(1)).parent
    return {"db_url": db_url, "bundle": bundle, "log": out,
            "results": json.loads((bundle / "results.json").read_text(encoding="utf-8")),
            "expected": build_province(ASOF).expected()}


def _site(audit: dict[str, Any], site_id: str) -> dict[str, Any]:
    for s in audit["results"]["sites"]:
        if s["site_id"] == site_id:
            return s
    raise AssertionError(f"site {site_id} missing from results.json")


def test_run_metadata(audit: dict[str, Any]) -> None:
    run = audit["results"]["run"]
    assert run["asof"] == ASOF.isoformat() and run["rubric"] == "inspection-2019" and run["finished"]
    summary = audit["results"]["summary"]
    verdicts = [s["verdict"] for s in audit["results"]["sites"]]
    assert summary["qualified"] == verdicts.count("qualified")
    assert summary["unqualified"] == verdicts.count("unqualified")
    assert "Traceback" not in audit["log"]


def test_verdicts_match_planted_defects(audit: dict[str, Any]) -> None:
    expected = audit["expected"]
    audited = {s["site_id"] for s in audit["results"]["sites"]}
    for site_id, exp in expected.items():
        if exp.get("status", "running") != "running":
            assert site_id not in audited, f"offline site {site_id} was audited"
            continue
        got = _site(audit, site_id)
        assert got["verdict"] == exp["verdict_2019"], (site_id, got["verdict"], got["vetoes"], exp)
        for veto in exp.get("vetoes_2019", []):  # the rubric may split an indicator (C19-V4 -> C19-V4a/b/c)
            assert any(v == veto or v.startswith(veto) for v in got["vetoes"]), (site_id, veto, got["vetoes"])
        if exp["verdict_2019"] == "qualified":
            assert got["vetoes"] == [], (site_id, got["vetoes"])


def test_blank_and_stale_columns(audit: dict[str, Any]) -> None:
    for site_id, exp in audit["expected"].items():
        if exp.get("verdict_2019") == "unaudited" or exp.get("status", "running") != "running":
            continue
        columns = {c["name"]: c for c in _site(audit, site_id)["columns"]}
        for name in exp.get("blank_columns", []):
            assert name in columns and columns[name]["blank"], (site_id, name, columns.get(name))
        for name in exp.get("blank_note_columns", []):
            assert name in columns and not columns[name]["blank"], (site_id, name)
        for name in exp.get("stale_columns", []):
            assert name in columns and columns[name]["stale"], (site_id, name, columns.get(name))
        for name in exp.get("js_columns", []):
            assert name in columns and columns[name]["entries"] > 0, (site_id, name, columns.get(name))


def test_404_column_and_unreachable_sites_are_recorded(audit: dict[str, Any]) -> None:
    engine = create_engine(audit["db_url"])
    with engine.connect() as c:
        for site_id, exp in audit["expected"].items():
            for name in exp.get("http404_columns", []):
                row = c.execute(select(m.Column.http_status, m.Column.error)
                                .where(m.Column.site_id == site_id, m.Column.name == name)).one()
                assert row.http_status == 404 and "404" in row.error
        states = dict(c.execute(select(m.RunSite.site_id, m.RunSite.crawl_state)).all())
        reasons = dict(c.execute(select(m.Score.site_id, m.Score.reason)).all())
        for site_id, exp in audit["expected"].items():
            if exp.get("verdict_2019") == "unaudited" and exp.get("status", "running") == "running":
                assert states[site_id] in {"unreachable", "blocked"}, (site_id, states[site_id])
                assert reasons[site_id], site_id  # the report says why it could not be checked
        # every article stored once
        dupes = c.execute(select(func.count()).select_from(
            select(m.Article.column_url, m.Article.url).group_by(m.Article.column_url, m.Article.url, m.Article.site_id)
            .having(func.count() > 1).subquery())).scalar()
        assert dupes == 0
