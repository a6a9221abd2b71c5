"""Column list pages in the markup of each CMS family, with their pagination.

* ``trs``: ``<ul class="list"><li><a href="./202611/t20261120_123.html">…</a><span>2026-11-20</span></li>``
  and the ``createPageHTML(N, i, "index", "html")`` pager script (index.html, index_1.html, …).
* ``table``: old table-layout list (one ``<tr>`` per entry, date in its own cell) with a visible
  "共N条记录 第i/M页 首页 上一页 下一页 尾页" pager (index.htm, index_1.htm, …).
* ``hanweb``: 大汉 JCMS ``<script type="text/xml"><datastore>`` with ``<record><![CDATA[<li>…]]>`` rows;
  the first group of records is in the page, the next groups come from ``dataproxy.jsp`` (``<nextgroup>``).
* ``jsapp``: an empty ``<ul id="list">`` filled in the browser from ``/api/list?channel=…&page=N`` (JSON).
"""

from __future__ import annotations

import json
import posixpath
from html import escape

from govaudit.demo.model import Column, Entry

TRS_PAGE_SIZE = 20
TABLE_PAGE_SIZE = 15
HANWEB_PER_PAGE = 15
HANWEB_GROUP = 45  # records per datastore group (3 pages of 15)
JS_PAGE_SIZE = 20

PLACEHOLDER = "暂无信息"
NOTE = "本栏目根据本单位“三定”方案及工作实际，暂未产生相关信息。"


def chunks(entries: list[Entry], size: int) -> list[list[Entry]]:
    return [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]


def rel(from_dir: str, target: str) -> str:
    """Relative href from a list page's folder to an article path (TRS writes ./202611/t…html)."""
    r = posixpath.relpath(target, from_dir)
    return r if r.startswith(".") else "./" + r


def sidebar(col: Column) -> str:
    if col.parent is None or not col.parent.children:
        return ""
    siblings = col.parent.children
    on = ' class="on"'
    items = "".join(
        f'<li{on if s is col else ""}><a href="{s.path}">{escape(s.name)}</a></li>' for s in siblings
    )
    return f'<div class="left-nav"><h3>{escape(col.parent.name)}</h3><ul>{items}</ul></div>\n'


def _empty_marker(col: Column) -> str:
    if col.spec.blank == "placeholder":
        return f'<div class="no-data">{PLACEHOLDER}</div>\n'
    if col.spec.blank == "note":
        return f'<div class="column-note">{NOTE}</div>\n'
    return ""


# ------------------------------------------------------------------------------------------------------ TRS


def trs_pages(col: Column) -> dict[str, str]:
    """File name in the column folder -> list body HTML."""
    groups = chunks(col.entries, TRS_PAGE_SIZE)
    folder = col.path
    out: dict[str, str] = {}
    for i, group in enumerate(groups):
        rows = "".join(
            f'<li><a href="{rel(folder, e.path)}" target="_blank" title="{escape(e.title)}">{escape(e.title)}</a>'
            f"<span>{e.date.isoformat()}</span></li>\n"
            for e in group
        )
        if col.spec.blank == "placeholder":
            rows = f'<li class="no-data">{PLACEHOLDER}</li>\n'
        body = (
            f'<div class="main w1200">\n{sidebar(col)}<div class="list-box">\n'
            f'<div class="list-title"><h2>{escape(col.name)}</h2></div>\n'
            + (f'<div class="column-note">{NOTE}</div>\n' if col.spec.blank == "note" else "")
            + f'<ul class="list">\n{rows}</ul>\n'
            f'<div class="page"><script type="text/javascript">\n<!--\n'
            f'createPageHTML({len(groups)}, {i}, "index", "html");\n//-->\n</script></div>\n'
            f"</div>\n</div>\n"
        )
        out["index.html" if i == 0 else f"index_{i}.html"] = body
    return out


# ------------------------------------------------------------------------------------------------------ table


