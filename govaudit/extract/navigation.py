"""Column (栏目) discovery on a home or channel page, plus the small HTML/URL helpers the other
page-level extractors share (features, guides, letters).

Everything here takes already-decoded HTML text and the page URL and never raises on bad input:
an empty, truncated or binary-ish page gives an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

import lxml.html
from lxml import etree

from govaudit.extract.dates import iter_dates, url_date
from govaudit.extract.joinurl import fast_join, join_url

if TYPE_CHECKING:
    from govaudit.extract.document import Document

# ---------------------------------------------------------------------------------------------------------
# parsing helpers (shared)

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.I)
_INVISIBLE = frozenset(("script", "style", "noscript", "template"))
_WS = re.compile(r"[\s\u3000\xa0]+")


def parse_html(html: str | bytes | None) -> lxml.html.HtmlElement | None:
    """Parse HTML text into an lxml tree; None when there is nothing parseable."""
    if not html:
        return None
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    text = _CONTROL.sub(" ", _XML_DECL.sub("", html))
    # stray </body></html> of server-side included fragments make libxml2 drop the rest of the page;
    # browsers ignore them, and so do we
    text = _END_TAGS.sub(" ", text)
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root


def clean_text(text: str | None) -> str:
    """Collapse every whitespace run (incl. full-width space and nbsp) into one space."""
    return _WS.sub(" ", text or "").strip()


def node_text(el: lxml.html.HtmlElement, skip: Callable[[lxml.html.HtmlElement], bool] | None = None) -> str:
    """Visible text of an element, without <script>/<style> content, whitespace collapsed.
    ``skip(element)`` true drops that element's own text and its descendants' (not its tail)."""
    if not len(el) and isinstance(el.tag, str) and el.tag not in _INVISIBLE:
        return clean_text(el.text)  # a leaf (most links and cells)
    parts: list[str] = []
    if el.text and isinstance(el.tag, str) and el.tag not in _INVISIBLE:
        parts.append(el.text)
    stack = list(reversed(el)) if isinstance(el.tag, str) and el.tag not in _INVISIBLE else []
    while stack:
        node = stack.pop()
        if isinstance(node, str):  # a pending tail
            parts.append(node)
            continue
        if node.tail:
            stack.append(node.tail)
        if not isinstance(node.tag, str) or node.tag in _INVISIBLE or (skip is not None and skip(node)):
            continue
        if node.text:
            parts.append(node.text)
        stack.extend(reversed(node))
    return clean_text(" ".join(parts))


def base_url(root: lxml.html.HtmlElement, url: str) -> str:
    """The URL relative links resolve against: <base href> when present, else the page URL."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return join_url(url, href)
    return url


