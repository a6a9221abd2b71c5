"""The demo province's 「我为政府网站找错」 export: the messages the national platform forwarded in the quarter
before the as-of quarter, as its CSV export writes them (Chinese headers, dates with times). Deterministic:
dates are offsets inside that quarter. Planted answers (see `planted`): every running site gets messages;
LATE_SITE answered LATE of them after 3 working days; OPEN_SITE left one unfinished."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govaudit import asof as asof_rules
from govaudit.demo.csvfile import write_csv
from govaudit.demo.province import Province

HEADER = ["留言编号", "网站标识码", "网站名称", "留言时间", "答复时间", "办结时间", "办理状态"]
PER_SITE = 2
LATE_SITE = "2302000007"  # 北山市文化广电和旅游局 (also the site without a 找错 entry)
LATE = 2
OPEN_SITE = "2304000014"  # 东湖市住房和城乡建设局


def _workday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def export_rows(province: Province) -> list[list[str]]:
    year, q = asof_rules.previous_quarter(*asof_rules.quarter_of(province.asof))
    first, _ = asof_rules.quarter_bounds(year, q)
    rows: list[list[str]] = []
    running = [s for s in province.sites if s.status == "running"]
    for i, site in enumerate(running):
        for j in range(PER_SITE):
            received = _workday(first + dt.timedelta(days=(5 * i + 3 * j + 2) % 80))
            late = site.site_id == LATE_SITE and j < LATE
            replied = asof_rules.add_workdays(received, 6 if late else 1)
            unfinished = site.site_id == OPEN_SITE and j == 0
            finished = "" if unfinished else f"{replied + dt.timedelta(days=1)} 16:00"
            rows.append([f"ZC{year}{q}{i:03d}{j}", site.site_id, site.name, f"{received} 09:12",
                         f"{replied} 10:30", finished, "办理中" if unfinished else "已办结"])
    return rows


def write_export(province: Province, path: Path) -> Path:
    return write_csv(path, HEADER, export_rows(province))


def planted(province: Province) -> dict[str, int]:
    """The figures the notice should state for this export."""
    running = [s for s in province.sites if s.status == "running"]
    received = PER_SITE * len(running)
    return {"received": received, "handled": received - 1, "overdue": LATE}
