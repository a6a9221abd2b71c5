"""Generic fallback: no family-specific knowledge; list and pager are found structurally."""

from __future__ import annotations

import re

NAME = "generic"

# Scripts that build a list client-side (XHR/JSON, templating, client pagers). One pattern each, every one
# with a literal start, searched in the lowercased page: one alternation of them all is ~30x slower on big pages.
_DYNAMIC_RES = tuple(
    re.compile(p)
    for p in (
        r"\$\.(?:ajax|get|post|getjson)\s*\(", r"xmlhttprequest", r"\bfetch\s*\(", r"axios\.", r"\.getjson\s*\(",
        r"laypage", r"layui\.", r"v-for=", r"ng-repeat", r"\{\{\s*[\w.]+\s*\}\}", r"template\.render", r"arttemplate",
        r"dot\.template", r"handlebars", r"mustache", r"pagination\s*\(", r"\.jqpaginator", r"jpage\(",
        r"new\s+vue\s*\(",
    )
)


def detect(text: str, url: str) -> bool:
    return True


def dynamic(text: str) -> bool:
    """Markers of a list that scripts build (only consulted when the raw HTML has no entries)."""
    if "document.write" in text:
        return True
    low = text.lower()
    return any(r.search(low) for r in _DYNAMIC_RES)
