"""The demo province 示范省: which sites exist, how each is built, and which defects are planted.

Sites are fictional but follow the registry of the national government website information system:
10-character 网站标识码, 主办单位, region (a city 市/地, or 省直 for provincial departments), level and
kind. Each planted defect is far from its rubric boundary except where a boundary is the point
(5 stale key columns on one site, 4 on another).
"""

from __future__ import annotations

from dataclasses import replace

from govaudit.demo.model import ColumnSpec as C
from govaudit.demo.model import SiteSpec
from govaudit.demo.sites_notice import notice_specs, plant_check_results

PROVINCE = "示范省"


def _dept_columns(
    *,
    news: str = "工作动态",
    extra: list[C] | None = None,
    services: bool = True,
    state_council: bool = True,
    interview: bool = False,
    stale: dict[str, int] | None = None,
) -> list[C]:
    """The usual column set of a department site; ``stale`` maps a column name to the age in days of
    its newest entry (a planted stale column)."""
    cols = [
        C(news, "gzdt", "news", on_home=True),
        C("通知公告", "tzgg", "notice", on_home=True),
        C("政策文件", "zcwj", "policy", on_home=True),
        C("政策解读", "zcjd", "interpretation"),
        C("人事信息", "rsxx", "personnel"),
        C("规划计划", "ghjh", "planning"),
        C("机构职能", "jgzn", "functions", kind="page"),
        C("领导信息", "ldjs", "leaders", kind="page"),
    ]
    if services:
        cols.append(C("办事指南", "bszn", "guide", kind="guides"))
    cols.append(C("领导信箱", "ldxx", "consultation", kind="letters"))
    cols.append(C("调查征集", "dczj", "survey"))
    if interview:
        cols.append(C("在线访谈", "zxft", "interview"))
    if state_council:
        cols.append(C("国务院信息", "gwyxx", "state_council", on_home=True))
    cols.extend(extra or [])
    for col in cols:
        if stale and col.name in stale:
            col.newest_age = stale[col.name]
    return cols


def _portal_columns(prefix: str, *, stale: dict[str, int] | None = None, broken: str = "",
                    no_charset: str = "", extra: list[C] | None = None) -> list[C]:
    """A government portal: hubs with sub-columns, interaction, services, 国务院信息."""
    cols = [
        C("政务动态", "zwdt", "news", kind="hub", children=[
            C(f"{prefix}政府要闻", "zwdt/yw", "news", on_home=True),
            C("部门动态", "zwdt/bmdt", "news", on_home=True),
            C("基层动态", "zwdt/jcdt", "news"),
        ]),
        C("通知公告", "tzgg", "notice", on_home=True),
        C("信息公开", "zwgk", "disclosure", kind="hub", children=[
            C(f"{prefix}政府文件", "zwgk/zfwj", "policy", on_home=True),
            C("办公室文件", "zwgk/bgswj", "policy"),
            C("人事任免", "zwgk/rsrm", "personnel"),
            C("规划计划", "zwgk/ghjh", "planning"),
            C("统计数据", "zwgk/tjsj", "data"),
        ]),
        C("政策解读", "zcjd", "interpretation", on_home=True),
        C("国务院信息", "gwyxx", "state_council", on_home=True),
        C(f"{prefix}概况", "gk", "overview", kind="page"),
        C("机构职能", "jgzn", "functions", kind="page"),
        C("领导信息", "ldjs", "leaders", kind="page"),
        C("办事指南", "bszn", "guide", kind="guides"),
        C("领导信箱", "ldxx", "consultation", kind="letters"),
        C("调查征集", "dczj", "survey"),
        C("在线访谈", "zxft", "interview"),
        C("专题专栏", "ztzl", "special"),
        *(extra or []),
    ]
    for col in _walk(cols):
        if stale and col.name in stale:
            col.newest_age = stale[col.name]
        if col.name == broken:
            col.status = 404
        if col.name == no_charset:
            col.no_charset = True
    return cols


def _walk(cols: list[C]):
    for c in cols:
        yield c
        yield from _walk(c.children)


