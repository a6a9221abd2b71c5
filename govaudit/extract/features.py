"""Page-level features the rubric checks: footer identity items, the 找错 entry, 47号 meta tags, site search,
a 国务院信息 column, the page's links, and whether a response is an anti-bot / WAF challenge.

Functions take decoded HTML text and the page URL, never raise, and return empty/False results for pages
they cannot parse.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html

from govaudit.extract.document import Document, document_of
from govaudit.extract.navigation import (
    absolute_url,
    classes_of,
    clean_text,
    is_attachment_url,
    is_image_url,
    looks_like_article_url,
    node_text,
    parse_html,
)

META_TAGS = (
    "SiteName", "SiteDomain", "SiteIDCode",
    "ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType",
    "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description", "Image", "Url",
)
_META_LOWER = {name.lower(): name for name in META_TAGS}

ZHAOCUO_HOSTS = ("zfwzzc.www.gov.cn", "zfwzgl.www.gov.cn")
_ZHAOCUO_TEXT = re.compile(r"我为政府网站找错|政府网站找错")
_CONAC = re.compile(r"(?:bszs|dcs|www)\.conac\.cn|_ideConac|conac\.cn/", re.I)

_SITE_CODE_TEXT = re.compile(r"(?:网站)?标识码\s*[：:]?\s*([A-Za-z]{0,2}\d{8,10})(?![\dA-Za-z])")
_SITE_CODE = re.compile(r"^(?=[A-Za-z0-9]{10}$)(?:[A-Za-z]{2}\d{8}|\d{10})$")
_ICP = re.compile(
    r"([\u4e00-\u9fff]{1,2})\s*ICP\s*备\s*(\d{6,12})\s*号?(?:\s*[-－—–]\s*(\d{1,3}))?", re.I
)
_POLICE = re.compile(r"([\u4e00-\u9fff]{1,2})\s*公网安备\s*[：:]?\s*(\d{10,16})\s*号?")
_ORGANIZER = re.compile(r"主办单位|主\s*办\s*[：:]|主办方\s*[：:]|主办机关")
_CONTACT = re.compile(
    r"联系方式|联系电话|联系我们|电\s*话\s*[：:]|电话|邮\s*箱|e-?mail|传\s*真|"
    r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)",
    re.I,
)
_STATE_COUNCIL = re.compile(
    r"国务院(?:信息|要闻|文件|重要信息|重要政策|政策|最新政策|动态|常务会议|公报|政策文件|政策解读)|转载国务院"
)
_SEARCH_HINT = re.compile(r"search|sousuo|jsearch|query|keyword|sword|searchword|ss_|\bss\b|\bq\b|检索|搜索|关键", re.I)
_FOOT_HINT = re.compile(r"foot|bottom|copyright|dibu|banquan", re.I)
_HEAD_HINT = re.compile(r"header|head|top|logo|banner|masthead|site-?name|sitename", re.I)


# ---------------------------------------------------------------------------------------------------------
# regions


def _footer_elements(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Outermost <footer> or foot/bottom/copyright-classed elements."""
    found: list[lxml.html.HtmlElement] = []
    kept: set[lxml.html.HtmlElement] = set()  # the found ones (the list keeps their proxies alive)
    body = root.find("body")
    scope = body if body is not None else root
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "img", "link", "meta"):
            continue
        if el.tag == "footer" or _FOOT_HINT.search(classes_of(el)):
            if kept and any(anc in kept for anc in el.iterancestors()):
                continue
            found.append(el)
            kept.add(el)
    return found


def _footer_text(root: lxml.html.HtmlElement, page_text: str) -> str:
    """Text of the footer area: the footer elements; when none has a telling class (bare tables), the
    page's last 800 characters of text outside list entries."""
    parts = [node_text(el) for el in _footer_elements(root)]
    if not parts:
        # no telling class: the page's last text, without list entries (article links)
        body = root.find("body")
        tail = node_text(body if body is not None else root, skip=_is_entry_link)
        parts.append(tail[-800:])
    return " ".join(parts)


def _is_entry_link(el: lxml.html.HtmlElement) -> bool:
    return el.tag == "a" and looks_like_article_url(el.get("href") or "")


def _header_text(root: lxml.html.HtmlElement, page_text: str) -> str:
    """Text of the header area: header/top/logo-classed elements, logo image alts, and the first
    600 characters of the page text."""
    parts: list[str] = [page_text[:600]]
    body = root.find("body")
    scope = body if body is not None else root
    count = 0
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if el.tag == "header" or _HEAD_HINT.search(classes_of(el)):
            parts.append(node_text(el)[:400])
            for img in el.iter("img"):
                parts.append(clean_text(img.get("alt")) + " " + clean_text(img.get("title")))
            count += 1
            if count > 20:
                break
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# individual features


