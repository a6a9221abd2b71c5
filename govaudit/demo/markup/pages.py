"""Page bodies other than column lists: home page, channel hub, articles, letters (留言), service guides
(办事指南), static pages (概况/机构职能/领导信息), site search, 404 and the WAF challenge."""

from __future__ import annotations

import datetime as dt
import posixpath
import random
from dataclasses import replace
from html import escape

from govaudit.demo.content import GUIDE_ELEMENTS, paragraphs
from govaudit.demo.markup.shell import SiteContext, breadcrumb, column_meta, page
from govaudit.demo.model import NATIONAL, Column, Entry, ext_url

HOME_BLOCK_SIZE = 7
HUB_BLOCK_SIZE = 5
YEARLESS_MAX_AGE = 300  # a year-less [MM-DD] entry older than this would be ambiguous: not shown


def _date_label(d: dt.date, style: str) -> str:
    if style == "mmdd":
        return f"[{d:%m-%d}]"
    if style == "short":
        return f"{d:%m-%d}"
    return d.isoformat()


def home_entries(ctx: SiteContext, col: Column) -> list[Entry]:
    """The entries a home-page block of ``col`` shows."""
    entries = col.all_entries()
    if ctx.spec.home_dates in ("mmdd", "short"):
        entries = [e for e in entries if (ctx.asof - e.date).days <= YEARLESS_MAX_AGE]
    return entries[:HOME_BLOCK_SIZE]


def _block(title: str, more: str, entries: list[Entry], style: str, cls: str = "block") -> str:
    rows = "".join(
        f'<li><a href="{e.path}" target="_blank" title="{escape(e.title)}">{escape(e.title)}</a>'
        f'<span class="date">{_date_label(e.date, style)}</span></li>\n'
        for e in entries
    )
    return (f'<div class="{cls}">\n<div class="block-hd"><h3>{escape(title)}</h3>'
            f'<a class="more" href="{more}">更多&gt;&gt;</a></div>\n<ul class="block-list">\n{rows}</ul>\n</div>\n')


def home_columns(ctx: SiteContext) -> list[Column]:
    return [c for top in ctx.columns for c in top.walk() if c.spec.on_home and c.spec.status == 200]


def home(ctx: SiteContext, friends: list[tuple[str, str]]) -> str:
    """The home page: focus picture, one dated block per home column, service and interaction entries,
    friendly links (to loopback stand-ins of 中国政府网 and other demo sites)."""
    blocks = [_block(c.name, c.path, home_entries(ctx, c), ctx.spec.home_dates) for c in home_columns(ctx)]
    news = next((c for c in home_columns(ctx) if c.category == "news"), None)
    focus = ""
    if news is not None and news.all_entries():
        top = news.all_entries()[0]
        focus = (f'<div class="focus"><ul><li><a href="{top.path}" target="_blank"><img src="/images/banner.png" '
                 f'alt="{escape(top.title)}"></a><p>{escape(top.title)}</p></li></ul></div>\n')
    by_cat = {c.category: c for top in ctx.columns for c in top.walk()}
    quick = []
    for title, cats in (("政务服务", ("guide",)), ("互动交流", ("consultation", "survey", "interview"))):
        links = "".join(f'<li><a href="{by_cat[k].path}">{escape(by_cat[k].name)}</a></li>' for k in cats if k in by_cat)
        if links:
            quick.append(f'<div class="block quick"><div class="block-hd"><h3>{title}</h3></div><ul>{links}</ul></div>\n')
    links = "".join(f'<a href="{url}" target="_blank">{escape(name)}</a>\n' for name, url in friends)
    body = (f'<div class="main w1200 home">\n{focus}{"".join(blocks)}{"".join(quick)}'
            f'<div class="friend-links"><span>政府网站：</span>\n{links}</div>\n</div>\n')
    return page(ctx, title=ctx.spec.name, body=body, path="/")