def province_specs() -> list[SiteSpec]:
    sites = [
        SiteSpec(
            "2300000001", "示范省人民政府", "示范省人民政府办公厅", "省直", "省级", "portal", "www.sfs.gov.cn",
            family="trs", home_dates="mmdd", phone="0451-82620001",
            columns=_portal_columns("省", extra=[C("政策文件", "zcwjk", "policy", kind="channel", children=[
                C("省政府规章", "zcwjk/gz", "policy"), C("部门规范性文件", "zcwjk/gfxwj", "policy", newest_age=300)])]),
            note="healthy provincial portal (TRS, pagination, sub-columns); a 政策文件 一级栏目 that only leads to "
                 "its sub-columns (updated through them), one sub-column stale: C19-D9 once, no C19-D5",
        ),
        SiteSpec(
            "2300000002", "示范省发展和改革委员会", "示范省发展和改革委员会", "省直", "省级", "department",
            "fgw.sfs.gov.cn", family="hanweb", home_dates="short", phone="0451-82620002",
            columns=_dept_columns(news="发改动态", interview=True,
                                  extra=[C("意见征集", "yjzj", "survey", kind="letters", unanswered=2)]),
            note="healthy department (Hanweb datastore lists, dates also in /art/ URLs); two survey replies "
                 "older than 3 months are no unanswered consultation letters (no C19-V5)",
        ),
        SiteSpec(
            "2301000003", "江城市人力资源和社会保障局", "江城市人力资源和社会保障局", "江城市", "市级",
            "department", "rsj.jiangcheng.gov.cn", family="table", encoding="gbk", phone="0451-86330003",
            forms="missing",
            columns=_dept_columns(news="人社动态", state_council=False,
                                  extra=[C("基层动态", "jcdt", "news", on_home=True)]),
            note="healthy department, GBK-encoded table-layout pages; its guides ask for a 申请表 but offer none "
                 "(C19-D15 on the 2 guides sampled)",
        ),
        SiteSpec(
            "2302000004", "北山市卫生健康委员会", "北山市卫生健康委员会", "北山市", "市级", "department",
            "wjw.beishan.gov.cn", family="trs", shift_days=32, phone="0453-69110004",
            columns=_dept_columns(news="卫健动态", state_council=False,
                                  extra=[C("医改动态", "ygdt", "news", on_home=True)]),
            note="home page not updated for weeks (every entry >= 32 days old): veto C19-V3",
        ),
        SiteSpec(
            "2303000005", "云岭市应急管理局", "云岭市应急管理局", "云岭市", "市级", "department",
            "yjj.yunling.gov.cn", family="hanweb", home_dates="short", phone="0456-82210005",
            columns=_dept_columns(news="应急动态", extra=[
                C("应急预案", "yjya", "other", blank="empty"),
                C("风险监测", "fxjc", "other", blank="placeholder"),
                C("救灾物资", "jzwz", "other", blank="empty"),
                C("科普宣教", "kpxj", "other", blank="placeholder"),
                C("事故查处", "sgcc", "other", blank="empty"),
                C("执法检查", "zfjc", "other", blank="placeholder"),
            ]),
            note="6 blank columns (empty lists and 暂无信息 placeholders): veto C19-V4",
        ),
        SiteSpec(
            "2304000006", "信用东湖网", "东湖市发展和改革委员会", "东湖市", "市级", "department",
            "xy.donghu.gov.cn", family="trs", phone="0464-82910006", has_services=False,
            columns=[
                C("信用要闻", "xyyw", "news", on_home=True),
                C("工作动态", "gzdt", "news", newest_age=41),
                C("县区动态", "xqdt", "news", newest_age=52),
                C("行业动态", "hydt", "news", newest_age=70),
                C("通知公告", "tzgg", "notice", on_home=True, newest_age=244),
                C("公示公告", "gsgg", "notice", newest_age=262),
                C("政策法规", "zcfg", "policy", on_home=True, newest_age=301),
                C("政策解读", "zcjd", "interpretation"),
                C("双公示", "sgs", "notice", on_home=True),
                C("信用咨询", "xyzx", "consultation", kind="letters"),
                C("信用承诺征集", "xycn", "survey"),
            ],
            note="6 stale key columns (动态 > 2 weeks, 通知公告/政策 > 6 months): veto C19-V4",
        ),
        SiteSpec(
            "2302000007", "北山市文化广电和旅游局", "北山市文化广电和旅游局", "北山市", "市级", "department",
            "wglj.beishan.gov.cn", family="trs", zhaocuo=False, phone="0453-69110007",
            columns=_dept_columns(
                news="工作动态",
                extra=[C("文化动态", "whdt", "news"), C("旅游资讯", "lyzx", "news"),
                       C("文件通知", "wjtz", "notice")],
                stale={"文化动态": 30, "旅游资讯": 48, "通知公告": 205, "政策文件": 282, "文件通知": 233},
            ),
            note="no 我为政府网站找错 entry and exactly 5 stale key columns: veto C19-V4",
        ),
        SiteSpec(
            "2300000008", "示范省统计局", "示范省统计局", "省直", "省级", "department", "tjj.sfs.gov.cn",
            behaviour="refuse", columns=_dept_columns(news="统计动态"), monitoring="down",
            note="refuses connections, and the week's monitoring log shows every probe failing: veto C19-V2",
        ),
        SiteSpec(
            "2301000009", "江城市人民政府", "江城市人民政府办公室", "江城市", "市级", "portal",
            "www.jiangcheng.gov.cn", family="trs", home_dates="mmdd", phone="0451-86330009",
            columns=_portal_columns("市", broken="专题专栏", no_charset="通知公告"),
            note="healthy city portal with one column answering 404 and one page without any charset",
        ),
        SiteSpec(
            "2300000010", "示范省自然资源厅", "示范省自然资源厅", "省直", "省级", "department",
            "zrzyt.sfs.gov.cn", family="jsapp", phone="0451-82620010", forms="broken",
            columns=[c if c.name not in ("工作动态", "通知公告", "政策文件") else _js(c, bundled=c.name == "通知公告")
                     for c in _dept_columns(news="工作动态")],
            note="main lists built by JavaScript from a JSON endpoint: qualified when rendered; the guides' "
                 "form links answer 404 (C19-D15 on the 2 guides sampled)",
        ),
        SiteSpec(
            "2300000011", "示范省交通运输厅", "示范省交通运输厅", "省直", "省级", "department", "jtt.sfs.gov.cn",
            family="trs", behaviour="blocked", columns=_dept_columns(news="交通动态"),
            note="answers 403 with a WAF challenge page: could not audit (not stale, not blank)",
        ),
        SiteSpec(
            "2300000012", "示范省档案局", "示范省档案局", "省直", "省级", "department", "daj.sfs.gov.cn",
            family="trs", has_services=False, phone="0451-82620012",
            columns=_dept_columns(news="档案工作动态", services=False,
                                  extra=[C("重大建设项目", "zdjsxm", "other", blank="note")]),
            note="an empty column with an explanatory note (not blank); no external services (no guides)",
        ),
        SiteSpec(
            "2303000013", "云岭市市场监督管理局", "云岭市市场监督管理局", "云岭市", "市级", "department",
            "scjgj.yunling.gov.cn", family="trs", bad_guides=6, phone="0456-82210013",
            columns=_dept_columns(news="市场监管动态", state_council=False),
            note="6 service guides each missing >= 4 element categories: veto C19-V6",
        ),
        SiteSpec(
            "2304000014", "东湖市住房和城乡建设局", "东湖市住房和城乡建设局", "东湖市", "市级", "department",
            "zjj.donghu.gov.cn", family="hanweb", home_dates="short", unanswered_letters=1,
            phone="0464-82910014", columns=_dept_columns(news="住建动态"),
            note="a published letter unanswered for more than 3 months: veto C19-V5",
        ),
        SiteSpec(
            "2301000015", "江城市江北区人民政府", "江城市江北区人民政府办公室", "江城市", "县级", "portal",
            "jbq.jiangcheng.gov.cn", family="trs", home_dates="full", phone="0451-86330015",
            columns=_portal_columns("区", extra=[C("政策法规", "zcfg", "policy")],
                                    stale={"部门动态": 26, "基层动态": 33, "通知公告": 214, "政策法规": 238}),
            note="4 stale key columns (one below the veto threshold): qualified with deductions",
        ),
        SiteSpec(
            "2304000021", "东湖市水务局", "东湖市水务局", "东湖市", "市级", "department", "swj.donghu.gov.cn",
            family="trs", unanswered_letters=1, phone="0464-82910020",
            traits=("home_hop", "frame_lists", "letters_paged"), columns=_dept_columns(news="水务动态"),
            note="reached only as a visitor reaches it: home page moves twice (meta refresh, script), lists in "
                 "iframes, letters paged 6 a page with the unanswered one on a later page: veto C19-V5",
        ),
        SiteSpec("2302000016", "北山市粮食局", "北山市粮食局", "北山市", "市级", "department", "lsj.beishan.gov.cn",
                 status="offline-permanent", note="closed in the 2018 reorganisation"),
        SiteSpec("2303000017", "云岭市旅游发展委员会", "云岭市旅游发展委员会", "云岭市", "市级", "department",
                 "lwy.yunling.gov.cn", status="offline-permanent", note="merged into 文化广电和旅游局"),
        SiteSpec("2300000018", "示范省政府采购网", "示范省财政厅", "省直", "省级", "department",
                 "ccgp.sfs.gov.cn", status="offline-temporary", note="temporarily offline (migration)"),
        SiteSpec("2304000019", "东湖市青松县人民政府", "东湖市青松县人民政府办公室", "东湖市", "县级", "portal",
                 "www.qingsong.gov.cn", status="offline-temporary", note="temporarily offline (security fix)"),
    ]
    sites.extend(notice_specs(_dept_columns))  # the notice's observations (govaudit/demo/sites_notice.py)
    plant_check_results(sites)
    return sites


