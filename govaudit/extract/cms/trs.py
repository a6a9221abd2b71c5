"""TRS WCM: ``createPageHTML(count, current, "index", "html"[, records])`` pagers and index_N pages."""

from __future__ import annotations

import re

from govaudit.extract.joinurl import join_url
from govaudit.extract.pagination import PageInfo

NAME = "trs"

# found from its name (a look-behind before it would cost a check at every character of the page); a call of
# some.createPageHTML( or of myCreatePageHTML( is told apart by the character before it (_CALLED_ON)
_CALL_RE = re.compile(r"createPageHTML\s*\(([^()]{0,200})\)")
_CALLED_ON = re.compile(r"[\w.]")
_DETECT_RE = re.compile(r"/t(?:19|20)\d{6}_\d+\.s?html?|TRS\s*WCM|trs_|TRS_")


def detect(text: str, url: str) -> bool:
    if "createPageHTML" in text:
        return True
    return bool(_DETECT_RE.search(text)) or bool(re.search(r"/t(?:19|20)\d{6}_\d+", url))


def _args(raw: str) -> list[str]:
    return [a.strip().strip("\"'").strip() for a in raw.split(",")]


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def pagination(text: str, url: str) -> PageInfo | None:
    """Page count / next page from the ``createPageHTML`` call (not its definition)."""
    if "createPageHTML" not in text:
        return None
    for m in _CALL_RE.finditer(text):
        if m.start() > 0 and _CALLED_ON.match(text, m.start() - 1):
            continue
        if text[max(0, m.start() - 12) : m.start()].rstrip().endswith("function"):
            continue
        args = _args(m.group(1))
        if not args or not args[0]:
            continue
        if _int(args[0]) is None:
            # 6-argument variant: (target div id, page count, 1-based current, name, ext, records);
            # the renderer lives in an external script, so the next page's URL is not known.
            if len(args) < 3:
                continue
            count, current = _int(args[1]), _int(args[2])
            records = _int(args[5]) if len(args) > 5 else None
            if count is None:
                continue
            return PageInfo(total_pages=count, current_page=current, total_records=records,
                            mechanism="createPageHTML-6")
        count = _int(args[0])
        current = _int(args[1]) if len(args) > 1 else 0
        if count is None:
            continue
        current = current or 0
        name = args[2] if len(args) > 2 and args[2] else "index"
        ext = args[3] if len(args) > 3 and args[3] else "html"
        records = _int(args[4]) if len(args) > 4 else None
        info = PageInfo(total_pages=count, current_page=current + 1, total_records=records,
                        mechanism="createPageHTML")
        if current + 1 < count:
            info.next_pages.append(join_url(url, f"{name}_{current + 1}.{ext}"))
        return info
    return None
