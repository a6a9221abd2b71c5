"""Runs scripts/accuracy.py over ../shared/realpages (when present) and holds it to the target."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
REALPAGES = ROOT.parent / "shared" / "realpages"


def _accuracy_module():  # scripts/ is not a package
    spec = importlib.util.spec_from_file_location("accuracy_script", ROOT / "scripts" / "accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (REALPAGES / "truth.json").is_file(), reason="no ../shared/realpages")
def test_real_pages_meet_the_target() -> None:
    out = io.StringIO()
    figures = _accuracy_module().run(REALPAGES, repeat=1, out=out)
    report = out.getvalue()
    assert figures["list_total"] >= 7, report
    assert figures["failures"] == [], report  # every list page exact on count + newest; no wrong newest anywhere
    assert "SUMMARY" in report.splitlines()[-1]


def test_script_exit_status_on_missing_folder(tmp_path: Path) -> None:
    assert _accuracy_module().main(["--realpages", str(tmp_path)]) == 2
