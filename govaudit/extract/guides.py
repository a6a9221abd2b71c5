"""Service guides (办事指南): which rubric element categories a guide page has, and guide links on a list page.

An element is present when one of its labels (or a synonym, govaudit/data/guide_elements.yaml) appears as a
label — a table cell, a <dt>, a heading, a "标签：" prefix, or a clause inside running text ("…，办公时间：周一至
周五，…", "本中心受理机构为中心办公室") — with content next to it (the following cell/row, <dd>, paragraph, or the
rest of the clause). Deadlines (承诺时限, 法定时限) are labels but not 办理时间. A guide that is only a picture
has no readable element: every element counts as missing (``image_only``). The 2015 census sheet checks
8 categories, the 2019 indicators 10.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

from govaudit.extract.document import Document, document_of
from govaudit.extract.navigation import (
    classes_of,
    clean_text,
    host_of,
    is_attachment_url,
    is_image_url,
    looks_like_article_url,
    node_text,
    same_site,
)
from govaudit.extract.phrases import guide_non_elements, guide_synonyms

ELEMENTS_2019 = ("name", "basis", "conditions", "materials", "location", "agency", "fees", "hours", "phone", "process")
ELEMENTS_2015 = ("name", "basis", "conditions", "materials", "location", "hours", "phone", "process")

ELEMENT_LABELS = {
    "name": "事项名称",
    "basis": "设定依据",
    "conditions": "申请条件",
    "materials": "办理材料",
    "location": "办理地点",
    "agency": "办理机构",
    "fees": "收费标准",
    "hours": "办理时间",
    "phone": "联系电话",
    "process": "办理流程",
}

# every label that stands for an element category (the official label first)
ELEMENT_SYNONYMS: dict[str, tuple[str, ...]] = guide_synonyms()
NON_ELEMENT_LABELS: tuple[str, ...] = guide_non_elements()

# (synonym, element) longest first, so that 收费依据 is a fee label and not a basis label; "" = a label that is
# no element (承诺时限)
_LABELS: tuple[tuple[str, str], ...] = tuple(
    sorted([(syn, key) for key, syns in ELEMENT_SYNONYMS.items() for syn in syns]
           + [(syn, "") for syn in NON_ELEMENT_LABELS], key=lambda p: -len(p[0]))
)

_NUMBERING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．,，:：\s]+|[【\[〔]|[●■◆▪•·*\-—])+")
_COLON = re.compile(r"[：:]")
_BLOCK_TAGS = frozenset(("td", "th", "dt", "dd", "li", "p", "h1", "h2", "h3", "h4", "h5", "h6", "div",
                         "section", "tr", "caption", "label", "pre", "blockquote", "article"))
_CONTAINER_TAGS = frozenset(("div", "section", "article", "tr", "li", "ul", "ol", "dl", "table", "tbody",
                             "thead", "p", "blockquote"))
_EMPTY_VALUE = re.compile(r"^[\s\-—/／\\.。…]*(?:暂无|无|空|略|待定|null|none)?[\s\-—/／\\.。…]*$", re.I)
# "无" is a statement for fees (no charge), not a missing value
_FEE_STATEMENT = re.compile(r"^[\s]*(?:无|不收费|免费|否)[\s。.]*$")
_FORM_MENTION = re.compile(r"申请表|申请书|登记表|申报表|审批表|样表|表格|模板|范本|格式文本")


@dataclass
class GuideInfo:
    title: str
    is_guide: bool
    elements: list[str]
    attachments: list[str]
    mentions_forms: bool = False  # names a form (申请表, 登记表...) that the applicant must supply
    element_labels: dict[str, str] = field(default_factory=dict)  # element -> label text found
    image_only: bool = False  # the guide is a picture (its elements cannot be read: they count as missing)


def _label_of(text: str) -> tuple[str, str] | None:
    """(element, rest) when ``text`` starts with an element label; rest is what follows the label."""
    norm = _NUMBERING.sub("", clean_text(text)).lstrip()
    norm = norm.replace(" ", "")
    if not norm:
        return None
    for syn, key in _LABELS:
        if not norm.startswith(syn):
            continue
        rest = norm[len(syn):]
        # the label may carry a qualifier: 办理时限（工作日）, 收费标准及依据, 】
        qual = re.match(r"^(?:[（(][^）)]{0,12}[）)]|及[\u4e00-\u9fff]{1,6}|[】\]〕])*", rest)
        rest = rest[qual.end():] if qual else rest
        m = _COLON.match(rest)
        if m:
            return key, rest[m.end():].strip()
        if not rest:
            return key, ""
        return None  # the label word starts a longer phrase ("依据法律..."), not a label
    return None


def _leaf_blocks(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Block elements in document order that contain no other block element."""
    body = root.find("body")
    scope = body if body is not None else root
    out: list[lxml.html.HtmlElement] = []
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS:
            continue
        if any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in el.iterdescendants()):
            continue
        out.append(el)
    return out


