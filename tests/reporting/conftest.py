"""Fixtures of the reporting tests: realistic runs in a real SQLite file, rendered once per module."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from govaudit.reporting import render_bundle

from .factory import HLJ_TOTALS, add_probes, add_run, make_engine, spotcheck_sites

TEMPLATES = Path(__file__).resolve().parents[2] / "reports"
ASOF = dt.date(2017, 12, 15)
PREV_ASOF = dt.date(2017, 9, 15)


@pytest.fixture(scope="module")
def spotcheck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path]:
    """The seed notice's numbers: 170 sampled, 166 qualified; previous quarter 150 of 155 (96.8%)."""
    base = tmp_path_factory.mktemp("spotcheck")
    engine = make_engine(base / "govaudit.sqlite")
    add_run(engine, "2017q3", PREV_ASOF, spotcheck_sites(155, 5, PREV_ASOF, seed=3), totals=HLJ_TOTALS)
    add_run(engine, "2017q4", ASOF, spotcheck_sites(170, 4, ASOF, seed=7), totals=HLJ_TOTALS)
    sites = spotcheck_sites(3, 0, ASOF, seed=7)
    for i, site in enumerate(sites):
        add_probes(engine, site.site_id, site.url, dt.datetime(2017, 11, 20), days=20, per_day=24, fail_every=10 if i == 0 else 0)
    bundle = render_bundle(engine, "2017q4", base / "reports", TEMPLATES)
    return engine, bundle


@pytest.fixture
def templates() -> Path:
    return TEMPLATES