def hub(ctx: SiteContext, col: Column) -> str:
    side = "".join(f'<li><a href="{c.path}">{escape(c.name)}</a></li>' for c in col.children)
    blocks = "".join(_block(c.name, c.path, c.all_entries()[:HUB_BLOCK_SIZE], "full", "sub-block")
                     for c in col.children)
    body = (breadcrumb(col) + f'<div class="main w1200">\n<div class="left-nav"><h3>{escape(col.name)}</h3>'
            f"<ul>{side}</ul></div>\n<div class=\"channel\">\n{blocks}</div>\n</div>\n")
    return page(ctx, title=f"{col.name}_{ctx.spec.name}", body=body, meta=column_meta(col), current=col,
                path=col.path)


def channel(ctx: SiteContext, col: Column) -> str:
    """A 一级栏目 that only leads to its sub-columns: their names, linked, and nothing else."""
    side = "".join(f'<li><a href="{c.path}">{escape(c.name)}</a></li>' for c in col.children)
    cards = "".join(f'<div class="sub-channel"><h3><a href="{c.path}">{escape(c.name)}</a></h3></div>\n'
                    for c in col.children)
    body = (breadcrumb(col) + f'<div class="main w1200">\n<div class="left-nav"><h3>{escape(col.name)}</h3>'
            f"<ul>{side}</ul></div>\n<div class=\"channel-index\">\n{cards}</div>\n</div>\n")
    return page(ctx, title=f"{col.name}_{ctx.spec.name}", body=body, meta=column_meta(col), current=col,
                path=col.path)


def list_page(ctx: SiteContext, col: Column, inner: str, path: str, charset: str | None = "site") -> str:
    return page(ctx, title=f"{col.name}_{ctx.spec.name}", body=breadcrumb(col) + inner, meta=column_meta(col),
                current=col, path=path, charset=charset)


STATIC_TEXT = {
    "overview": "示范省位于我国东北部，辖江城市、北山市、云岭市、东湖市等市（地），资源丰富，生态良好。",
    "functions": "主要职责：贯彻执行国家和省有关方针政策和法律法规，拟订本行业发展规划并组织实施；"
                 "负责本行业的监督管理工作；承办上级交办的其他事项。内设机构：办公室、政策法规处、综合业务处。",
    "leaders": "主要负责人：王建国，主持全面工作。副职：李海燕，负责政策法规、综合业务工作；"
               "张志强，负责行政审批、机关党建工作。",
}


def static_page(ctx: SiteContext, col: Column) -> str:
    text = STATIC_TEXT.get(col.category, STATIC_TEXT["functions"])
    body = (breadcrumb(col) + f'<div class="main w1200"><div class="article">\n<h1 class="article-title">'
            f'{escape(col.name)}</h1>\n<div class="article-content"><p>{escape(text)}</p></div>\n</div></div>\n')
    return page(ctx, title=f"{col.name}_{ctx.spec.name}", body=body, meta=column_meta(col), current=col,
                path=col.path)


def _article_meta(ctx: SiteContext, col: Column, e: Entry) -> dict[str, str]:
    meta = column_meta(col)
    meta.update({
        "ArticleTitle": e.title, "PubDate": f"{e.date.isoformat()} {e.time}", "ContentSource": e.source,
        "Keywords": col.name, "Author": e.source, "Description": e.title, "Url": e.path,
    })
    return meta


def article(ctx: SiteContext, col: Column, e: Entry, rng: random.Random) -> str:
    if e.extra.get("page_date"):  # a page dated otherwise than its list entry (simulated fortnight)
        e = replace(e, date=e.extra["page_date"])
    paras = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs(rng, e.title, 3))
    attach = ""
    if e.extra.get("attachment"):
        attach = (f'<div class="article-attach">附件：<a href="{e.extra["attachment"]}">'
                  f"{escape(e.title)}.pdf</a></div>\n")
    if ctx.spec.family == "hanweb":
        info = (f'<div class="article-info">发布日期：{e.date.isoformat()}　信息来源：{escape(e.source)}　'
                "浏览次数：<script>document.write(hits());</script></div>\n")
    else:
        info = (f'<div class="article-info"><span>发布时间：{e.date.isoformat()} {e.time}</span>'
                f"<span>来源：{escape(e.source)}</span><span>字号：[大 中 小]</span></div>\n")
    body = (breadcrumb(col, "正文") + f'<div class="main w1200"><div class="article">\n'
            f'<h1 class="article-title">{escape(e.title)}</h1>\n{info}'
            f'<div class="article-content" id="zoom">\n{paras}</div>\n{attach}'
            '<div class="article-tools">【<a href="javascript:window.print()">打印本页</a>】'
            '【<a href="javascript:window.close()">关闭窗口</a>】</div>\n</div></div>\n')
    return page(ctx, title=f"{e.title}_{ctx.spec.name}", body=body, meta=_article_meta(ctx, col, e),
                current=col, path=e.path)


