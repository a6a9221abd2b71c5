"""Build the demo province: from the site specs (``sites.py``) to dated entries and served pages.

``build_province(asof, seed)`` is deterministic: every random choice comes from a ``random.Random``
seeded with a string made of the seed, the site id and the column, and every date is an offset from
``asof``. The same (asof, seed) therefore gives the same pages, byte for byte, on any machine.
``build_province(asof, seed, sites=N)`` is an N-site province for load tests: the running sites cycled
with new ids, names and loopback addresses (``sites.cycled_specs``).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from govaudit.demo import content
from govaudit.demo.markup import assets, lists, pages
from govaudit.demo.markup.shell import SiteContext
from govaudit.demo.model import (
    NATIONAL,
    Column,
    ColumnSpec,
    DemoSite,
    Entry,
    PageMap,
    Response,
    SiteSpec,
    ext_url,
)
from govaudit.demo.sites import PROVINCE, cycled_specs, province_specs

NATIONAL_ADDRESS = "127.0.0.2"  # the www.gov.cn-like stand-in
FIRST_HOST = 10  # registry sites are 127.0.0.10, .11, ... 127.0.0.249, then 127.0.1.10 ...
HOSTS_PER_BLOCK = 240


def site_address(index: int) -> str:
    """Loopback address of the index-th registry site (0-based)."""
    block, host = divmod(index, HOSTS_PER_BLOCK)
    if block > 255:
        raise ValueError(f"site {index}: more demo sites than loopback addresses")
    return f"127.0.{block}.{FIRST_HOST + host}"


# category -> (entries, newest entry age range in days, days between entries) for a healthy column
PROFILES: dict[str, tuple[int, tuple[int, int], tuple[int, int]]] = {
    "news": (48, (0, 2), (1, 3)),
    "state_council": (48, (0, 2), (1, 3)),
    "notice": (45, (1, 8), (4, 9)),
    "policy": (30, (5, 30), (10, 20)),
    "interpretation": (24, (5, 40), (12, 25)),
    "personnel": (16, (10, 80), (30, 50)),
    "planning": (12, (20, 110), (45, 75)),
    "survey": (14, (5, 25), (20, 35)),
    "interview": (12, (5, 30), (25, 45)),
    "consultation": (30, (1, 6), (6, 14)),
    "guide": (8, (20, 200), (20, 60)),
    "data": (24, (3, 20), (10, 20)),
    "special": (16, (5, 30), (15, 40)),
}
DEFAULT_PROFILE = (20, (2, 30), (5, 20))
FAMILY_CLASS = {"trs": "trs-site", "hanweb": "hanweb-site", "table": "old-site", "jsapp": "app-site"}
ATTACHED_POLICY_ENTRIES = 10  # newest policy documents carry a PDF attachment
LETTERS_PER_PAGE = 6  # letters_paged: letters per list page


@dataclass
class Province:
    name: str
    asof: dt.date
    seed: int
    sites: list[DemoSite]
    national: DemoSite  # loopback stand-in for www.gov.cn / 找错 platform / conac / beian
    _by_id: dict[str, DemoSite] = field(default_factory=dict, repr=False)

    def site(self, site_id: str) -> DemoSite:
        if not self._by_id:
            self._by_id = {s.site_id: s for s in self.sites}
        return self._by_id[site_id]

    def default_url(self, site: DemoSite) -> str:
        return f"http://{site.address}/"

    def registry_rows(self, base_urls: dict[str, str]) -> list[dict[str, str]]:
        """Registry CSV rows of every site (offline ones included). Sites missing from ``base_urls``
        get their loopback address without a port."""
        return [
            {
                "site_id": s.site_id, "name": s.name, "url": base_urls.get(s.site_id) or self.default_url(s),
                "organizer": s.organizer, "region": s.region, "level": s.level, "kind": s.kind,
                "status": s.status, "has_services": "是" if s.spec.has_services else "否",
            }
            for s in self.sites
        ]


# ------------------------------------------------------------------------------------------------------


def build_province(asof: dt.date, seed: int = 2017, sites: int | None = None, *, rectified: bool = False) -> Province:
    """The demo province (default), or an N-site province of its running sites cycled (``sites=N``);
    ``rectified``: as it is after the rectification deadline (``rectify.py``)."""
    specs = province_specs() if sites is None else cycled_specs(sites)
    if rectified:
        from govaudit.demo.rectify import rectified_specs

        specs = rectified_specs(specs)
    ids = {spec.site_id for spec in specs}
    built = [_build_site(spec, asof, seed, site_address(i), ids) for i, spec in enumerate(specs)]
    return Province(name=PROVINCE, asof=asof, seed=seed, sites=built, national=_build_national())


def _text(content_type: str, text: str) -> Response:
    return Response(200, content_type, text.encode("utf-8"))


def _html(text: str, encoding: str | None, status: int = 200) -> Response:
    enc = encoding or "utf-8"
    ctype = "text/html; charset=utf-8" if encoding == "utf-8" else "text/html"
    return Response(status, ctype, text.encode(enc))


class _Builder:
    """Generates one site: columns with entries, then registers a page maker for every URL."""

    def __init__(self, spec: SiteSpec, asof: dt.date, seed: int) -> None:
        self.spec = spec
        self.asof = asof
        self.seed = seed
        self.docid = 100000 + int(spec.site_id[-3:]) * 10000
        self.colid = 1700 + int(spec.site_id[-2:]) * 40
        self.pages = PageMap()
        self.org = spec.organizer.replace(PROVINCE, "省") if spec.kind != "portal" else \
            {"省级": "省政府", "市级": "市政府", "县级": "区政府"}.get(spec.level, "政府")

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, self.spec.site_id, *parts)))

    # --- columns and entries ------------------------------------------------------------------------

    def column(self, cspec: ColumnSpec, parent: Column | None) -> Column:
        self.colid += 1
        col = Column(spec=cspec, path="", entries=[], depth=1 if parent is None else parent.depth + 1,
                     parent=parent, colid=self.colid)
        col.path = self.column_path(col)
        col.children = [self.column(c, col) for c in cspec.children]
        if cspec.kind in ("list", "letters", "guides") and not cspec.blank:
            col.entries = self.entries(col)
        return col

    def column_path(self, col: Column) -> str:
        family = self.spec.family
        if family == "hanweb":
            return f"/col/col{col.colid}/index.html"
        if family == "table":
            return f"/{col.spec.slug}/index.htm"
        return f"/{col.spec.slug}/"

    def article_path(self, col: Column, d: dt.date, docid: int) -> str:
        family = self.spec.family
        if family == "hanweb":
            return f"/art/{d.year}/{d.month}/{d.day}/art_{col.colid}_{docid}.html"
        folder = posixpath.dirname(col.path) + "/" if family == "table" else col.path
        ext = "htm" if family == "table" else "html"
        return f"{folder}{d:%Y%m}/t{d:%Y%m%d}_{docid}.{ext}"

    def entries(self, col: Column) -> list[Entry]:
        cspec = col.spec
        rng = self.rng("entries", cspec.slug)
        count, newest_range, cadence = PROFILES.get(cspec.category, DEFAULT_PROFILE)
        if cspec.kind == "guides":
            count = max(count, self.spec.bad_guides + 2)
        count = cspec.count or count
        age = cspec.newest_age if cspec.newest_age is not None else rng.randint(*newest_range)
        newest = self.asof - dt.timedelta(days=age + self.spec.shift_days)
        dates = content.date_series(rng, newest, count, cadence)
        out: list[Entry] = []
        for i, d in enumerate(dates):
            self.docid += rng.randint(1, 37)
            e = Entry(title="", date=d, path=self.article_path(col, d, self.docid), docid=self.docid,
                      time=f"{rng.randint(8, 17):02d}:{rng.choice(('00', '15', '30', '45'))}",
                      source="中国政府网" if cspec.category == "state_council" else self.spec.organizer)
            if cspec.kind == "letters":
                self.make_letter(e, rng, i)
            elif cspec.kind == "guides":
                self.make_guide(e, col, rng, i)
            else:
                e.title = content.title_for(rng, cspec.category, self.org, d)
                if cspec.category == "policy" and i < ATTACHED_POLICY_ENTRIES:
                    e.extra["attachment"] = posixpath.dirname(e.path) + f"/P0{e.docid}.pdf"
            out.append(e)
        if cspec.kind == "letters" and (cspec.unanswered or self.spec.unanswered_letters):
            out = self.plant_unanswered(col, out, rng, cspec.unanswered or self.spec.unanswered_letters)
        if cspec.planted:
            out = self.plant_titled(col, out)
        return out

    def plant_titled(self, col: Column, entries: list[Entry]) -> list[Entry]:
        """The column's entries with given titles (``ColumnSpec.planted``)."""
        for age, template in col.spec.planted:
            d = self.asof - dt.timedelta(days=age + self.spec.shift_days)
            year, quarter = (d.year, (d.month - 1) // 3) if d.month > 3 else (d.year - 1, 4)
            self.docid += 1
            entries.append(Entry(title=template.format(year=year, quarter="一二三四"[quarter - 1]), date=d,
                                 path=self.article_path(col, d, self.docid), docid=self.docid,
                                 source=self.spec.organizer))
        return sorted(entries, key=lambda x: (x.date, x.docid), reverse=True)

    def make_letter(self, e: Entry, rng: random.Random, i: int) -> None:
        e.title = content.LETTER_SUBJECTS[(i + rng.randint(0, 3)) % len(content.LETTER_SUBJECTS)]
        e.extra["writer"] = rng.choice(content.SURNAMES) + "**"
        e.extra["unit"] = self.spec.organizer + rng.choice(content.REPLY_UNITS)
        replied = e.date + dt.timedelta(days=rng.randint(1, 12))
        e.extra["replied"] = replied if replied <= self.asof else None

    def plant_unanswered(self, col: Column, entries: list[Entry], rng: random.Random, count: int) -> list[Entry]:
        """Letters submitted 100+ days ago that never got a reply (veto C19-V5 in a 政务咨询 column only)."""
        for k in range(count):
            d = self.asof - dt.timedelta(days=104 + 17 * k)
            self.docid += 1
            e = Entry(title="", date=d, path=self.article_path(col, d, self.docid), docid=self.docid,
                      source=self.spec.organizer)
            self.make_letter(e, rng, k + 5)
            e.title = "关于小区物业维修资金使用的咨询"
            e.extra["replied"] = None
            entries.append(e)
        return sorted(entries, key=lambda x: (x.date, x.docid), reverse=True)

    def make_guide(self, e: Entry, col: Column, rng: random.Random, i: int) -> None:
        item = content.GUIDE_ITEMS[(int(self.spec.site_id[-2:]) + i) % len(content.GUIDE_ITEMS)]
        e.title = f"{item}办事指南"
        e.extra["values"] = content.guide_values(rng, item, self.spec.organizer, self.spec.phone)
        if i < self.spec.bad_guides:
            e.extra["missing"] = sorted(rng.sample(content.GUIDE_ELEMENTS[1:], rng.randint(4, 6)),
                                        key=content.GUIDE_ELEMENTS.index)
        elif self.spec.forms != "missing":
            e.extra["form"] = posixpath.dirname(e.path) + f"/files/{e.docid}.doc"
            e.extra["form_broken"] = self.spec.forms == "broken"

    # --- pages ----------------------------------------------------------------------------------------

    def add(self, path: str, maker: Callable[[], Response]) -> None:
        self.pages.add(path, maker)

    def html(self, path: str, render: Callable[[], str], charset: str | None = "site") -> None:
        enc = self.spec.encoding if charset == "site" else charset
        self.add(path, lambda: _html(render(), enc))

    def register(self, ctx: SiteContext, col: Column) -> None:
        for child in col.children:
            self.register(ctx, child)
        cspec = col.spec
        if cspec.status == 404:
            return
        first = col.path + "index.html" if col.path.endswith("/") else col.path
        folder = posixpath.dirname(first) + "/"
        if cspec.kind == "hub":
            self.html(first, lambda: pages.hub(ctx, col))
            return
        if cspec.kind == "channel":
            self.html(first, lambda: pages.channel(ctx, col))
            return
        if cspec.kind == "page":
            self.html(first, lambda: pages.static_page(ctx, col))
            return
        if cspec.kind == "letters" and "letters_paged" in self.spec.traits:
            for n in range(max(1, -(-len(col.entries) // LETTERS_PER_PAGE))):
                path = first if n == 0 else f"{folder}index_{n}.html"
                self.html(path, partial(pages.letters_list, ctx, col, n, LETTERS_PER_PAGE))
        elif cspec.kind == "letters":
            self.html(first, lambda: pages.letters_list(ctx, col))
        if cspec.kind == "letters":
            self.html(folder + "write.html", lambda: pages.letter_form(ctx, col))
            for e in col.entries:
                self.html(e.path, partial(pages.letter, ctx, col, e))
            return
        self.register_list(ctx, col, first, folder)
        for e in col.entries:
            if cspec.kind == "guides":
                self.html(e.path, partial(pages.guide, ctx, col, e))
                if e.extra.get("form") and not e.extra.get("form_broken"):
                    self.add(e.extra["form"], lambda: Response(200, "application/msword", assets.DOC))
            else:
                self.html(e.path, partial(self.article, ctx, col, e))
                if e.extra.get("attachment"):
                    self.add(e.extra["attachment"], lambda: Response(200, "application/pdf", assets.PDF))

    def article(self, ctx: SiteContext, col: Column, e: Entry) -> str:
        return pages.article(ctx, col, e, self.rng("article", e.docid))

    def register_list(self, ctx: SiteContext, col: Column, first: str, folder: str) -> None:
        family = self.spec.family
        charset: str | None = None if col.spec.no_charset else "site"
        if col.spec.js:
            self.html(first, lambda: pages.list_page(ctx, col, lists.js_page(col), first))
            for path, text in lists.js_api_pages(col).items():
                self.add(path, partial(_text, "application/json; charset=utf-8", text))
            return
        if family == "hanweb":
            webid = int(self.spec.site_id[-2:])
            self.html(first, lambda: pages.list_page(ctx, col, lists.hanweb_page(col, webid), first, charset),
                      charset)
            for path, xml in lists.hanweb_proxy_pages(col, webid).items():
                self.add(path, partial(_text, "text/xml; charset=utf-8", xml))
            return
        bodies = lists.table_pages(col) if family == "table" else lists.trs_pages(col)
        framed = "frame_lists" in self.spec.traits and not col.spec.blank
        for i, (name, inner) in enumerate(bodies.items()):
            path = folder + name
            if framed and i == 0:  # the column page shows its first list page in an iframe
                self.html(path, lambda: pages.frame_wrapper(ctx, col, "list.html"))
                path = folder + "list.html"
            page_charset = charset if i == 0 else "site"  # only the first page goes undeclared
            self.html(path, partial(pages.list_page, ctx, col, inner, path, page_charset), page_charset)

    def register_site_pages(self, ctx: SiteContext, friends: list[tuple[str, str]]) -> None:
        if "home_hop" in self.spec.traits:  # index.html -> index.shtml (meta refresh) -> /portal/ (script)
            self.html("/index.html", lambda: pages.redirect_stub("/index.shtml", "meta-refresh"))
            self.html("/index.shtml", lambda: pages.redirect_stub("/portal/", "script"))
            self.html("/portal/index.html", lambda: pages.home(ctx, friends))
        else:
            self.html("/index.html", lambda: pages.home(ctx, friends))
        newest = sorted((e for c in ctx.columns for x in c.walk() for e in x.entries),
                        key=lambda e: (e.date, e.docid), reverse=True)[:10]
        self.html("/search/index.html", lambda: pages.search(ctx, newest))
        for path, title, text in (
            ("/wzdt/index.html", "网站地图", "、".join(c.name for top in ctx.columns for c in top.walk())),
            ("/lxwm/index.html", "联系我们", f"{self.spec.organizer}　联系电话：{self.spec.phone}"),
            ("/wzsm/index.html", "网站声明", "本网站所载内容版权归主办单位所有，转载请注明出处。"),
            ("/wap/index.html", "手机版", "请使用手机浏览器访问本网站。"),
        ):
            self.html(path, partial(
                pages.page, ctx, title=f"{title}_{self.spec.name}", path=path,
                body=f'<div class="main w1200"><div class="article"><h1 class="article-title">{title}</h1>'
                     f'<div class="article-content"><p>{text}</p></div></div></div>\n'))
        self.add("/css/style.css", lambda: Response(200, "text/css", assets.CSS.encode("utf-8")))
        self.add("/js/common.js", lambda: Response(200, "application/javascript", assets.COMMON_JS.encode("utf-8")))
        if self.spec.family == "jsapp":
            self.add("/js/list.js",
                     lambda: Response(200, "application/javascript", lists.list_script().encode("utf-8")))
        if self.spec.family == "hanweb":
            self.add("/module/web/jpage/jpage.js",
                     lambda: Response(200, "application/javascript", assets.JPAGE_JS.encode("utf-8")))
        for name in assets.IMAGES:
            self.add(f"/images/{name}", lambda: Response(200, "image/png", assets.PNG))
        self.add("/robots.txt", lambda: Response(200, "text/plain", b"User-agent: *\nAllow: /\n"))


def _friends(spec: SiteSpec, ids: set[str]) -> list[tuple[str, str]]:
    """Friendly links (友情链接): 中国政府网 and the province's sites that exist in this province."""
    links = [("中国政府网", ext_url(NATIONAL, "/"))]
    if spec.site_id == "2300000001":
        links += [("示范省发展和改革委员会", ext_url("2300000002", "/")), ("江城市人民政府", ext_url("2301000009", "/"))]
    else:
        links.append(("示范省人民政府", ext_url("2300000001", "/")))
    return [(name, url) for name, url in links if url.split("/")[3] in ids | {NATIONAL}]


def _build_site(spec: SiteSpec, asof: dt.date, seed: int, address: str, ids: set[str],
                columns: list[Column] | None = None) -> DemoSite:
    """One site's columns and pages; ``columns`` (already generated, e.g. a day of a simulated fortnight)
    are served as given instead of being generated from the spec."""
    b = _Builder(spec, asof, seed)
    if columns is None:
        columns = [b.column(c, None) for c in spec.columns]
    site = DemoSite(spec=spec, columns=columns, pages=b.pages, address=address)
    if spec.status != "running" or spec.behaviour == "refuse":
        return site  # listed in the registry, never served
    if spec.behaviour == "blocked":
        body = pages.waf_challenge(spec.site_id, f"{seed}:{spec.site_id}:waf").encode("utf-8")
        site.fallback = Response(403, "text/html; charset=utf-8", body, (("Server", "WAF/2.0"),))
        return site
    ctx = SiteContext(spec=spec, columns=columns, css_class=FAMILY_CLASS[spec.family], asof=asof)
    for col in columns:
        b.register(ctx, col)
    b.register_site_pages(ctx, _friends(spec, ids))
    site.not_found = _html(pages.not_found(ctx), spec.encoding, 404)
    return site


def _build_national() -> DemoSite:
    spec = SiteSpec("national", "中国政府网（演示）", "国务院办公厅", "", "", "portal", "www.gov.cn")
    pm = PageMap()

    def add_html(path: str, text: str) -> None:
        pm.add(path, lambda: Response(200, "text/html; charset=utf-8", text.encode("utf-8")))

    add_html("/index.html", pages.national_home())
    add_html("/exposure/jiucuo.html", pages.national_page("我为政府网站找错", "请选择问题类型并描述您发现的问题。"))
    add_html("/sitename", pages.national_page("党政机关网站标识", "该网站为经过核实的党政机关网站。"))
    add_html("/miit/index.html", pages.national_page("ICP/IP地址/域名信息备案管理系统", "备案查询"))
    add_html("/beian/index.html", pages.national_page("全国互联网安全管理服务平台", "公安机关备案信息查询"))
    pm.add("/exposure/jiucuo.js", lambda: Response(200, "application/javascript",
                                                   pages.JIUCUO_JS.encode("utf-8")))
    pm.add("/exposure/jiucuo.png", lambda: Response(200, "image/png", assets.PNG))
    return DemoSite(spec=spec, columns=[], pages=pm, address=NATIONAL_ADDRESS)