def _cell_value(cell: lxml.html.HtmlElement) -> str:
    """Content of the cell right of ``cell``, or of the cell below it (header-row tables)."""
    sib = cell.getnext()
    while sib is not None and not (isinstance(sib.tag, str) and sib.tag in ("td", "th")):
        sib = sib.getnext()
    if sib is not None and not (cell.tag == "th" and sib.tag == "th"):  # th|th is a header row
        value = node_text(sib)
        if value and _label_of(value) is None:
            return value
    row = cell.getparent()
    if row is None or row.tag != "tr":
        return ""
    cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
    try:
        idx = cells.index(cell)
    except ValueError:
        return ""
    below = row.getnext()
    while below is not None and not (isinstance(below.tag, str) and below.tag == "tr"):
        below = below.getnext()
    if below is None:
        return ""
    if sum(1 for r in below.itersiblings() if isinstance(r.tag, str) and r.tag == "tr") > 1:
        return ""  # many rows under a header: a list of items, not one guide's values
    below_cells = [c for c in below if isinstance(c.tag, str) and c.tag in ("td", "th")]
    if idx < len(below_cells):
        value = node_text(below_cells[idx])
        if value and _label_of(value) is None:
            return value
    return ""


def _has_value(value: str, key: str = "") -> bool:
    if not value:
        return False
    if key == "fees" and _FEE_STATEMENT.match(value):
        return True
    if key == "phone" and not re.search(r"\d{3,}[-－\s]?\d{4,}|\d{5,}", value):
        return False  # a phone element without a number is not there
    return not _EMPTY_VALUE.match(value)


def _label_text(text: str) -> str:
    """The label as written (numbering and colon removed)."""
    norm = _NUMBERING.sub("", clean_text(text)).replace(" ", "")
    for syn, _key in _LABELS:
        if norm.startswith(syn):
            return syn
    return norm[:12]


def _inline_label(block: lxml.html.HtmlElement, text: str) -> tuple[str, str, bool] | None:
    """(element, rest of the block, whether another element follows the label element)."""
    children = [c for c in block if isinstance(c.tag, str)]
    for pos, child in enumerate(children[:2]):
        label_text = node_text(child)
        if not label_text:
            continue
        hit = _label_of(label_text)
        if hit is None or hit[1]:
            return None
        rest = text[text.find(label_text) + len(label_text):] if label_text in text else ""
        return hit[0], rest.strip(" ：:"), pos + 1 < len(children)
    return None


_CLAUSE_SPLIT = re.compile(r"[；;，,。]")
_CLAUSE_PREFIX = 4  # "本中心受理机构为…": a short subject may precede a label followed by 为/是


def _clause_labels(text: str) -> list[tuple[str, str, str]]:
    """(element, label, value) of every clause of ``text`` that is "标签：值" or "…标签为值"."""
    out: list[tuple[str, str, str]] = []
    for clause in _CLAUSE_SPLIT.split(text):
        c = _NUMBERING.sub("", clean_text(clause)).replace(" ", "")
        if len(c) < 3:
            continue
        hit = _label_of(c)
        if hit is not None:
            if hit[1]:
                out.append((hit[0], _label_text(c), hit[1]))
            continue
        for syn, key in _LABELS:
            idx = c.find(syn)
            if 0 <= idx <= _CLAUSE_PREFIX and c[idx + len(syn):idx + len(syn) + 1] in ("为", "是"):
                out.append((key, syn, c[idx + len(syn) + 1:]))
                break
    return out