def _js(col: C, *, bundled: bool = False) -> C:
    col.js = True
    col.js_bundled = bundled
    return col


# ------------------------------------------------------------------------------------------------------
# an N-site province: the running sites above cycled, each copy renamed into a synthetic city

_STEM_FIRST = "青白金玉松柳石丹安平长永清新丰兴泰宁顺和"
_STEM_SECOND = "山河川林阳源泉州原溪"
_KNOWN_STEMS = {"江城", "北山", "云岭", "东湖", "青松"}
_PROVINCIAL = "省直"


def _stems() -> list[str]:
    return [a + b for a in _STEM_FIRST for b in _STEM_SECOND if a + b not in _KNOWN_STEMS]


def _copy(template: SiteSpec, copy: int, slot: int, stems: list[str]) -> SiteSpec:
    """Copy ``copy`` (1, 2, ...) of a running template: a new 10-digit id (template id prefix, copy number,
    template serial), and the template's place renamed to synthetic city number ``slot``, so names stay
    unique."""
    stem = stems[slot % len(stems)] + ("" if slot < len(stems) else str(slot // len(stems) + 1))
    if template.region == _PROVINCIAL:
        old, new = PROVINCE, f"{stem}市"
    else:
        old, new = template.region.removesuffix("市"), stem
    sub = template.domain.split(".", 1)[0]
    return replace(
        template,
        site_id=f"{template.site_id[:2]}{copy:06d}{template.site_id[-2:]}",
        name=template.name.replace(old, new), organizer=template.organizer.replace(old, new),
        region=f"{stem}市", level="市级" if template.level == "省级" else template.level,
        domain=f"{sub}.city{slot:04d}.gov.cn", note=f"copy {copy} of {template.site_id}: {template.note}",
    )


def cycled_specs(sites: int) -> list[SiteSpec]:
    """``sites`` site specs: the running sites of the demo province in order, then copies of them again and
    again (each planted defect repeats with its template). The offline sites are left out."""
    if sites < 1:
        raise ValueError(f"sites={sites}: at least one site")
    templates = [s for s in province_specs() if s.status == "running"]
    regions = list(dict.fromkeys(t.region for t in templates))  # 省直 and the four cities
    stems = _stems()
    out = []
    for i in range(sites):
        template, copy = templates[i % len(templates)], i // len(templates)
        slot = (copy - 1) * len(regions) + regions.index(template.region)
        out.append(template if copy == 0 else _copy(template, copy, slot, stems))
    return out