def table_pages(col: Column) -> dict[str, str]:
    groups = chunks(col.entries, TABLE_PAGE_SIZE)
    folder = posixpath.dirname(col.path) + "/"
    total = len(col.entries)
    out: dict[str, str] = {}

    def name(i: int) -> str:
        return "index.htm" if i == 0 else f"index_{i}.htm"

    for i, group in enumerate(groups):
        rows = "".join(
            '<tr><td width="20" align="center"><img src="/images/dot.png" width="5" height="5"></td>'
            f'<td class="title"><a href="{rel(folder, e.path)}" target="_blank">{escape(e.title)}</a></td>'
            f'<td width="90" class="date" align="right">{e.date.isoformat()}</td></tr>\n'
            for e in group
        )
        if not group and col.spec.blank == "placeholder":
            rows = f'<tr><td colspan="3" align="center">{PLACEHOLDER}</td></tr>\n'
        last = len(groups) - 1
        nav = [f'共{total}条记录　第{i + 1}/{last + 1}页　', f'<a href="{name(0)}">首页</a> ']
        nav.append(f'<a href="{name(i - 1)}">上一页</a> ' if i > 0 else "上一页 ")
        nav.append(f'<a href="{name(i + 1)}">下一页</a> ' if i < last else "下一页 ")
        nav.append(f'<a href="{name(last)}">尾页</a>')
        side = sidebar(col)
        body = (
            '<table width="980" border="0" cellspacing="0" cellpadding="0" align="center" class="main">\n<tr>'
            f'<td width="220" valign="top" class="left">{side}</td>\n<td valign="top">\n'
            f'<table width="100%" class="lm-title"><tr><td><b>{escape(col.name)}</b></td></tr></table>\n'
            + (f'<table width="100%"><tr><td class="column-note">{NOTE}</td></tr></table>\n'
               if col.spec.blank == "note" else "")
            + f'<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list-table">\n{rows}</table>\n'
            f'<table width="100%" class="pager"><tr><td align="center">{"".join(nav)}</td></tr></table>\n'
            "</td></tr></table>\n"
        )
        out[name(i)] = body
    return out


# ------------------------------------------------------------------------------------------------------ Hanweb

DATAPROXY = "/module/web/jpage/dataproxy.jsp"


def hanweb_unit(col: Column) -> int:
    return col.colid + 2000


def dataproxy_url(col: Column, start: int, webid: int) -> str:
    end = start + HANWEB_GROUP - 1
    return (f"{DATAPROXY}?startrecord={start}&endrecord={end}&perpage={HANWEB_PER_PAGE}"
            f"&columnid={col.colid}&unitid={hanweb_unit(col)}&webid={webid}")


def _records(entries: list[Entry]) -> str:
    return "".join(
        f'<record><![CDATA[\n<li><a href="{e.path}" target="_blank" title="{escape(e.title)}">{escape(e.title)}</a>'
        f"<span>{e.date.isoformat()}</span></li>\n]]></record>\n"
        for e in entries
    )


def _datastore(col: Column, start: int, webid: int) -> str:
    group = col.entries[start - 1:start - 1 + HANWEB_GROUP]
    nxt = start + HANWEB_GROUP
    nextgroup = (f'<nextgroup><![CDATA[<a href="{dataproxy_url(col, nxt, webid)}"></a>]]></nextgroup>\n'
                 if nxt <= len(col.entries) else "<nextgroup><![CDATA[]]></nextgroup>\n")
    return (f"<datastore>\n{nextgroup}<totalrecord>{len(col.entries)}</totalrecord>\n"
            f"<recordset>\n{_records(group)}</recordset>\n</datastore>")


def hanweb_page(col: Column, webid: int) -> str:
    unit = hanweb_unit(col)
    return (
        f'<div class="main w1200">\n{sidebar(col)}<div class="list-box">\n'
        f'<div class="bt-title"><span>{escape(col.name)}</span></div>\n'
        + _empty_marker(col)
        + f'<div class="default_pgContainer" id="{unit}"><script type="text/xml">\n{_datastore(col, 1, webid)}\n'
        f"</script></div>\n"
        f'<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>\n'
        f'<script type="text/javascript">$(function(){{$("#{unit}").jpage({{dataStore: "", perPage: '
        f'{HANWEB_PER_PAGE}, groupSize: {HANWEB_GROUP // HANWEB_PER_PAGE}, proxyUrl: "{DATAPROXY}", '
        f'totalRecord: {len(col.entries)}, barPosition: "bottom", ajaxParam: {{col: 1, webid: {webid}, '
        f'columnid: {col.colid}, unitid: {unit}}}}});}});</script>\n'
        "</div>\n</div>\n"
    )


