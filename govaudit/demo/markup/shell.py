"""The page shell shared by every demo page: <head> with the 47号 meta tags, the header with the site
name and search form, the navigation menu, the breadcrumb and the footer identity block
(主办单位, 联系电话, 网站标识码, ICP备案, 公安备案, 党政机关标识, 我为政府网站找错)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from string import Template

from govaudit.demo.model import NATIONAL, Column, SiteSpec, ext_url

PROVINCE_ABBR = "示"  # ICP / 公安备案 prefix of 示范省 (like 黑 for 黑龙江)


@dataclass
class SiteContext:
    """What every page of a site needs: its spec, its first-level columns and how it links."""

    spec: SiteSpec
    columns: list[Column]
    css_class: str  # family-specific body class
    asof: dt.date

    @property
    def icp(self) -> str:
        return f"{PROVINCE_ABBR}ICP备{17000000 + int(self.spec.site_id[-4:]) * 37:08d}号-1"

    @property
    def police(self) -> str:
        return f"{PROVINCE_ABBR}公网安备 {23010202000000 + int(self.spec.site_id[-4:]) * 123}号"

    @property
    def conac_id(self) -> str:
        return f"{int(self.spec.site_id) * 7919 % 10**12:012d}"


PAGE = Template("""<!DOCTYPE html>
<html lang="zh-CN">
<head>
$charset<title>$title</title>
$meta<link rel="stylesheet" type="text/css" href="/css/style.css">
<script type="text/javascript" src="/js/common.js"></script>
</head>
<body class="$body_class">
<div class="topbar"><div class="w1200">
<span class="today"><script type="text/javascript">document.write(showToday());</script></span>
<span class="topbar-links"><a href="javascript:void(0)" onclick="toggleAccess()">无障碍浏览</a> | <a href="/wap/">手机版</a></span>
</div></div>
<div class="header"><div class="w1200">
<div class="logo"><a href="/"><img src="/images/logo.png" alt="$site_name"></a><span class="site-name">$site_name</span></div>
<div class="search"><form name="searchform" action="/search/index.html" method="get" target="_blank">
<input type="text" name="searchword" class="search-input" placeholder="请输入关键词">
<input type="submit" class="search-btn" value="搜索"></form></div>
</div></div>
<div class="nav"><ul class="w1200">
$nav</ul></div>
$body
$footer
</body>
</html>
""")

FOOTER = Template("""<div class="footer"><div class="w1200">
<div class="foot-links"><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/wzsm/">网站声明</a></div>
<div class="foot-identity">
<div class="conac"><span id="_ideConac"><a href="$conac_url" target="_blank"><img src="/images/red.png" alt="党政机关" width="50" height="60"></a></span></div>
$zhaocuo<div class="foot-text">
<p>主办单位：$organizer　　承办单位：$undertaker</p>
<p>地址：$address　　邮编：$zip　　联系电话：$phone</p>
<p>网站标识码：$site_id　　<a href="$miit_url" target="_blank">$icp</a>　　<a href="$police_url" target="_blank"><img src="/images/gaba.png" alt="公安备案">$police</a></p>
</div></div></div></div>
""")

ZHAOCUO = Template("""<div class="jiucuo"><script id="_jiucuo_" sitecode="$site_id" src="$script_url"></script>
<a href="$entry_url" target="_blank"><img src="/images/jiucuo.png" alt="我为政府网站找错"></a></div>
""")


def meta_tags(ctx: SiteContext, extra: dict[str, str] | None = None) -> str:
    tags = {
        "SiteName": ctx.spec.name,
        "SiteDomain": ctx.spec.domain,
        "SiteIDCode": ctx.spec.site_id,
    }
    tags.update(extra or {})
    return "".join(f'<meta name="{k}" content="{escape(v)}">\n' for k, v in tags.items())


def column_meta(col: Column) -> dict[str, str]:
    return {
        "ColumnName": col.name,
        "ColumnDescription": f"{col.name}栏目发布{col.name}相关信息",
        "ColumnKeywords": col.name,
        "ColumnType": col.name,
    }


def nav(ctx: SiteContext, current: Column | None = None) -> str:
    items = ['<li><a href="/">首页</a></li>']
    top = current
    while top is not None and top.parent is not None:
        top = top.parent
    for col in ctx.columns:
        cls = ' class="on"' if col is top else ""
        items.append(f'<li{cls}><a href="{col.path}">{escape(col.name)}</a></li>')
    return "\n".join(items) + "\n"


def breadcrumb(col: Column | None, last: str = "") -> str:
    parts = ['<a href="/">首页</a>']
    chain: list[Column] = []
    node = col
    while node is not None:
        chain.insert(0, node)
        node = node.parent
    for i, c in enumerate(chain):
        if i == len(chain) - 1 and not last:
            parts.append(f"<span>{escape(c.name)}</span>")
        else:
            parts.append(f'<a href="{c.path}">{escape(c.name)}</a>')
    if last:
        parts.append(f"<span>{escape(last)}</span>")
    return '<div class="position w1200">当前位置：' + " &gt; ".join(parts) + "</div>\n"


def footer(ctx: SiteContext, page_path: str = "/") -> str:
    spec = ctx.spec
    zhaocuo = ""
    if spec.zhaocuo:
        zhaocuo = ZHAOCUO.substitute(
            site_id=spec.site_id,
            script_url=ext_url(NATIONAL, "/exposure/jiucuo.js"),
            entry_url=escape(ext_url(NATIONAL, f"/exposure/jiucuo.html?site_code={spec.site_id}&url={page_path}")),
        )
    return FOOTER.substitute(
        conac_url=escape(ext_url(NATIONAL, f"/sitename?method=show&id={ctx.conac_id}")),
        zhaocuo=zhaocuo,
        organizer=escape(spec.organizer),
        undertaker=escape(spec.region if spec.region != "省直" else "示范省") + "政务信息中心",
        address=escape(f"{spec.region if spec.region != '省直' else '示范省省会'}中山路{int(spec.site_id[-2:]) * 3 + 1}号"),
        zip="150001",
        phone=spec.phone,
        site_id=spec.site_id,
        miit_url=ext_url(NATIONAL, "/miit/"),
        icp=ctx.icp,
        police_url=escape(ext_url(NATIONAL, f"/beian/?recordcode={ctx.police.split()[-1][:-1]}")),
        police=ctx.police,
    )


def charset_tag(encoding: str | None) -> str:
    if encoding is None:
        return ""
    if encoding == "gbk":
        return '<meta http-equiv="Content-Type" content="text/html; charset=gbk">\n'
    return '<meta charset="utf-8">\n'


def page(ctx: SiteContext, *, title: str, body: str, meta: dict[str, str] | None = None,
         current: Column | None = None, path: str = "/", charset: str | None = "site") -> str:
    """A whole HTML page. ``charset`` "site" = the site's encoding, None = no charset declaration."""
    enc = ctx.spec.encoding if charset == "site" else charset
    return PAGE.substitute(
        charset=charset_tag(enc),
        title=escape(title),
        meta=meta_tags(ctx, meta),
        body_class=ctx.css_class,
        site_name=escape(ctx.spec.name),
        nav=nav(ctx, current),
        body=body,
        footer=footer(ctx, path),
    )
