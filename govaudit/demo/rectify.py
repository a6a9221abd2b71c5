"""The demo province after its rectification deadline (整改): what each problem site did about the problems of
the first audit, for a recheck (`python -m govaudit.demo audit --rectified -- -a recheck=RUN`).

``after_deadline(audited, recheck)`` is the province of the audit as of ``audited``, served on the later date
``recheck``: the same pages at the same URLs (their entries a few days older), except the sites listed in
RECTIFICATIONS, changed as described (``rectified_specs``) — every other site kept its problems. Plus the file
of written rectification reports (整改情况书面报告) the office received by ``recheck`` (``write_reports``; a
recheck reads it with ``-a reported=FILE``). The answer key (tests) reads RECTIFICATIONS: which sites fixed every problem,
which found a new one, which reported and when."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from govaudit.demo.csvfile import write_csv
from govaudit.demo.model import ColumnSpec, SiteSpec

if TYPE_CHECKING:
    from govaudit.demo.province import Province

REPORT_HEADER = ["网站标识码", "网站名称", "报送日期"]


def _overview(spec: SiteSpec) -> None:
    """An overview column (概况信息) where the department had none."""
    spec.columns.append(ColumnSpec("单位概况", "dwgk", "overview", kind="page"))


def _column(spec: SiteSpec, name: str) -> ColumnSpec:
    stack = list(spec.columns)
    while stack:
        col = stack.pop()
        if col.name == name:
            return col
        stack.extend(col.children)
    raise KeyError(name)


def _updated_again(spec: SiteSpec) -> None:
    spec.shift_days = 0
    _overview(spec)


def _blank_filled(spec: SiteSpec) -> None:
    for col in spec.columns:
        if col.blank in ("empty", "placeholder"):
            col.blank = ""
    _overview(spec)


def _letter_answered_notices_stale(spec: SiteSpec) -> None:
    spec.unanswered_letters = 0
    _overview(spec)
    _column(spec, "通知公告").newest_age = 200  # a new problem: 通知公告 not updated for more than 6 months


def _column_restored(spec: SiteSpec) -> None:
    _column(spec, "专题专栏").status = 200


def _guides_completed(spec: SiteSpec) -> None:
    spec.bad_guides = 0  # the guides are complete again; the missing overview column is not added


def _nothing(spec: SiteSpec) -> None:
    return


@dataclass(frozen=True)
class Rectification:
    change: Callable[[SiteSpec], None]
    fixed: bool  # every problem of the first audit is gone
    new: bool = False  # a problem the first audit did not find
    reported: int | None = None  # its written report came in this many days before the recheck's as-of date
    note: str = ""


RECTIFICATIONS: dict[str, Rectification] = {
    "2302000004": Rectification(_updated_again, True, reported=5,
                                note="home page and columns updated again, overview column added"),
    "2303000005": Rectification(_blank_filled, True, reported=4, note="blank columns filled, overview added"),
    "2304000014": Rectification(_letter_answered_notices_stale, True, new=True, reported=6,
                                note="letter answered and overview added; but 通知公告 not updated since (new)"),
    "2301000009": Rectification(_column_restored, True, note="the 404 column restored; sent no report"),
    "2302000007": Rectification(_nothing, False, reported=4, note="reported its rectification, changed nothing"),
    "2303000013": Rectification(_guides_completed, False, reported=1,
                                note="guides completed but no overview column; its report came late"),
    "2304000006": Rectification(_nothing, False, note="changed nothing, sent no report"),
}


def rectified_specs(specs: list[SiteSpec]) -> list[SiteSpec]:
    """The specs after the deadline: copies, the sites of RECTIFICATIONS changed."""
    out = []
    for spec in specs:
        fix = RECTIFICATIONS.get(spec.site_id)
        if fix is not None:
            spec = copy.deepcopy(spec)
            fix.change(spec)
            spec.note = f"rectified: {fix.note}"
        out.append(spec)
    return out


def after_deadline(audited: dt.date, recheck: dt.date, seed: int = 2017) -> Province:
    """The province of the audit as of ``audited`` as it is served on ``recheck`` (its as-of date and the
    servers' Date header), with the rectifications made."""
    from govaudit.demo.province import build_province

    if recheck <= audited:
        raise ValueError(f"the recheck ({recheck}) must come after the audit ({audited})")
    province = build_province(audited, seed, rectified=True)
    province.asof = recheck
    return province


def report_rows(province: Province) -> list[list[str]]:
    """The written rectification reports received by the province's as-of date (its recheck's)."""
    rows = []
    for site in province.sites:
        fix = RECTIFICATIONS.get(site.site_id)
        if fix is not None and fix.reported is not None:
            day = province.asof - dt.timedelta(days=fix.reported)
            rows.append([site.site_id, site.name, day.isoformat()])
    return rows


def write_reports(province: Province, path: Path) -> Path:
    return write_csv(path, REPORT_HEADER, report_rows(province))
