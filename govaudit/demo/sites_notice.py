"""Demo sites for the notice's observations: an over-fine column structure (栏目设置过细) — a department with
its usual columns plus three hubs of ten narrow sub-columns each, every one holding two old entries. No
column of a windowed rubric category is stale, so the site is still qualified: the observation is named
in the notice, never scored.

The cities' own spot checks (接受监督): of the province's two city/county portals, PUBLISHING_PORTAL links its
latest 抽查情况通报 from its home page (a 通知公告 entry of a few days ago, about the quarter before), and
SILENT_PORTAL links only an old one (more than two quarters ago: not current)."""

from __future__ import annotations

from govaudit.demo.model import ColumnSpec as C
from govaudit.demo.model import SiteSpec

FINE_SITE = "2302000020"
FINE_TOPICS = {  # hub -> (slug, sub-columns): names that classify to no windowed category
    "煤矿安全": ("mkaq", ["煤矿安全监察", "煤矿隐患排查", "煤矿安全培训", "煤矿事故查处", "煤矿标准化",
                      "煤矿复工验收", "煤矿通风管理", "煤矿瓦斯治理", "煤矿机电管理", "煤矿应急救援"]),
    "非煤矿山": ("fmks", ["非煤矿山监察", "非煤尾矿库", "非煤露天矿", "非煤地下矿", "非煤爆破作业",
                      "非煤安全培训", "非煤隐患排查", "非煤复工验收", "非煤标准化", "非煤应急救援"]),
    "危险化学品": ("whp", ["危化品经营", "危化品储存", "危化品运输", "危化品生产", "危化品使用",
                       "危化品登记", "危化品培训", "危化品隐患", "危化品应急", "危化品许可"]),
}


PUBLISHING_PORTAL = "2301000009"  # 江城市人民政府
SILENT_PORTAL = "2301000015"  # 江城市江北区人民政府
CHECK_RESULTS = {  # site id -> (column, age in days, title) planted on its home page
    PUBLISHING_PORTAL: ("通知公告", 5, "关于{year}年第{quarter}季度全市政府网站抽查情况的通报"),
    SILENT_PORTAL: ("通知公告", 230, "关于{year}年第{quarter}季度全区政府网站抽查情况的通报"),
}


def plant_check_results(specs: list[SiteSpec]) -> None:
    """Plant the city portals' spot-check results (CHECK_RESULTS) in their home-page columns."""
    for spec in specs:
        if spec.site_id in CHECK_RESULTS:
            column, age, title = CHECK_RESULTS[spec.site_id]
            next(c for c in spec.columns if c.name == column).planted.append((age, title))


def notice_specs(dept_columns) -> list[SiteSpec]:
    """`dept_columns`: sites.py's usual department column set (passed in to keep one definition)."""
    hubs = [
        C(hub, slug, "other", kind="hub", children=[
            C(name, f"{slug}/{i:02d}", "other", count=2, newest_age=420 + 9 * i) for i, name in enumerate(names)
        ])
        for hub, (slug, names) in FINE_TOPICS.items()
    ]
    return [
        SiteSpec(
            FINE_SITE, "北山市安全生产信息网", "北山市应急管理局", "北山市", "市级", "department",
            "aj.beishan.gov.cn", family="trs", phone="0453-69110020",
            columns=dept_columns(news="安监动态", state_council=False, extra=hubs),
            note="栏目设置过细: 30 narrow sub-columns with two old entries each (an observation, not scored)",
        ),
    ]
