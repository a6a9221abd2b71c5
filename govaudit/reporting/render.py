"""Rendering the report bundle: Jinja templates from reports/ over the data of `context.build_report`.

Every output (each page, each site page, each export, the Word notice) is written on its own: one that fails
is logged by name and left out, the others are written, and `render_bundle` then raises `BundleIncomplete`
naming the missing outputs (the bundle itself is in place)."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from govaudit.archive.bundle import ArchivedView, archived_views, write_archived_copies
from govaudit.reporting.archived import attach_archived_copies
from govaudit.reporting.chart import trend_chart
from govaudit.reporting.context import build_report
from govaudit.reporting.exports import EXPORT_FILES, export_writers
from govaudit.reporting.labels import VERDICT_LABELS
from govaudit.reporting.notice_docx import write_notice_docx
from govaudit.reporting.rectification import STATUS_LABELS
from govaudit.reporting.safety import bundle_dir_name, safe_href
from govaudit.reporting.views import Report, SiteView
from govaudit.reporting.wording import Wording, load_wording
from govaudit.scoring.model import Rubric
from govaudit.scoring.rubric import RubricError
from govaudit.store.runs import rubric_of_run

logger = logging.getLogger(__name__)


class BundleIncomplete(RuntimeError):
    """Some outputs of a bundle failed; the bundle at `path` holds every other output."""

    def __init__(self, path: Path, failed: dict[str, str]) -> None:
        self.path = path
        self.failed = dict(failed)
        details = "; ".join(f"{name} ({error})" for name, error in self.failed.items())
        super().__init__(f"report bundle {path}: {len(self.failed)} output(s) not written: {details}")

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 25 -> 二十五 (enough for numbered notice sections)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日"


def cn_date_range(start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None) -> str:
    """2017年12月10日至12月14日 (the year, and the month, are not repeated)."""
    if start is None:
        return cn_date(end)
    if end is None or (end.year, end.month, end.day) == (start.year, start.month, start.day):
        return cn_date(start)
    if end.year != start.year:
        tail = cn_date(end)
    elif end.month != start.month:
        tail = f"{end.month}月{end.day}日"
    else:
        tail = f"{end.day}日"
    return f"{cn_date(start)}至{tail}"


def fmt_rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def fmt_num(value: float | int | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_share(value: float | None) -> str:
    if value is None:
        return "—"
    pct = value * 100 if value <= 1 else value
    return f"{pct:.0f}%" if float(pct).is_integer() else f"{pct:.1f}%"


def fmt_rate_short(value: Decimal | None) -> str:
    """97.6 -> 97.6, 100.0 -> 100 (the notices print whole rates without a decimal)."""
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def site_name(name: str) -> str:
    """A site's name as the notice writes it: 「XX局」 -> 「XX局网站」."""
    return name if name.endswith(("网站", "网", "平台")) else f"{name}网站"


def quarter_label(day: dt.date) -> str:
    return f"{day.year}年第{cn_number((day.month - 1) // 3 + 1)}季度"


def make_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml", "svg", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        cn_number=cn_number,
        cn_date=cn_date,
        cn_date_range=cn_date_range,
        rate=fmt_rate,
        rate_short=fmt_rate_short,
        site_name=site_name,
        num=fmt_num,
        share=fmt_share,
        safe_href=safe_href,
        quarter=quarter_label,
    )
    env.globals.update(verdict_labels=VERDICT_LABELS, status_labels=STATUS_LABELS)
    return env


def resolve_assets(templates_dir: Path) -> tuple[Path, Path]:
    """(templates folder, static folder) from either reports/ or reports/templates/."""
    templates_dir = Path(templates_dir)
    if (templates_dir / "templates").is_dir():
        return templates_dir / "templates", templates_dir / "static"
    return templates_dir, templates_dir.parent / "static"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_bundle(report: Report, bundle: Path, templates_dir: Path, evidence_dir: Path | str | None = None,
                 attach: Callable[[], None] | None = None) -> dict[str, str]:
    """Render every output of the bundle into `bundle` (an empty folder), each on its own. Returns the
    outputs that failed, {name: error}; each failure is logged with its traceback. `attach` adds the
    screenshots to the archived copies of `report`'s sites (None: they are there already); it is called once
    every output that does not link them is written, before the evidence copies and the site pages."""
    tpl_dir, static_dir = resolve_assets(templates_dir)
    failed: dict[str, str] = {}

    def attempt(name: str, write: Callable[..., object], *args: object) -> bool:
        try:
            write(*args)
        except Exception as exc:
            logger.exception("report output %s of run %s failed", name, report.run.id)
            failed[name] = f"{type(exc).__name__}: {exc}"
            return False
        return True

    wording: Wording | None = None
    try:
        wording = load_wording(tpl_dir)
    except Exception as exc:  # every output that needs it fails below, named
        logger.error("report of run %s: %s", report.run.id, exc)
        failed["wording.yaml"] = f"{type(exc).__name__}: {exc}"
    env = make_environment(tpl_dir)
    env.globals["wording"] = wording
    common = {
        "report": report,
        "run": report.run,
        "summary": report.summary,
        "chart": trend_chart(report.trend),
        "has_rectification": bool(report.rectified),
    }
    pages = ["index.html", "notice.html", "attachment1.html", "attachment2.html", "monitoring.html"]
    if report.rectified:
        pages.append("rectification.html")
    rendered: dict[str, str] = {}

    def page(name: str) -> None:
        rendered[name] = env.get_template(name).render(root="", page=name, **common)
        _write(bundle / name, rendered[name])

    def site_page(site: SiteView) -> None:
        _write(bundle / site.file, env.get_template("site.html").render(root="../", page=site.file, site=site, **common))

    for name in pages:
        attempt(name, page, name)
    attempt("static", _copy_static, static_dir, bundle / "static")
    if wording is None:
        failed.update(dict.fromkeys((*EXPORT_FILES, "notice.docx"), "needs wording.yaml"))
    else:
        for name, writer in export_writers(report, wording).items():
            attempt(name, writer, bundle / name)
        if "notice.html" in rendered:
            attempt("notice.docx", write_notice_docx, report, rendered["notice.html"], bundle / "notice.docx", wording)
        else:
            failed["notice.docx"] = "notice.html was not rendered"
    # the bundle's own copies of the screenshots and archived pages, then the site pages that link them; the
    # archived pages are read before the screenshots are attached (the crawl's last ones may be being taken)
    evidence = _evidence_dir(evidence_dir)
    views: dict[tuple[str, str], ArchivedView] = {}
    attempt("evidence", lambda: views.update(archived_views(report.sites, evidence)))
    if attach is None or attempt("evidence", attach):
        attempt("evidence", write_archived_copies, report.sites, bundle, evidence, env, views)
    for site in report.sites:
        attempt(site.file, site_page, site)
    return failed