def _metas(root: lxml.html.HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        canonical = _META_LOWER.get(name)
        if canonical is None or canonical in out:
            continue
        content = clean_text(meta.get("content"))
        if content:
            out[canonical] = content
    return out


def _zhaocuo(root: lxml.html.HtmlElement, base: str) -> bool:
    for el in root.iter("a", "img", "script", "iframe", "area"):
        ref = " ".join(filter(None, (el.get("href"), el.get("src"), el.get("data-src"))))
        if any(host in ref for host in ZHAOCUO_HOSTS):
            return True
        if el.tag == "script":
            # the national platform's loader, often built by inline JS (jiucuo.js with sitecode=...)
            if any(host in (el.text or "") for host in ZHAOCUO_HOSTS):
                return True
            continue
        label = node_text(el) if el.tag == "a" else ""
        label += " " + clean_text(el.get("alt")) + " " + clean_text(el.get("title"))
        if _ZHAOCUO_TEXT.search(label):
            return True
    return False


def _conac(root: lxml.html.HtmlElement) -> bool:
    for el in root.iter("a", "img", "script", "span", "iframe"):
        if el.tag == "span":
            if (el.get("id") or "") == "_ideConac":
                return True
            continue
        ref = " ".join(filter(None, (el.get("href"), el.get("src"))))
        if _CONAC.search(ref):
            return True
        if el.tag == "script" and el.text and "conac.cn" in el.text:
            return True
    return False


def _site_code(text: str, metas: dict[str, str]) -> str | None:
    for m in _SITE_CODE_TEXT.finditer(text):
        code = m.group(1)
        if _SITE_CODE.match(code):
            return code
    code = metas.get("SiteIDCode", "").strip()
    if _SITE_CODE.match(code):
        return code
    return None


def _icp(text: str) -> str | None:
    m = _ICP.search(text)
    if not m:
        return None
    value = f"{m.group(1)[-1]}ICP备{m.group(2)}号"
    if m.group(3):
        value += f"-{m.group(3)}"
    return value


def _police(text: str) -> str | None:
    m = _POLICE.search(text)
    if not m:
        return None
    return f"{m.group(1)[-1]}公网安备 {m.group(2)}号"


def _search(root: lxml.html.HtmlElement, base: str) -> bool:
    for form in root.iter("form"):
        hints = " ".join(filter(None, (form.get("action"), form.get("id"), form.get("name"), form.get("class"))))
        inputs = [i for i in form.iter("input") if (i.get("type") or "text").lower() in ("text", "search")]
        if inputs and (_SEARCH_HINT.search(hints) or any(_input_is_search(i) for i in inputs)):
            return True
    for inp in root.iter("input"):
        if (inp.get("type") or "text").lower() in ("text", "search") and _input_is_search(inp):
            return True
    for a in root.iter("a"):
        text = node_text(a)
        href = a.get("href") or ""
        if re.fullmatch(r"(?:站内|全站|高级)?(?:搜索|检索)", text):
            return True
        link = absolute_url(href, base)
        if link and re.search(r"/(?:search|sousuo|jsearch|s)(?:/|\.[a-z]+|$|\?)|search\.(?:do|jsp|html?|php)",
                              link, re.I) and text and len(text) <= 8:
            return True
    return False


def _input_is_search(inp: lxml.html.HtmlElement) -> bool:
    if (inp.get("type") or "text").lower() == "search":
        return True
    hints = " ".join(
        filter(None, (inp.get("name"), inp.get("id"), inp.get("class"), inp.get("placeholder"), inp.get("value")))
    )
    return bool(_SEARCH_HINT.search(hints))


def _state_council(root: lxml.html.HtmlElement) -> bool:
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "title", "meta"):
            continue
        if el.tag == "a":
            text = node_text(el)
            if text and len(text) <= 20 and _STATE_COUNCIL.search(text):
                return True
            continue
        # a block heading: a short text element of its own
        own = clean_text(el.text)
        if own and len(own) <= 16 and _STATE_COUNCIL.search(own):
            return True
    return False


def _site_name_in(site_name: str, *texts: str) -> bool:
    name = re.sub(r"\s+", "", site_name or "")
    if len(name) < 2:
        return False
    return any(name in re.sub(r"\s+", "", t or "") for t in texts)


def empty_features() -> dict[str, Any]:
    return {
        "zhaocuo": False,
        "conac": False,
        "site_code": None,
        "icp": None,
        "police_beian": None,
        "organizer": False,
        "contact": False,
        "meta": {},
        "search": False,
        "state_council": False,
        "title": "",
        "site_name_in_header": False,
    }


def page_features(html: str, url: str, site_name: str = "", *, doc: Document | None = None) -> dict[str, Any]:
    """The features of one page (keys: see ``empty_features``). ``meta`` holds only the 47号 tags
    present with a non-empty content."""
    features = empty_features()
    page = document_of(doc, html, url)
    root = page.root
    if root is None:
        return features
    base = page.base
    body = root.find("body")
    page_text = node_text(body if body is not None else root)
    title_el = root.find(".//title")
    title = node_text(title_el) if title_el is not None else ""
    metas = _metas(root)
    footer = _footer_text(root, page_text)
    # identity numbers may sit in the footer or elsewhere; link titles and image alts count too
    alts = " ".join(
        clean_text(el.get("alt")) + " " + clean_text(el.get("title")) for el in root.iter("img", "a")
    )
    features.update(
        zhaocuo=_zhaocuo(root, base),
        conac=_conac(root),
        site_code=_site_code(page_text + " " + alts, metas),
        icp=_icp(page_text + " " + alts),
        police_beian=_police(page_text + " " + alts),
        organizer=bool(_ORGANIZER.search(footer)),
        contact=bool(_CONTACT.search(footer)),
        meta=metas,
        search=_search(root, base),
        state_council=_state_council(root),
        title=title,
        site_name_in_header=_site_name_in(site_name, title, _header_text(root, page_text)),
    )
    return features


