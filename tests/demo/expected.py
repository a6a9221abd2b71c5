"""The answer key of the demo province (tests only), derived from the generated entries (not from a list of
hoped-for results): which columns are stale or blank, whether the home page is stale, which vetoes of
the 2019 inspection indicators apply and the resulting verdict.

Windows follow the rubric: 动态要闻 2 weeks; 通知公告/政策文件/政策解读 6 months; 人事/规划计划 1 year;
"key" stale columns (veto C19-V4 item 1) are 动态要闻 columns and first-level 通知公告/政策文件 columns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from govaudit.demo.content import GUIDE_ELEMENTS
from govaudit.demo.markup.pages import HOME_BLOCK_SIZE, YEARLESS_MAX_AGE
from govaudit.demo.model import Column, DemoSite
from govaudit.demo.province import Province

# category -> window in months (news: days)
WINDOW_MONTHS = {"notice": 6, "policy": 6, "interpretation": 6, "personnel": 12, "planning": 12}
NEWS_DAYS = 14
HOME_DAYS = 14
KEY_ANY_LEVEL = ("news",)
KEY_FIRST_LEVEL = ("notice", "policy")
STALE_KEY_VETO = 5
STALE_ANY_VETO = 10
BLANK_VETO = 5
UNANSWERED_DAYS = 90  # "超过3个月未回应"
GUIDE_MISSING_MIN = 4
BAD_GUIDES_VETO = 5
FORM_SAMPLE = 2  # C19-D15: 「随机抽查2个办事指南」
COUNTY_AND_ABOVE = ("国家级", "省级", "市级", "县级")
OWN_LEVEL = ("policy", "interpretation")  # C19-D5/D6 judge 一级栏目; their sub-columns fall to C19-D9


def months_before(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


def window_start(category: str, asof: dt.date) -> dt.date | None:
    """First day inside the category's update window, or None for categories without one."""
    if category == "news":
        return asof - dt.timedelta(days=NEWS_DAYS)
    months = WINDOW_MONTHS.get(category)
    return months_before(asof, months) if months else None


def is_blank(col: Column) -> bool:
    return col.spec.status == 200 and col.spec.blank in ("empty", "placeholder")


def is_stale(col: Column, asof: dt.date) -> bool:
    start = window_start(col.category, asof)
    if start is None or col.spec.status != 200 or col.spec.blank or col.spec.kind == "page":
        return False
    latest = col.latest
    return latest is None or latest < start


def home_entries(site: DemoSite, asof: dt.date) -> list[dict[str, Any]]:
    """The dated entries of the home page's blocks (the same selection the home page renders)."""
    out = []
    for top in site.columns:
        for col in top.walk():
            if not col.spec.on_home or col.spec.status != 200:
                continue
            entries = col.all_entries()
            if site.spec.home_dates in ("mmdd", "short"):
                entries = [e for e in entries if (asof - e.date).days <= YEARLESS_MAX_AGE]
            out += [{"column": col.name, "title": e.title, "date": e.date.isoformat()}
                    for e in entries[:HOME_BLOCK_SIZE]]
    return out


def _column_record(col: Column, asof: dt.date) -> dict[str, Any]:
    latest = col.latest
    return {
        "name": col.name, "path": col.path, "depth": col.depth, "category": col.category, "kind": col.spec.kind,
        "parent": col.parent.name if col.parent else None, "entries": len(col.all_entries()),
        "latest": latest.isoformat() if latest else None, "http_status": col.spec.status,
        "blank": is_blank(col), "blank_note": col.spec.blank == "note", "stale": is_stale(col, asof),
        "js": col.spec.js, "on_home": col.spec.on_home,
    }


def _top(col: Column) -> Column:
    while col.parent is not None:
        col = col.parent
    return col