def guide_elements(root: lxml.html.HtmlElement) -> dict[str, str]:
    """element -> label found, for each element category that has a label with content."""
    found: dict[str, str] = {}
    blocks = _leaf_blocks(root)
    texts = [node_text(b) for b in blocks]
    for i, (block, text) in enumerate(zip(blocks, texts, strict=True)):
        if not text or len(text) > 4000:
            continue
        if _CLAUSE_SPLIT.search(text):
            # labels inside running text: "受理机构：…；办公地址：…；办公时间：…", "本中心受理机构为中心办公室"
            for key, label, value in _clause_labels(text):
                if key and key not in found and _has_value(value, key):
                    found[key] = label
        hit = _label_of(text)
        holder = False  # the block has its own value holder next to the label
        if hit is None:
            # a label in its own inline element at the start of the block: <div><span>设定依据</span>...</div>
            inline = _inline_label(block, text)
            if inline is None:
                continue
            hit, holder = (inline[0], inline[1]), inline[2]
        key, rest = hit
        if not key or key in found:  # a deadline (承诺时限) is a label but no element
            continue
        value = rest
        if not _has_value(value, key) and not holder:
            if block.tag in ("td", "th"):
                value = _cell_value(block)
            elif block.tag == "dt":
                dd = block.getnext()
                value = node_text(dd) if dd is not None and dd.tag == "dd" else ""
            if not _has_value(value, key):
                # the next block, unless it is a label itself (a heading followed by a paragraph); empty
                # layout divs are skipped, an empty value holder (<p></p>, <dd></dd>) means "no content"
                for nxt_block, nxt in zip(blocks[i + 1:i + 4], texts[i + 1:i + 4], strict=False):
                    if not nxt:
                        if nxt_block.tag in ("div", "section", "tr", "li"):
                            continue
                        break
                    value = "" if _label_of(nxt) is not None else nxt
                    break
        if _has_value(value, key):
            found[key] = _label_text(text)
    return found


def _title(root: lxml.html.HtmlElement) -> str:
    for tag in ("h1", "h2"):
        for el in root.iter(tag):
            text = node_text(el)
            if 2 <= len(text) <= 80:
                return text
    title = root.find(".//title")
    return node_text(title) if title is not None else ""


def guide_info(html: str, url: str, *, doc: Document | None = None) -> GuideInfo:
    """The element categories, attachments and title of one service-guide page."""
    page = document_of(doc, html, url)
    root = page.root
    if root is None:
        return GuideInfo(title="", is_guide=False, elements=[], attachments=[])
    found = guide_elements(root)
    elements = [key for key in ELEMENTS_2019 if key in found]
    attachments: dict[str, None] = {}  # ordered, without repeats
    for a in root.iter("a"):
        link = page.absolute(a.get("href"))
        if link and link not in attachments and is_attachment_url(link):
            attachments[link] = None
    title = _title(root)
    page_title = root.find(".//title")
    titles = title + " " + (node_text(page_title) if page_title is not None else "")
    named_guide = bool(re.search(r"指南|须知", titles))
    body = root.find("body")
    text = node_text(body if body is not None else root)
    image_only = len(elements) < 2 and named_guide and _picture_guide(root)
    is_guide = len(elements) >= 4 or (named_guide and len(elements) >= 2) or image_only
    return GuideInfo(
        title=title,
        is_guide=is_guide,
        elements=elements,
        attachments=list(attachments),
        mentions_forms=bool(_FORM_MENTION.search(text)),
        element_labels={k: found[k] for k in elements},
        image_only=image_only,
    )


_CHROME_IMG = re.compile(r"logo|banner|icon|ico_|btn|button|arrow|dot|line|bg|top|foot|qr|ewm|erweima|share|weixin|weibo"
                         r"|conac|jiucuo|zhaocuo|wza", re.I)
_GUIDE_IMG_ALT = re.compile(r"指南|流程|须知|材料|清单|办事|一次告知|告知单")


