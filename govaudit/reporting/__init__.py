"""Report bundle: SQL -> plain data (context) -> HTML/JSON/CSV/XLSX/DOCX (render, exports)."""

from govaudit.reporting.context import RunNotFound, build_report
from govaudit.reporting.render import BundleIncomplete, render_bundle

__all__ = ["BundleIncomplete", "RunNotFound", "build_report", "render_bundle"]
