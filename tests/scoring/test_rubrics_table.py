"""docs/RUBRICS.md is the output of scripts/rubrics_table.py on the committed rubrics (no hand-written numbers)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("rubrics_table", ROOT / "scripts" / "rubrics_table.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_committed_table_equals_the_scripts_output():
    assert (ROOT / "docs" / "RUBRICS.md").read_text(encoding="utf-8") == _script().render()


def test_every_indicator_of_both_rubrics_is_listed():
    text = _script().render()
    for path in (ROOT / "rubrics").glob("*.yaml"):
        for ind in yaml.safe_load(path.read_text(encoding="utf-8"))["indicators"]:
            assert f"| {ind['id']} | {ind['title']} |" in text