def site_answer(site: DemoSite, asof: dt.date) -> dict[str, Any]:
    spec = site.spec
    cols = list(site.all_columns())
    stale = [c for c in cols if is_stale(c, asof)]
    key_stale = [c for c in stale if c.category in KEY_ANY_LEVEL or
                 (c.category in KEY_FIRST_LEVEL and c.depth == 1)]
    blank = [c for c in cols if is_blank(c)]
    home = home_entries(site, asof)
    home_2w = [h for h in home if (asof - dt.date.fromisoformat(h["date"])).days <= HOME_DAYS]
    year_ago = asof - dt.timedelta(days=365)
    # 「政务咨询类栏目（在线访谈、调查征集、网上信访、纪检举报类栏目除外）」: letters of other columns never count
    letters_cols = [c for c in cols if c.spec.kind == "letters" and c.spec.status == 200
                    and c.category == "consultation"]
    unanswered = [
        {"title": e.title, "submitted": e.date.isoformat(), "path": e.path}
        for c in letters_cols for e in c.entries
        if e.date >= year_ago and e.extra.get("replied") is None and (asof - e.date).days > UNANSWERED_DAYS
    ]
    guides = [e for c in cols if c.spec.kind == "guides" for e in c.entries]
    bad_guides = [
        {"title": e.title, "path": e.path, "missing": list(e.extra.get("missing", ()))}
        for e in guides if len(e.extra.get("missing", ())) >= GUIDE_MISSING_MIN
    ]
    if spec.status != "running":
        crawl_state = "offline"
    else:
        crawl_state = {"refuse": "unreachable", "blocked": "blocked"}.get(spec.behaviour, "ok")

    vetoes: list[str] = []
    if crawl_state in ("unreachable", "blocked") and spec.monitoring == "down":
        vetoes.append("C19-V2")  # a week of probes, every one failing (govaudit.demo.monitoring)
    if crawl_state == "ok":
        if not home_2w:
            vetoes.append("C19-V3")
        if len(key_stale) >= STALE_KEY_VETO or len(stale) >= STALE_ANY_VETO or len(blank) >= BLANK_VETO:
            vetoes.append("C19-V4")
        if unanswered or not letters_cols:
            vetoes.append("C19-V5")
        if spec.has_services and (len(bad_guides) >= BAD_GUIDES_VETO or not guides):
            vetoes.append("C19-V6")
    verdict = ("unqualified" if vetoes else "qualified") if crawl_state == "ok" or vetoes else "unaudited"
    # C19-D9 for a stale sub-column of a C19-D5/D6 category below a 一级栏目 that is not stale itself
    d9_subcolumns = [c.name for c in stale if c.category in OWN_LEVEL and c.depth > 1
                     and not (_top(c).category in OWN_LEVEL and is_stale(_top(c), asof))]
    return {
        "site_id": spec.site_id, "name": spec.name, "organizer": spec.organizer, "region": spec.region,
        "level": spec.level, "kind": spec.kind, "status": spec.status, "behaviour": spec.behaviour,
        "crawl_state": crawl_state, "encoding": spec.encoding, "family": spec.family,
        "has_services": spec.has_services, "note": spec.note,
        "verdict_2019": verdict, "vetoes_2019": vetoes,
        "stale_columns": [c.name for c in stale], "stale_key_columns": [c.name for c in key_stale],
        "blank_columns": [c.name for c in blank],
        "blank_note_columns": [c.name for c in cols if c.spec.blank == "note"],
        "http404_columns": [c.name for c in cols if c.spec.status == 404],
        "js_columns": [c.name for c in cols if c.spec.js],
        "no_charset_pages": [c.path for c in cols if c.spec.no_charset],
        "missing_zhaocuo": not spec.zhaocuo, "state_council_on_home": any(
            c.category == "state_council" and c.spec.on_home for c in cols),
        "home_stale": not home_2w, "home_entries": len(home), "home_entries_2w": len(home_2w),
        "home_latest": max((h["date"] for h in home), default=None),
        "unanswered_letters": unanswered, "bad_guides": bad_guides, "guides": len(guides),
        "monitoring": spec.monitoring,
        "bonus_applies": spec.kind == "portal",   # 「加分指标…适用于政府门户网站」
        "state_council_required": spec.kind == "portal" and spec.level in COUNTY_AND_ABOVE,
        "form_findings": min(FORM_SAMPLE, len(guides)) if spec.forms != "ok" else 0,
        "broken_form_links": sorted(e.extra["form"] for e in guides if e.extra.get("form_broken")),
        "d9_subcolumns": d9_subcolumns,
        "guide_elements": list(GUIDE_ELEMENTS),
        "columns": [_column_record(c, asof) for c in cols] if crawl_state == "ok" else [],
    }


def expected_answers(province: Province) -> dict[str, dict[str, Any]]:
    """site id -> the planted answers of that site (verdict, vetoes, stale / blank columns...)."""
    return {s.site_id: site_answer(s, province.asof) for s in province.sites}