def absolute_url(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL of ``href`` without fragment; None for javascript:, mailto:, tel:, empty."""
    if not href:
        return None
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#"):
        return None
    low = href.lower()
    if low.startswith(("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:", "sms:", "weixin:")):
        return None
    fast = fast_join(base, href)
    if fast is not None and "#" not in fast:  # a relative link on an http(s) base: nothing left to check
        return fast
    try:
        full = fast if fast is not None else join_url(base, href)
        full = urldefrag(full)[0]
        parts = urlsplit(full)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return full


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def same_site(link: str, site_url: str) -> bool:
    """True when ``link`` is on the site's host (``www.`` ignored) or one of its subdomains."""
    a, b = _bare(host_of(link)), _bare(host_of(site_url))
    if not a or not b:
        return False
    return a == b or a.endswith("." + b)


ATTACHMENT_EXT = (
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "zip", "rar", "7z",
    "tar", "gz", "txt", "csv", "rtf", "ceb", "tif", "tiff", "xml", "apk", "exe", "mp3", "mp4", "avi",
    "flv", "wmv", "mov", "wav",
)
IMAGE_EXT = ("jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico")
_ATTACH_QUERY = re.compile(r"(?:download|downfile|fileid|attach|filedown)", re.I)


def url_ext(url: str) -> str:
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_attachment_url(url: str) -> bool:
    """A downloadable file (document, archive, media), by extension or a download-style query."""
    ext = url_ext(url)
    if ext in ATTACHMENT_EXT:
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(_ATTACH_QUERY.search(parts.path.rsplit("/", 1)[-1])) or bool(
        parts.query and re.search(r"(?:^|[&?])(?:fileid|attachid|attachmentid)=", parts.query, re.I)
    )


def is_image_url(url: str) -> bool:
    return url_ext(url) in IMAGE_EXT


def classes_of(el: lxml.html.HtmlElement) -> str:
    """``id`` and ``class`` of an element, lower-cased, for region heuristics."""
    return f"{el.get('id') or ''} {el.get('class') or ''}".lower()


# ---------------------------------------------------------------------------------------------------------
# article URLs

_LISTY_NAME = re.compile(
    r"^(?:index|default|list|lists|more|channel|column|node|main|home|sitemap|xxgk|xxgk_list|mylist|"
    r"[a-z]+_list|list_[a-z0-9]+|index_\d+|list_\d+)\.(?:s?html?|jsp|php|aspx?|do)$",
    re.I,
)
_ARTICLE_PATTERNS = (
    re.compile(r"/t(?:19|20)\d{6}_\d+\.[a-z]+$", re.I),  # TRS t20171210_123.html
    re.compile(r"/art_\d+_\d+\.[a-z]+$", re.I),  # Hanweb art_1769_4380443.html
    re.compile(r"/art/(?:19|20)\d{2}/", re.I),  # Hanweb /art/2017/12/10/
    re.compile(r"(?:^|/)content_\d+\.[a-z]+$", re.I),  # content_123.htm
    re.compile(r"/content/[^/]+\.[a-z]+$", re.I),  # TrueCMS /content/<uuid>.html
    re.compile(r"/(?:c|content|detail|article|info|show|view|news)_?\d{3,}\.[a-z]+$", re.I),
    re.compile(r"/[0-9a-f]{16,}\.[a-z]+$", re.I),  # hashed file names
    re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z]+$", re.I),
    re.compile(r"/[0-9a-f]{24,}/c\.html?$", re.I),  # xinhua /20260913/<hash>/c.html
    re.compile(r"/\d{5,}\.[a-z]+$", re.I),  # /123456.html
    re.compile(r"/(?:art|article|detail|details|content|show|view|info)(?:\.[a-z]+)?$", re.I),
)
_ARTICLE_QUERY = re.compile(
    r"(?:^|&)(?:articleid|article_id|artid|newsid|news_id|infoid|info_id|contentid|content_id|docid|"
    r"doc_id|aid|nid|itemid|id|wid|uuid)=\w{2,}",
    re.I,
)
_DETAIL_PATH = re.compile(r"(?:detail|details|article|content|show|view|info|xiangqing)", re.I)


