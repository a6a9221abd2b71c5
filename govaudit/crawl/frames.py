"""Lists that live in a frame: a column page whose visible list is the document of an ``<iframe>`` or a
``<frame>`` (older CMS templates, 信息公开 platforms embedded in a portal's page). The frame's document is
read as the column's list."""

from __future__ import annotations

import re
from urllib.parse import urljoin

_FRAME_RE = re.compile(r"<i?frame\b[^>]*>", re.IGNORECASE)
_SRC_RE = re.compile(r"\bsrc\s*=\s*([\"'])(.*?)\1|\bsrc\s*=\s*([^\s>]+)", re.IGNORECASE | re.DOTALL)
_SIZE_RE = re.compile(r"\b(width|height)\s*=\s*[\"']?(\d+)(?:px)?[\"']?", re.IGNORECASE)
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# frames that are never a column's list: maps, players, counters, share buttons, weather, chat widgets
_NOT_A_LIST = re.compile(r"map\.|/map|video|player|weather|tianqi|share|count|stat|\.(?:pdf|swf|jpg|png|gif)(?:\?|$)",
                         re.IGNORECASE)
_MIN_SIDE = 50  # pixels: a smaller frame is a tracker or a widget
_NAME_RE = re.compile(r"\b(?:name|id)\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)
# frames of a frameset that hold the page's chrome, not its content
_CHROME_NAME = re.compile(r"top|head|banner|foot|bottom|menu|left|nav|logo", re.IGNORECASE)


def frame_sources(html: str, url: str) -> list[str]:
    """Absolute URLs of the frames of a page that may hold its list: content frames first (a frameset's
    top/menu/left frames last), each group in page order."""
    out: list[str] = []
    chrome: list[str] = []
    for tag in _FRAME_RE.findall(html):
        m = _SRC_RE.search(tag)
        if not m:
            continue
        src = (m.group(2) if m.group(2) is not None else m.group(3) or "").strip()
        if not src or src.lower().startswith(("javascript:", "about:", "data:", "#", "mailto:")):
            continue
        if _HIDDEN_RE.search(tag) or any(int(v) < _MIN_SIDE for _, v in _SIZE_RE.findall(tag)):
            continue
        absolute = urljoin(url, src)
        if _NOT_A_LIST.search(absolute) or absolute in out + chrome or absolute.split("#")[0] == url.split("#")[0]:
            continue
        name = _NAME_RE.search(tag)
        (chrome if name and _CHROME_NAME.search(name.group(1)) else out).append(absolute)
    return out + chrome
