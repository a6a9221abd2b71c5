"""Generic fallback: no family-specific knowledge; list and pager are found structurally."""

from __future__ import annotations

import re

NAME = "generic"

# Scripts that build a list client-side (XHR/JSON, templating, client pagers).
_DYNAMIC_RE = re.compile(
    r"\$\.(?:ajax|get|post|getJSON)\s*\(|XMLHttpRequest|\bfetch\s*\(|axios\.|\.getJSON\s*\("
    r"|laypage|layui\.|v-for=|ng-repeat|\{\{\s*[\w.]+\s*\}\}|template\.render|artTemplate|doT\.template"
    r"|Handlebars|mustache|pagination\s*\(|\.jqPaginator|\.pagination\(|jpage\(|new\s+Vue\s*\(",
    re.IGNORECASE,
)


def detect(text: str, url: str) -> bool:
    return True


def dynamic(text: str) -> bool:
    """Markers of a list that scripts build (only consulted when the raw HTML has no entries)."""
    return bool(_DYNAMIC_RE.search(text)) or "document.write" in text