# ------------------------------------------------------------------------------------------------------ letters


def letters_list(ctx: SiteContext, col: Column) -> str:
    year_ago = ctx.asof - dt.timedelta(days=365)
    in_year = [e for e in col.entries if e.date >= year_ago]
    done = [e for e in in_year if e.extra.get("replied")]
    pct = f"{100 * len(done) / len(in_year):.1f}" if in_year else "100.0"
    rows = "".join(
        f'<tr><td class="title"><a href="{e.path}" target="_blank">{escape(e.title)}</a></td>'
        f'<td>{e.date.isoformat()}</td><td>{e.extra["replied"].isoformat() if e.extra.get("replied") else ""}</td>'
        f'<td>{"已答复" if e.extra.get("replied") else "办理中"}</td></tr>\n'
        for e in col.entries
    )
    folder = posixpath.dirname(col.path) + "/"
    inner = (
        f'<div class="main w1200"><div class="list-box">\n<div class="list-title"><h2>{escape(col.name)}</h2>'
        f'<a class="write" href="{folder}write.html">我要写信</a></div>\n'
        f'<div class="letter-stat">留言受理反馈情况统计：近一年共收到留言{len(in_year)}件，已答复{len(done)}件，'
        f"答复率{pct}%。</div>\n"
        '<table class="letter-list" width="100%">\n<thead><tr><th>标题</th><th>留言时间</th><th>答复时间</th>'
        f"<th>状态</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</div></div>\n"
    )
    return list_page(ctx, col, inner, col.path)


def letter_form(ctx: SiteContext, col: Column) -> str:
    folder = posixpath.dirname(col.path) + "/"
    inner = (
        f'<div class="main w1200"><div class="article"><h1 class="article-title">{escape(col.name)}：我要写信</h1>\n'
        f'<form action="{folder}submit" method="post" class="letter-form">\n'
        '<p>姓名：<input type="text" name="name"></p><p>联系电话：<input type="text" name="phone"></p>\n'
        '<p>标题：<input type="text" name="title"></p><p>内容：<textarea name="content"></textarea></p>\n'
        '<p><input type="submit" value="提交"></p>\n</form></div></div>\n'
    )
    return list_page(ctx, col, inner, col.path)


def letter(ctx: SiteContext, col: Column, e: Entry) -> str:
    replied: dt.date | None = e.extra.get("replied")
    rows = [("信件标题", e.title), ("留言人", e.extra.get("writer", "匿名")), ("留言时间", e.date.isoformat()),
            ("留言内容", f"您好！{e.title.removeprefix('关于').removesuffix('的咨询')}，希望有关部门予以答复，谢谢。")]
    if replied is not None:
        rows += [("答复单位", e.extra.get("unit", ctx.spec.organizer)), ("答复时间", replied.isoformat()),
                 ("答复内容", "您好！您反映的问题已收悉，经核实，我单位已按有关规定处理，感谢您的关注和支持。")]
    else:
        rows += [("办理状态", "办理中")]
    table = "".join(f"<tr><th>{k}</th><td>{escape(v)}</td></tr>\n" for k, v in rows)
    body = (breadcrumb(col, "信件详情") + f'<div class="main w1200"><div class="article">\n'
            f'<table class="letter-detail" width="100%">\n{table}</table>\n</div></div>\n')
    return page(ctx, title=f"{e.title}_{ctx.spec.name}", body=body, meta=_article_meta(ctx, col, e),
                current=col, path=e.path)


# ------------------------------------------------------------------------------------------------------ guides


