"""Published citizen letters (留言/信件/咨询) with their submission and reply dates.

Three page shapes are read:

* a grid (a table, or rows of a list / of divs) under a header row naming a submission-time column
  (留言时间/提问时间/来信时间...) and a reply-time (回复时间/答复时间) or status (办理状态) column;
* a list whose every item carries its own labels ("留言时间：2024-01-02 回复时间：2024-01-05 已回复");
* a single letter's detail page with labelled fields (来信时间：..., 答复时间：..., 答复内容：...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import lxml.html

from govaudit.extract.dates import parse_date
from govaudit.extract.navigation import (
    absolute_url,
    base_url,
    clean_text,
    is_attachment_url,
    node_text,
    parse_html,
)


@dataclass
class Letter:
    title: str
    url: str
    submitted: date | None
    replied: date | None
    answered: bool


_SUBMIT = r"(?:留言|来信|提问|咨询|写信|提交|发信|投诉|诉求|建言|反映|信件|来件)(?:时间|日期)"
_REPLY = r"(?:回复|答复|回信|办理|处理|反馈|办结|回应|答疑)(?:时间|日期)"
_STATUS = r"(?:办理|处理|回复|答复|信件|办件)?(?:状态|情况|结果)"
_TITLE = r"(?:信件|留言|来信|咨询|投诉|诉求|建言)?(?:标题|主题|名称|内容)"
_SUBMIT_RE = re.compile(_SUBMIT)
_REPLY_RE = re.compile(_REPLY)
_STATUS_RE = re.compile(rf"^{_STATUS}$")
_TITLE_RE = re.compile(rf"^{_TITLE}$")

_ANSWERED = re.compile(r"已回复|已答复|已办结|已处理|已反馈|已回应|办结|已完成|已解答|已受理并答复|已处置")
_UNANSWERED = re.compile(r"未回复|未答复|未办结|未处理|办理中|处理中|待回复|待答复|待处理|受理中|正在办理|"
                         r"正在处理|未反馈|待办理|转办中|交办中|未受理")
_REPLY_CONTENT = re.compile(r"(?:回复|答复|办理|处理)(?:内容|意见|结果)\s*[：:]\s*(\S.{4,})")
_REPLY_UNIT = re.compile(r"(?:回复|答复|办理|处理)(?:单位|部门|机构)\s*[：:]\s*(\S+)")

_LABEL_DATE = r"\s*[：:]?\s*(?P<d>[^：:]{0,24})"
_SUBMIT_DATE = re.compile(_SUBMIT + _LABEL_DATE)
_REPLY_DATE = re.compile(_REPLY + _LABEL_DATE)
_ROW_TAGS = ("tr", "li", "div", "dl", "p", "ul")


def _label_date(pattern: re.Pattern[str], text: str, asof: date | None) -> date | None:
    """The date written right after a label (within the label's field), else None."""
    for m in pattern.finditer(text):
        found = parse_date(m.group("d"), asof)
        if found is not None:
            return found
    return None


def _cells(row: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The cells of a grid row: <td>/<th> of a table row, else the row's element children."""
    if row.tag == "tr":
        return [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
    return [c for c in row if isinstance(c.tag, str) and c.tag not in ("script", "style", "br")]


def _header_roles(row: lxml.html.HtmlElement) -> dict[str, int] | None:
    """Column roles of a header row, or None when the row is not a letters header."""
    roles: dict[str, int] = {}
    cells = _cells(row)
    if len(cells) < 2 or len(cells) > 12:
        return None
    for i, cell in enumerate(cells):
        text = node_text(cell).replace(" ", "")
        if not text or len(text) > 12:
            continue
        if "submitted" not in roles and _SUBMIT_RE.search(text):
            roles["submitted"] = i
        elif "replied" not in roles and _REPLY_RE.search(text):
            roles["replied"] = i
        elif "status" not in roles and _STATUS_RE.match(text):
            roles["status"] = i
        elif "title" not in roles and _TITLE_RE.match(text):
            roles["title"] = i
    if "submitted" in roles and ("replied" in roles or "status" in roles):
        return roles
    return None


def _row_letter(row: lxml.html.HtmlElement, roles: dict[str, int], base: str, asof: date | None) -> Letter | None:
    cells = _cells(row)
    if len(cells) <= max(roles.values()):
        return None

    def cell_text(role: str) -> str:
        idx = roles.get(role)
        return node_text(cells[idx]) if idx is not None else ""

    submitted = parse_date(cell_text("submitted"), asof)
    if submitted is None:
        return None
    replied = parse_date(cell_text("replied"), asof) if "replied" in roles else None
    status = cell_text("status")
    link, title = _row_link(row, base)
    if "title" in roles and cell_text("title"):
        title = cell_text("title")
    return Letter(
        title=title,
        url=link,
        submitted=submitted,
        replied=replied,
        answered=_answered(replied, status),
    )


def _answered(replied: date | None, status: str) -> bool:
    if status and _UNANSWERED.search(status):
        return False
    return replied is not None or bool(status and _ANSWERED.search(status))


def _row_link(row: lxml.html.HtmlElement, base: str) -> tuple[str, str]:
    """The row's main link (the longest-titled one) and its text."""
    best_url, best_text = "", ""
    for a in row.iter("a"):
        link = absolute_url(a.get("href"), base)
        text = node_text(a) or clean_text(a.get("title"))
        if not link or is_attachment_url(link):
            continue
        title = clean_text(a.get("title")) or text
        if len(title) > len(best_text):
            best_url, best_text = link, title
    return best_url, best_text


def _grid_letters(root: lxml.html.HtmlElement, base: str, asof: date | None) -> list[Letter]:
    out: list[Letter] = []
    done: set[int] = set()
    keep: list[lxml.html.HtmlElement] = []  # keep lxml proxies alive so ids stay unique
    for header in root.iter(*_ROW_TAGS):
        if id(header) in done:
            continue
        roles = _header_roles(header)
        if roles is None:
            continue
        if header.tag == "tr":
            table = next((anc for anc in header.iterancestors("table")), None)
            rows = list(table.iter("tr")) if table is not None else []
            rows = rows[rows.index(header) + 1:] if header in rows else []
        else:
            rows = []
            sib = header.getnext()
            while sib is not None:
                if isinstance(sib.tag, str) and sib.tag == header.tag:
                    rows.append(sib)
                sib = sib.getnext()
            if not rows and header.getparent() is not None:
                # a header inside its own wrapper (<thead>-like div) with rows in the next sibling
                wrapper = header.getparent().getnext()
                if wrapper is not None and isinstance(wrapper.tag, str):
                    rows = [c for c in wrapper if isinstance(c.tag, str) and c.tag == header.tag]
        for row in rows:
            keep.append(row)
            done.add(id(row))
            if _header_roles(row) is not None:
                continue
            letter = _row_letter(row, roles, base, asof)
            if letter is not None:
                out.append(letter)
    return out


def _item_of(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The list item around a submission label: the nearest li/tr/dl/div holding a link and a date."""
    node: lxml.html.HtmlElement | None = el
    for _ in range(7):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html", "table", "ul"):
            return None
        if node.tag in ("li", "tr", "dl", "div") and any(a.get("href") for a in node.iter("a")):
            text = node_text(node)
            if len(text) > 600:
                return None
            return node if _label_date(_SUBMIT_DATE, text, None) else None
        node = node.getparent()
    return None


_ANSWER_MARK = re.compile(r"^\s*(?:答|回复|答复|回答|解答|办理结果|处理结果)\s*[：:]?")


def _answer_block(item: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The answer block right after a question block (在线咨询: <div class="q">问…</div><div class="a">答…</div>):
    the next element, when it carries a reply label, a status or an answer mark and is not a question itself."""
    nxt = item.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    if nxt is None or nxt.tag in ("script", "style"):
        return None
    text = node_text(nxt)
    if not text or len(text) > 3000 or _SUBMIT_DATE.search(text):
        return None
    if _REPLY_RE.search(text) or _ANSWERED.search(text) or _UNANSWERED.search(text) or _ANSWER_MARK.match(text):
        return nxt
    return None


def _labelled_item_letters(root: lxml.html.HtmlElement, base: str, asof: date | None) -> list[Letter]:
    """List items that carry their own labels: 留言时间：... 回复时间：... / 状态."""
    items: list[lxml.html.HtmlElement] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        owner = None
        if el.text and _SUBMIT_RE.search(el.text):
            owner = el
        elif el.tail and _SUBMIT_RE.search(el.tail):
            owner = el.getparent()
        if owner is None:
            continue
        item = _item_of(owner)
        if item is not None and item not in items:
            items.append(item)
    out: list[Letter] = []
    for item in items:
        text = node_text(item)
        if not (_REPLY_RE.search(text) or _ANSWERED.search(text) or _UNANSWERED.search(text)):
            answer = _answer_block(item)
            if answer is not None:
                text = f"{text} {node_text(answer)}"
        link, title = _row_link(item, base)
        submitted = _label_date(_SUBMIT_DATE, text, asof)
        if not link or submitted is None:
            continue
        replied = _label_date(_REPLY_DATE, text, asof)
        status = " ".join(m.group(0) for m in (_ANSWERED.search(text), _UNANSWERED.search(text)) if m)
        if not status and not _REPLY_RE.search(text):
            continue  # a dated item without any reply field or status is not a letter
        out.append(Letter(title=title, url=link, submitted=submitted, replied=replied,
                          answered=_answered(replied, status)))
    return out


def _labelled_value(root: lxml.html.HtmlElement, label: re.Pattern[str]) -> str:
    """The value next to a label: "标题：X" in one element, or a label cell/element and the next one."""
    for el in root.iter("td", "th", "dt", "span", "p", "div", "label", "strong", "b", "li", "h1", "h2", "h3"):
        text = node_text(el)
        if not text or len(text) > 200:
            continue
        m = label.match(text.replace(" ", "", 4) if len(text) < 12 else text)
        if not m:
            continue
        rest = text[m.end():].strip(" ：:")
        if rest:
            return rest
        nxt = el.getnext()
        while nxt is not None and not isinstance(nxt.tag, str):
            nxt = nxt.getnext()
        if nxt is not None:
            value = node_text(nxt)
            if value:
                return value
    return ""


_TITLE_LABEL = re.compile(r"^(?:信件|留言|来信|咨询|投诉|诉求|建言)?(?:标题|主题)\s*(?:[：:]|$)")


def _detail_letter(root: lxml.html.HtmlElement, url: str, asof: date | None) -> Letter | None:
    """A single letter page: labelled submission date plus a reply date, reply content or status."""
    body = root.find("body")
    text = node_text(body if body is not None else root)
    submitted = _label_date(_SUBMIT_DATE, text, asof)
    if submitted is None:
        return None
    replied = _label_date(_REPLY_DATE, text, asof)
    content = _REPLY_CONTENT.search(text)
    has_reply_fields = bool(_REPLY_DATE.search(text) or content or _REPLY_UNIT.search(text))
    status_m = _UNANSWERED.search(text) or _ANSWERED.search(text)
    if not has_reply_fields and not status_m:
        return None
    status = status_m.group(0) if status_m else ""
    answered = _answered(replied, status) or (bool(content) and not _UNANSWERED.search(status))
    title = _labelled_value(root, _TITLE_LABEL)
    if not title or len(title) > 120:
        h = next((node_text(e) for e in root.iter("h1", "h2", "h3") if node_text(e)), "")
        t = root.find(".//title")
        title = h or (node_text(t) if t is not None else "")
    return Letter(title=title[:200], url=url, submitted=submitted, replied=replied, answered=answered)


def extract_letters(html: str, url: str, asof: date | None = None) -> list[Letter]:
    """Letters published on a list page (grid or labelled items) or the letter of a detail page."""
    root = parse_html(html)
    if root is None:
        return []
    base = base_url(root, url)
    letters = _grid_letters(root, base, asof)
    if not letters:
        letters = _labelled_item_letters(root, base, asof)
    if not letters:
        one = _detail_letter(root, url, asof)
        letters = [one] if one is not None else []
    # one letter per URL (a row may repeat in a hidden copy of the table)
    out: list[Letter] = []
    seen: set[tuple[str, date | None, str]] = set()
    for letter in letters:
        key = (letter.url, letter.submitted, letter.title)
        if key in seen:
            continue
        seen.add(key)
        out.append(letter)
    return out