def looks_like_article_url(url: str) -> bool:
    """A detail (article) URL rather than a column/list: dated paths, TRS/Hanweb/TrueCMS article names,
    numeric or hashed file names, detail?id= queries."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    path = parts.path or "/"
    name = path.rsplit("/", 1)[-1]
    if _LISTY_NAME.match(name):
        return False
    for pattern in _ARTICLE_PATTERNS:
        if pattern.search(path):
            return True
    # a dated folder followed by a file (not an index/list): /202608/26ed...shtml, /2017/1210/x.html
    if name and "." in name and url_date(url) is not None:
        return True
    return bool(parts.query and _ARTICLE_QUERY.search(parts.query) and _DETAIL_PATH.search(path))


# ---------------------------------------------------------------------------------------------------------
# column discovery


@dataclass
class ColumnLink:
    name: str
    url: str
    region: str  # "nav" | "body" | "footer"


_UTILITY = re.compile(
    r"^(?:网站首页|首\s*页|返回首页|回到首页|主页|english|en|无障碍|无障碍浏览|无障碍阅读|网站无障碍|长者模式|"
    r"关怀版|适老版|适老化|老年版|登录|登陆|注册|用户登录|用户注册|个人中心|用户中心|我的空间|退出|"
    r"网站地图|站点地图|联系我们|设为首页|加入收藏|收藏本站|繁體|繁体|简体|繁體版|简体版|手机版|移动版|"
    r"rss|rss订阅|微信|微博|客户端|打印|打印本页|关闭|关闭窗口|返回顶部|回到顶部|帮助|使用帮助|搜索|"
    r"高级搜索|站内搜索|全文检索|检索|下载|上一页|下一页|尾页|末页|详情|详细|查看|网站声明|隐私声明|"
    r"免责声明|法律声明|版权声明|关于我们|版权所有|视力保护|纠错|我要纠错|我为政府网站找错|"
    r"信息纠错|网站纠错|读屏|大字版|语音|放大|缩小|简|繁|english版|英文版|english version)$",
    re.I,
)
_MORE_TEXT = re.compile(r"^(?:[+＋>》»\s]*)(?:更多|查看更多|more|更多内容|更多信息)?(?:[+＋>》»\s.…]*)$", re.I)
_HOME_NAMES = re.compile(r"^(?:网站首页|首\s*页|返回首页|回到首页|主页)$")
_NAV_HINT = re.compile(r"nav|menu|daohang|lanmu|(?:^|[\s_-])dh(?:$|[\s_\-\d])", re.I)
_FOOT_HINT = re.compile(r"foot|bottom|copyright|dibu|banquan|(?:^|[\s_-])db(?:$|[\s_\-\d])", re.I)
_LOGO_HINT = re.compile(r"logo|banner|slide|carousel|swiper|lunbo|focus|jdt|scroll", re.I)
_TITLE_HINT = re.compile(r"tit|head|hd\b|name|tab|lm|bt\b|heading|caption|label", re.I)
_DATE_ONLY = re.compile(r"^[\[\(（【]?\s*(?:\d{2,4}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?\s*[\]\)）】]?$")
_BREADCRUMB = re.compile(r"当前位置|您的位置|你的位置|所在位置|>|＞|»")
_HOME_PATH = re.compile(r"^/?(?:(?:index|default|main|home)\.(?:s?html?|jsp|php|aspx?))?$", re.I)
_SKIP_PATH = re.compile(r"(?:^|/)(?:search|sousuo|login|logout|register|jsearch|search4)(?:/|\.|$)", re.I)

_NAME_MAX = 24


def _region(a: lxml.html.HtmlElement) -> str:
    region = "body"
    for anc in a.iterancestors():
        if not isinstance(anc.tag, str):
            continue
        tag = anc.tag.lower()
        hints = classes_of(anc)
        if tag == "footer" or (hints.strip() and _FOOT_HINT.search(hints)):
            return "footer"
        if region == "body" and (tag == "nav" or (hints.strip() and _NAV_HINT.search(hints))):
            region = "nav"
    return region


def _in_logo(a: lxml.html.HtmlElement) -> bool:
    for i, anc in enumerate(a.iterancestors()):
        if i > 3 or not isinstance(anc.tag, str):
            break
        if _LOGO_HINT.search(classes_of(anc)):
            return True
    return bool(_LOGO_HINT.search(classes_of(a)))


def anchor_name(a: lxml.html.HtmlElement) -> str:
    """The name a link shows: its text, else the alt of an image inside, else its title attribute."""
    text = node_text(a)
    if text:
        return text
    for img in a.iter("img"):
        alt = clean_text(img.get("alt"))
        if alt:
            return alt
    return clean_text(a.get("title"))


def _is_more(a: lxml.html.HtmlElement, text: str) -> bool:
    if text:
        return bool(_MORE_TEXT.match(text)) and len(text) <= 12 and not text.isspace()
    alts = " ".join(clean_text(img.get("alt")) for img in a.iter("img"))
    if "更多" in alts or "more" in alts.lower():
        return True
    srcs = " ".join((img.get("src") or "").rsplit("/", 1)[-1] for img in a.iter("img"))
    if re.search(r"more|gengduo", srcs, re.I):
        return True
    return "more" in classes_of(a) or (a.get("class") or "").strip().lower() == "gd"


def _title_candidates(container: lxml.html.HtmlElement, skip: set[int]) -> list[tuple[lxml.html.HtmlElement, str]]:
    """Short heading-like texts inside a block container, in document order."""
    found: list[tuple[lxml.html.HtmlElement, str]] = []
    seen_ids: set[int] = set()
    for el in container.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "ul", "ol", "table", "tbody", "option"):
            continue
        if id(el) in skip:
            continue
        if any(id(anc) in seen_ids for anc in el.iterancestors()):
            continue
        # a leaf-ish element: all children are inline and the whole text is short
        if any(isinstance(ch.tag, str) and ch.tag in ("ul", "ol", "table", "li", "dl", "p") for ch in el):
            continue
        text = node_text(el, skip=lambda n: id(n) in skip)  # the heading without its 更多 link
        if not text or len(text) < 2 or len(text) > 16:
            continue
        if _MORE_TEXT.match(text) or _DATE_ONLY.match(text) or _BREADCRUMB.search(text):
            continue
        if not re.search(r"[\u4e00-\u9fff]", text):
            continue
        # list entries are not headings: skip text holding, or sitting in a row holding, an article link
        if any(looks_like_article_url(x.get("href") or "") for x in el.iter("a")):
            continue
        row = next((anc for i, anc in enumerate(el.iterancestors()) if i < 3 and anc.tag in ("li", "tr", "dd")), None)
        if row is not None and any(looks_like_article_url(x.get("href") or "") for x in row.iter("a")):
            continue
        found.append((el, text))
        seen_ids.add(id(el))
    return found


def _more_heading(a: lxml.html.HtmlElement) -> str:
    """Name a "更多" link by its block heading (the tab with the same index when a tab strip has one
    "更多" link per tab)."""
    anc = a
    for _level in range(5):
        anc = anc.getparent()
        if anc is None or not isinstance(anc.tag, str) or anc.tag in ("body", "html"):
            return ""
        mores = [x for x in anc.iter("a") if _is_more(x, node_text(x))]
        keep_alive = [x for m in mores for x in m.iter()]  # lxml proxies: ids are stable only while alive
        skip = {id(x) for x in keep_alive}
        titles = _title_candidates(anc, skip)
        if not titles:
            continue
        # prefer titles that come before the first "more" link, and heading-looking ones
        if len(mores) > 1 and len(titles) == len(mores):
            return titles[mores.index(a)][1] if a in mores else titles[0][1]
        hinted = [t for t in titles if t[0].tag in ("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b")
                  or _TITLE_HINT.search(classes_of(t[0]))
                  or (t[0].getparent() is not None and _TITLE_HINT.search(classes_of(t[0].getparent())))]
        pool = hinted or titles
        if len(mores) > 1 and len(pool) == len(mores):
            return pool[mores.index(a)][1] if a in mores else pool[0][1]
        if len(mores) > 1:
            return ""  # several blocks and no one-to-one pairing: do not guess
        before = [t for t in pool if t[0].sourceline is None or a.sourceline is None
                  or t[0].sourceline <= a.sourceline]
        return (before[-1] if before else pool[0])[1]
    return ""


def _is_home_url(link: str, page_url: str, home_urls: set[str]) -> bool:
    if link in home_urls:
        return True
    try:
        parts = urlsplit(link)
    except ValueError:
        return True
    return host_of(link) == host_of(page_url) and bool(_HOME_PATH.match(parts.path)) and not parts.query


def _same_page(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def _in_scope(link: str, site_url: str) -> bool:
    """Same site as ``site_url``; when the site lives under a path (a department site hosted on the
    portal, ``http://www.x.gov.cn/fgw/``), the link must also be under that path."""
    if not same_site(link, site_url):
        return False
    try:
        site_path = urlsplit(site_url).path
    except ValueError:
        return False
    directory = site_path.rsplit("/", 1)[0] + "/" if site_path else "/"
    if directory == "/" or _bare(host_of(link)) != _bare(host_of(site_url)):
        return True
    return urlsplit(link).path.startswith(directory)


def discover_columns(
    html: str, url: str, max_columns: int = 80, *, site_url: str | None = None, doc: Document | None = None
) -> list[ColumnLink]:
    """Column links of a home or channel page (nav bars, "更多" links named by their block heading,
    channel links), same site only, without articles, attachments, utility links and the home page.

    ``site_url`` (the registered site address) scopes the links when given: a site registered as
    ``http://www.x.gov.cn/fgw/`` keeps only links under ``/fgw/``; otherwise the page's host decides."""
    from govaudit.extract.document import document_of

    page = document_of(doc, html, url)
    root = page.root
    if root is None:
        return []
    anchors = list(root.iter("a"))
    # links named 首页 point at the home page, whatever their path (e.g. /stjj/index.shtml)
    home_urls: set[str] = set()
    for a in anchors:
        link = page.absolute(a.get("href"))
        if link and _HOME_NAMES.match(anchor_name(a)):
            home_urls.add(link)

    out: list[ColumnLink] = []
    index: dict[str, int] = {}
    for a in anchors:
        link = page.absolute(a.get("href"))
        if not link or not (_in_scope(link, site_url) if site_url else same_site(link, url)) \
                or _same_page(link, url):
            continue
        if _is_home_url(link, url, home_urls) or is_attachment_url(link) or is_image_url(link):
            continue
        if looks_like_article_url(link) or _SKIP_PATH.search(urlsplit(link).path):
            continue
        # another host (a subdomain) linked at its root is a different site, not a column
        if host_of(link) != host_of(url) and _bare(host_of(link)) != _bare(host_of(url)) and \
                _HOME_PATH.match(urlsplit(link).path):
            continue
        text = node_text(a)
        if _is_more(a, text):
            name = _more_heading(a) or clean_text(a.get("title"))
        else:
            if _in_logo(a):
                continue
            name = anchor_name(a)
        name = clean_text(re.sub(r"^[>»·•\-\s]+|[>»\s]+$", "", name))
        if not name or _UTILITY.match(name) or _MORE_TEXT.match(name) or len(name) > _NAME_MAX:
            continue
        if _DATE_ONLY.match(name) or any(True for _ in iter_dates(name)):
            continue  # a dated entry (e.g. a year-book row "2025统计年鉴 [12-31]"), not a column
        region = _region(a)
        key = link.rstrip("/")
        if key in index:
            prev = out[index[key]]
            if prev.region != "nav" and region == "nav":
                prev.region = "nav"
            continue
        index[key] = len(out)
        out.append(ColumnLink(name=name, url=link, region=region))
        if len(out) >= max_columns:
            break
    return out


MAX_OFFSITE_HOSTS = 5  # other hosts a home page's navigation may lead to that are worth one look


def offsite_nav_links(html: str, url: str, *, doc: Document | None = None) -> list[ColumnLink]:
    """Navigation-bar links to other hosts (a 信息公开 platform ``xxgk.…``, a provincial 集约化 platform, an IP),
    one per host, at most MAX_OFFSITE_HOSTS: candidates the crawl admits only when their page carries the
    site's identity (govaudit.crawl.identity)."""
    from govaudit.extract.document import document_of

    page = document_of(doc, html, url)
    root = page.root
    if root is None:
        return []
    own = _bare(host_of(url))
    out: list[ColumnLink] = []
    hosts: set[str] = set()
    for a in root.iter("a"):
        link = page.absolute(a.get("href"))
        if not link or _region(a) != "nav":
            continue
        host = host_of(link)
        if not host or _bare(host) == own or host.endswith("." + own) or host in hosts:
            continue
        if is_attachment_url(link) or is_image_url(link) or looks_like_article_url(link):
            continue
        name = clean_text(anchor_name(a))
        if not name or _UTILITY.match(name) or _MORE_TEXT.match(name) or len(name) > _NAME_MAX:
            continue
        hosts.add(host)
        out.append(ColumnLink(name=name, url=link, region="nav"))
        if len(out) >= MAX_OFFSITE_HOSTS:
            break
    return out