def guide(ctx: SiteContext, col: Column, e: Entry) -> str:
    values: dict[str, str] = e.extra["values"]
    missing = set(e.extra.get("missing", ()))
    table = "".join(f'<tr><th width="120">{k}</th><td>{escape(values[k])}</td></tr>\n'
                    for k in GUIDE_ELEMENTS if k not in missing)
    form = e.extra.get("form")
    attach = (f'<div class="guide-forms">表格下载：<a href="{form}">《{escape(values["事项名称"])}申请表》.doc</a></div>\n'
              if form else "")
    body = (breadcrumb(col, "办事指南") + f'<div class="main w1200"><div class="article">\n'
            f'<h1 class="article-title">{escape(e.title)}</h1>\n'
            f'<div class="article-info"><span>发布时间：{e.date.isoformat()}</span></div>\n'
            f'<table class="bszn" width="100%">\n{table}</table>\n{attach}</div></div>\n')
    return page(ctx, title=f"{e.title}_{ctx.spec.name}", body=body, meta=_article_meta(ctx, col, e),
                current=col, path=e.path)


# ------------------------------------------------------------------------------------------------------ misc


def search(ctx: SiteContext, newest: list[Entry]) -> str:
    rows = "".join(f'<li><a href="{e.path}" target="_blank">{escape(e.title)}</a><span>{e.date.isoformat()}</span></li>\n'
                   for e in newest)
    body = (f'<div class="main w1200"><div class="search-result">\n<div class="search-cats">'
            '<a href="?type=all">全部</a> <a href="?type=zcwj">政策文件</a> <a href="?type=bszn">办事指南</a></div>\n'
            f'<p>共找到相关结果{len(newest)}条</p>\n<ul class="result-list">\n{rows}</ul>\n</div></div>\n')
    return page(ctx, title=f"站内搜索_{ctx.spec.name}", body=body, path="/search/index.html")


def not_found(ctx: SiteContext) -> str:
    body = ('<div class="main w1200"><div class="error-page"><h2>404 您访问的页面不存在或已删除</h2>'
            '<p><a href="/">返回首页</a></p></div></div>\n')
    return page(ctx, title=f"页面不存在_{ctx.spec.name}", body=body, path="/404.html")


def waf_challenge(site_id: str, seed: str) -> str:
    token = "".join(random.Random(seed).choice("0123456789abcdef") for _ in range(32))
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>访问被拦截 - 网站防火墙</title></head>\n'
        '<body><div class="waf-box">\n<h2>您的访问请求可能对网站造成安全威胁，请求已被网站防火墙（WAF）拦截。</h2>\n'
        f"<p>请开启浏览器 JavaScript 后重试，正在进行安全验证……</p>\n<p>事件ID：{token}</p>\n</div>\n"
        f'<script>var _w="{token}";document.cookie="waf_clearance="+_w.split("").reverse().join("")+"; path=/";'
        "setTimeout(function(){location.reload();},1500);</script>\n</body></html>\n"
    )


def national_home() -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>中国政府网_中央人民政府门户网站（演示）</title>\n'
        '<meta name="SiteName" content="中国政府网"><meta name="SiteDomain" content="www.gov.cn">'
        '<meta name="SiteIDCode" content="bm01000001">\n</head>\n<body><div class="header"><h1>中国政府网（演示站）</h1></div>\n'
        "<p>本站为示范省演示环境中的中国政府网替身，仅用于本机链接检查。</p>\n"
        f'<p><a href="{ext_url(NATIONAL, "/exposure/jiucuo.html")}">我为政府网站找错</a></p>\n</body></html>\n'
    )


def national_page(title: str, text: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title></head>\n'
            f"<body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>\n")


JIUCUO_JS = (
    "(function(){var s=document.getElementById('_jiucuo_');if(!s)return;var c=s.getAttribute('sitecode');"
    "var a=document.createElement('a');a.href=s.src.replace('jiucuo.js','jiucuo.html')+'?site_code='+c+"
    "'&url='+encodeURIComponent(location.href);a.target='_blank';"
    "a.innerHTML='<img src=\"'+s.src.replace('jiucuo.js','jiucuo.png')+'\" alt=\"我为政府网站找错\">';"
    "s.parentNode.insertBefore(a,s);})();\n"
)