def hanweb_proxy_pages(col: Column, webid: int) -> dict[str, str]:
    """dataproxy URL (path with query) -> XML body, for every group after the first."""
    out: dict[str, str] = {}
    start = 1 + HANWEB_GROUP
    while start <= len(col.entries):
        out[dataproxy_url(col, start, webid)] = (
            '<?xml version="1.0" encoding="UTF-8"?>\n' + _datastore(col, start, webid) + "\n"
        )
        start += HANWEB_GROUP
    return out


# ------------------------------------------------------------------------------------------------------ JS app


def js_slug(col: Column) -> str:
    return col.path.strip("/").replace("/", "-")


def js_page(col: Column) -> str:
    """The column page: an empty list filled from its JSON endpoint by a script in the page, or (js_bundled)
    by the site's /js/list.js reading the channel from the list's data attribute."""
    channel = js_slug(col)
    head = (f'<div class="main w1200">\n{sidebar(col)}<div class="list-box">\n'
            f'<div class="list-title"><h2>{escape(col.name)}</h2></div>\n')
    if col.spec.js_bundled:
        return (head + f'<ul id="list" class="list" data-channel="{channel}"></ul>\n<div id="pager" class="page"></div>\n'
                '<script type="text/javascript" src="/js/list.js"></script>\n</div>\n</div>\n')
    return head + '<ul id="list" class="list"></ul>\n<div id="pager" class="page"></div>\n' + (
        "<script type=\"text/javascript\">\n" + _list_script(f"'/api/list?channel={channel}&page=' + page")
        + "</script>\n</div>\n</div>\n")


def list_script() -> str:
    """/js/list.js: the bundled list script (the channel read from the list's data-channel attribute)."""
    return _list_script("'/api/list?channel=' + document.getElementById('list').getAttribute('data-channel') "
                        "+ '&page=' + page")


def _list_script(address: str) -> str:
    return (
        "(function () {\n"
        "  var m = /[?&]page=(\\d+)/.exec(location.search); var page = m ? parseInt(m[1], 10) : 1;\n"
        "  var xhr = new XMLHttpRequest();\n"
        f"  xhr.open('GET', {address}, true);\n"
        "  xhr.onload = function () {\n"
        "    var data = JSON.parse(xhr.responseText), ul = document.getElementById('list'), html = '';\n"
        "    for (var i = 0; i < data.list.length; i++) { var it = data.list[i];\n"
        "      html += '<li><a href=\"' + it.url + '\" target=\"_blank\" title=\"' + it.title + '\">' + it.title +\n"
        "        '</a><span>' + it.date + '</span></li>'; }\n"
        "    ul.innerHTML = html; var p = '';\n"
        "    if (data.page > 1) p += '<a href=\"?page=' + (data.page - 1) + '\">上一页</a> ';\n"
        "    p += '<span>第' + data.page + '/' + data.pages + '页</span> ';\n"
        "    if (data.page < data.pages) p += '<a href=\"?page=' + (data.page + 1) + '\">下一页</a>';\n"
        "    document.getElementById('pager').innerHTML = p;\n"
        "  };\n"
        "  xhr.send();\n"
        "})();\n"
    )


def js_api_pages(col: Column) -> dict[str, str]:
    """/api/list?channel=…&page=N -> JSON text."""
    groups = chunks(col.entries, JS_PAGE_SIZE)
    out: dict[str, str] = {}
    for i, group in enumerate(groups, start=1):
        doc = {
            "channel": js_slug(col), "name": col.name, "page": i, "pages": len(groups),
            "total": len(col.entries),
            "list": [{"title": e.title, "url": e.path, "date": e.date.isoformat()} for e in group],
        }
        out[f"/api/list?channel={js_slug(col)}&page={i}"] = json.dumps(doc, ensure_ascii=False, indent=1)
    return out