def _picture_guide(root: lxml.html.HtmlElement) -> bool:
    """The guide's content is a picture: a content image (not a logo or button), with hardly any running text
    besides it (the page title, a date line)."""
    body = root.find("body")
    scope = body if body is not None else root
    pictures = []
    for img in scope.iter("img"):
        src = img.get("src") or ""
        if not src or _CHROME_IMG.search(src) or _in_skipped_region(img):
            continue
        width = img.get("width") or ""
        wide = width.isdigit() and int(width) >= 300
        if wide or _GUIDE_IMG_ALT.search(img.get("alt") or "") or "upload" in src.lower() or "/w0" in src.lower():
            pictures.append(img)
    if not pictures:
        return False
    words = 0
    for block in _leaf_blocks(root):
        if block.tag in ("p", "td", "div", "li", "span", "section", "article") and not _in_skipped_region(block):
            text = node_text(block)
            if len(text) > 40:
                words += len(text)
    return words < 200


# ---------------------------------------------------------------------------------------------------------
# guide links on a list page

_GUIDE_URL = re.compile(
    r"bszn|fwzn|banshizhinan|guide|zhinan|itemdetail|item_detail|itemInfo|sxxq|serviceitem|service_item|"
    r"bsznDetail|approveitem|qlsx|matter|shixiang|sxdetail|taskdetail|task_detail|itemcode|item_code",
    re.I,
)
_ITEM_NAME = re.compile(
    r"许可|审批|登记|备案|核准|确认|证明|办理|申请|变更|注销|年检|审核|注册|换发|补发|核发|认定|奖励|给付|征收|"
    r"裁决|延续|转移|撤销|查询|证书|资格|资质|执照|指南"
)
_NOT_GUIDE_TEXT = re.compile(r"^(?:在线办理|网上办理|我要办理|立即办理|在线申报|网上申报|预约|收藏|评价|咨询|"
                             r"表格下载|下载|更多|首页|上一页|下一页|尾页|末页|\d+)$")
_SKIP_REGION = re.compile(r"foot|bottom|copyright|nav|menu|header|top|crumb|position|location|page", re.I)


def _in_skipped_region(a: lxml.html.HtmlElement) -> bool:
    for i, anc in enumerate(a.iterancestors()):
        if i > 12 or not isinstance(anc.tag, str):
            break
        if anc.tag in ("nav", "footer", "header") or _SKIP_REGION.search(classes_of(anc)):
            return True
    return False


def find_guide_links(html: str, url: str, *, doc: Document | None = None) -> list[str]:
    """Links to individual guide pages from a 办事指南 list page (same site or another government
    service host); attachments, pagers and navigation are left out."""
    page = document_of(doc, html, url)
    root = page.root
    if root is None:
        return []
    out: list[str] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        link = page.absolute(a.get("href"))
        if not link or link.rstrip("/") == url.rstrip("/") or link in seen:
            continue
        if is_attachment_url(link) or is_image_url(link):
            continue
        text = node_text(a) or clean_text(a.get("title"))
        if not text or _NOT_GUIDE_TEXT.match(text):
            continue
        host = host_of(link)
        host_ok = same_site(link, url) or host.endswith((".gov.cn", ".gov"))
        if not host_ok or _in_skipped_region(a):
            continue
        if "指南" in text and len(text) <= 8 and not _GUIDE_URL.search(link) and not looks_like_article_url(link):
            # "办事指南" pointing at a list or column, not at one guide
            row = a.getparent()
            in_row = row is not None and row.tag in ("td", "li", "span", "div") and len(node_text(row)) > len(text)
            if not in_row:
                continue
        is_guide = bool(_GUIDE_URL.search(_own_part(link, url))) or "指南" in text or (
            looks_like_article_url(link) and bool(_ITEM_NAME.search(text)) and len(text) >= 4
        )
        if is_guide:
            seen.add(link)
            out.append(link)
    return out


def _own_part(link: str, page_url: str) -> str:
    """The part of ``link`` that is not shared with the list page's directory (so that a list page under
    /bszn/ does not make every neighbouring link look like a guide)."""
    directory = page_url.split("?", 1)[0].rsplit("/", 1)[0] + "/"
    return link[len(directory):] if link.startswith(directory) else link
