"""Page states of a column page without list entries: blank (a CMS placeholder), an explanatory note
(备注说明), or a page that shows one document (a content page)."""

from __future__ import annotations

from typing import Any

from govaudit.extract.phrases import is_blank_note, list_phrases
from govaudit.extract.tree import (
    NO_HOME_RE,
    SKIP_TAGS,
    count_cjk,
    main_text_chars,
    penalised,
    squash,
    text_of,
)


def placeholder_and_note(root: Any) -> tuple[str | None, str | None]:
    """(a blank-column placeholder text, an explanatory note) of an empty column page.

    A note states why nothing was produced (「本机关无此类信息」, 「依申请公开，暂无主动公开信息」); a CMS
    placeholder (「本栏目暂无信息」, 「暂无内容」) does not, and never counts as one. Link labels and the page's
    footer are not read as notes (「依申请公开」 in a menu, 「未经本单位许可不得转载」)."""
    phrases = list_phrases()
    placeholder: str | None = None
    note: str | None = None
    body = root.find("body")
    scope = body if body is not None else root
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            continue
        for piece, own in ((el.text, True), (el.tail, False)):
            s = squash(piece)
            if not s or len(s) > 300:
                continue
            if placeholder is None and phrases.placeholder.search(s):
                placeholder = s
            if note is None and not (own and el.tag == "a") and is_blank_note(s):
                holder = el if own else el.getparent()
                if holder is not None and not penalised(holder, NO_HOME_RE, 8):
                    note = s
    return placeholder, note


_DOCUMENT_CHARS = 150  # running text (CJK characters) of a page that shows a document


_DOCUMENT_MAX_ROWS = 2  # at most a publication line and a related link or two


def one_document(root: Any, used: list[Any], visible: bool) -> bool:
    """Whether the page shows one document: long running text outside the rows found (``used``), which are at
    most a publication line (发布日期：…) and a couple of related links - or, when no row shows a date (only
    URL-dated or undated links: related articles, "关于我们" menus; ``visible`` False), whatever their number,
    while the document's text outweighs theirs."""
    if visible and len(used) > _DOCUMENT_MAX_ROWS:
        return False
    body = root.find("body")
    scope = body if body is not None else root
    outside = main_text_chars(scope, 0, set(used))
    if outside < _DOCUMENT_CHARS:
        return False
    if visible:
        return True
    inside = sum(count_cjk(text_of(el)) for el in used)
    return outside >= 2 * inside

