"""Report bundle: SQL -> plain data (context) -> HTML/JSON/CSV/XLSX/DOCX (render, exports).

The names below load their modules on first use (PEP 562), so that importing a light submodule such as
govaudit.reporting.stats (every crawl's summary does) does not load the renderers and their libraries."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {"RunNotFound": "context", "build_report": "context", "BundleIncomplete": "render", "render_bundle": "render"}

__all__ = ["BundleIncomplete", "RunNotFound", "build_report", "render_bundle"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"govaudit.reporting.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