def _copy_static(static_dir: Path, dest: Path) -> None:
    dest.mkdir(exist_ok=True)
    if static_dir.is_dir():
        for item in static_dir.iterdir():
            if item.is_file():
                shutil.copy2(item, dest / item.name)


def _evidence_dir(evidence_dir: Path | str | None) -> Path:
    if evidence_dir is None:
        from govaudit import settings

        evidence_dir = settings.GOVAUDIT_EVIDENCE_DIR
    return Path(evidence_dir)


def _run_rubric(session: Session, run_id: str, rubrics_dir: Path | str | None) -> Rubric | None:
    """The rubric the run was scored with (its stored snapshot), or None: the report then shows the verdict
    reasons stored with the scores."""
    if rubrics_dir is None:
        from govaudit import settings

        rubrics_dir = settings.GOVAUDIT_RUBRICS_DIR
    try:
        return rubric_of_run(session, run_id, rubrics_dir)
    except (LookupError, RubricError) as exc:
        logger.warning("report of run %s: rubric not available (%s); stored verdict reasons are shown", run_id, exc)
        return None


def _report(session: Session, run_id: str, rubrics_dir: Path | str | None,
            region: str | None = None) -> tuple[Report, Callable[[Session], None]]:
    """The report, its archived copies attached without their screenshots, and what adds the screenshots."""
    report = build_report(session, run_id, rubric=_run_rubric(session, run_id, rubrics_dir), region=region,
                          copies=False)
    return report, attach_archived_copies(session, report.run, report.sites, screenshots=False)


def _screenshot_adder(session_or_engine: Session | Engine, add: Callable[[Session], None],
                      copies_ready: Callable[[], None] | None) -> Callable[[], None]:
    def attach() -> None:
        if copies_ready is not None:
            copies_ready()
        if isinstance(session_or_engine, Session):
            add(session_or_engine)
            return
        with Session(session_or_engine) as session:
            add(session)

    return attach


def render_bundle(session_or_engine: Session | Engine, run_id: str, out_dir: Path, templates_dir: Path, *,
                  rubrics_dir: Path | str | None = None, region: str | None = None,
                  evidence_dir: Path | str | None = None, copies_ready: Callable[[], None] | None = None) -> Path:
    """Render run `run_id` from SQL into out_dir/<run_id>/ and return that folder; with `region`, the region's
    own bundle (its sites only) into out_dir/<run_id>/regions/<region>/.

    `copies_ready` is called (it may block) before the run's screenshots are read: the crawl's own report
    renders in a thread while the last screenshots are taken, and waits there for them.

    The bundle is written to a temporary sibling folder and swapped in at the end, so a crash never leaves a
    half-written bundle in place of a good one. Outputs that failed are missing from it: they are logged,
    and `BundleIncomplete` (with the bundle's path) is raised after the swap."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(session_or_engine, Session):
        report, add_screenshots = _report(session_or_engine, run_id, rubrics_dir, region)
    else:
        with Session(session_or_engine) as session:
            report, add_screenshots = _report(session, run_id, rubrics_dir, region)
    final = out_dir / bundle_dir_name(run_id)
    if region is not None:
        out_dir = final / "regions"
        out_dir.mkdir(parents=True, exist_ok=True)
        final = out_dir / bundle_dir_name(region)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=out_dir))
    tmp.chmod(0o755)  # mkdtemp makes it private; a bundle is meant to be published
    try:
        failed = write_bundle(report, tmp, templates_dir, evidence_dir,
                              attach=_screenshot_adder(session_or_engine, add_screenshots, copies_ready))
        if final.exists():
            old = out_dir / f".{final.name}.old"
            if old.exists():
                shutil.rmtree(old)
            final.rename(old)
            tmp.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if failed:
        raise BundleIncomplete(final, failed)
    return final