# ---------------------------------------------------------------------------------------------------------
# links


def page_links(html: str, url: str, *, doc: Document | None = None) -> list[tuple[str, str]]:
    """(kind, absolute URL) of every link, image and attachment on the page, kind in link|image|attachment;
    http(s) only, fragments stripped, each URL once (first occurrence wins)."""
    page = document_of(doc, html, url)
    root = page.root
    if root is None:
        return []
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(raw: str | None, from_img: bool) -> None:
        link = page.absolute(raw)
        if not link or link in seen:
            return
        seen.add(link)
        if is_attachment_url(link):
            kind = "attachment"
        elif from_img or is_image_url(link):
            kind = "image"
        else:
            kind = "link"
        out.append((kind, link))

    for el in root.iter("a", "area", "img", "iframe", "frame", "embed", "source", "video", "audio", "object"):
        if el.tag in ("a", "area"):
            add(el.get("href"), False)
        elif el.tag == "img":
            add(el.get("src") or el.get("data-src") or el.get("data-original"), True)
        elif el.tag == "object":
            add(el.get("data"), False)
        else:
            add(el.get("src"), False)
    return out


# ---------------------------------------------------------------------------------------------------------
# anti-bot / WAF challenge pages

_WAF_MARKERS = re.compile(
    r"安全狗|safedog|云锁|yunsuo|知道创宇|创宇盾|加速乐|__jsl_clearance|jsl_clearance|jiasule|"
    r"网站防火墙|web应用防火墙|(?<![a-z])waf(?![a-z])|360网站卫士|网站卫士|护卫神|D盾|网防G01|阿里云盾|aliyun_waf|errors\.aliyun\.com|"
    r"访问被拒绝|拒绝访问|您的访问被阻断|访问已被拦截|已被拦截|被拦截|请求被拦截|疑似黑客攻击|非法请求|"
    r"访问过于频繁|请求过于频繁|访问频率过高|"
    r"请开启\s*javascript|请启用\s*javascript|请打开\s*javascript|enable\s+javascript|javascript\s+is\s+disabled|"
    r"验证码|captcha|人机验证|滑动验证|安全验证|访问验证|"
    r"cf-chl|just a moment|attention required|access denied|request blocked|forbidden by|"
    r"\$_ts|r=['\"]m['\"]",
    re.I,
)
# markers that on their own (even with status 200) say "this is a challenge, not the page"
_STRONG_MARKERS = re.compile(
    r"__jsl_clearance|jsl_clearance|\$_ts\s*=|safedog|安全狗|云锁|知道创宇|创宇盾|加速乐|cf-chl|"
    r"您的访问被阻断|访问已被拦截|疑似黑客攻击|请开启\s*javascript|请启用\s*javascript|"
    r"访问过于频繁|请求过于频繁|人机验证|滑动验证",
    re.I,
)
# a script that sets a cookie and reloads the page (加速乐 obfuscates the __jsl_clearance name this way)
_COOKIE_CHALLENGE = re.compile(r"document\.cookie\s*=.{0,2000}?(?:location(?:\.href)?\s*=|location\.(?:reload|replace))",
                               re.S)
_RUISHU = re.compile(r"\$_ts\s*=|r=['\"]m['\"]|\$_ts\[", re.I)


def looks_blocked(status: int | None, html: str, *, doc: Document | None = None) -> bool:
    """True when the response is an anti-bot / WAF challenge (the site "could not be audited"), not a
    stale or blank page: 403/429/503/412/521 challenge pages, 瑞数 202/412 script shells, 加速乐
    __jsl_clearance, 安全狗/云锁 interception pages, JavaScript-required and captcha walls."""
    text = html or ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if status == 429:
        return True
    head = text[:200_000]
    if status in (202, 412) and _RUISHU.search(head):
        return True
    if status in (403, 405, 406, 412, 418, 429, 503, 520, 521, 522, 202):
        return bool(_WAF_MARKERS.search(head)) or bool(_COOKIE_CHALLENGE.search(head))
    # a 200 (or unknown status) page: only a strong marker on a page with hardly any content
    cookie_challenge = len(text) < 5000 and bool(_COOKIE_CHALLENGE.search(head))
    if not _STRONG_MARKERS.search(head) and not _RUISHU.search(head) and not cookie_challenge:
        return False
    root = doc.root if doc is not None else parse_html(text)
    if root is None:
        return True
    body = root.find("body")
    visible = node_text(body) if body is not None else ""
    links = sum(1 for a in root.iter("a") if a.get("href"))
    return len(visible) < 400 and links < 8
