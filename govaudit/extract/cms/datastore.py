"""``<datastore>`` record lists (Hanweb JCMS jpage, Nantong TrueCMS): embedded or as an AJAX payload.

A Hanweb column page carries its list as
``<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?...">]]>
</nextgroup><recordset><record><![CDATA[<li>...</li>]]></record>...</recordset></datastore></script>``
and a paging script with ``perPage``/``totalRecord``; the AJAX payload (``dataproxy.jsp``) is the same
datastore wrapped in JSONP (``raw({"result":"<datastore>..."})``) with JSON escapes.
"""

from __future__ import annotations

import json
import math
import re

from govaudit.extract.joinurl import join_url
from govaudit.extract.pagination import PageInfo

NAME = "datastore"

_RECORD_RE = re.compile(r"<record(?:\s[^>]*)?>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.DOTALL | re.IGNORECASE)
_JSON_STR_RE = re.compile(r'"((?:[^"\\]|\\.)*<(?:datastore|record)(?:[^"\\]|\\.)*)"', re.DOTALL)
_TOTAL_RE = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+)", re.IGNORECASE)
_PERPAGE_RE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)|<perpage>\s*(\d+)", re.IGNORECASE)
_GROUP_RE = re.compile(r"groupSize\s*[:=]\s*['\"]?(\d+)", re.IGNORECASE)
_NEXTGROUP_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)[\"']", re.DOTALL | re.IGNORECASE)
_START_RE = re.compile(r"[?&]startrecord=(\d+)", re.IGNORECASE)


def detect(text: str, url: str) -> bool:
    return "<datastore" in text or "<\\/record>" in text or "<record>" in text


def dynamic(text: str) -> bool:
    return "dataproxy.jsp" in text or "<datastore" in text


def unwrap(text: str) -> str:
    """The datastore XML from a page or a JSON/JSONP payload (JSON escapes undone)."""
    stripped = text.lstrip()
    if stripped.startswith("<") or ("<datastore" not in text and "<record" not in text):
        return text  # a page, or a payload without a string holding the XML (_JSON_STR_RE needs one)
    parts = []
    for m in _JSON_STR_RE.finditer(text):
        try:
            parts.append(json.loads('"' + m.group(1) + '"'))
        except ValueError:
            parts.append(m.group(1).replace("\\/", "/").replace('\\"', '"'))
    return "".join(parts) if parts else text


def records_html(text: str) -> list[str] | None:
    """The HTML of each ``<record>``, or None when the text holds no datastore records."""
    if "record" not in text:
        return None
    xml = unwrap(text)
    found = [(m.group(1) if m.group(1) is not None else m.group(2) or "") for m in _RECORD_RE.finditer(xml)]
    return found or None


def _first_int(pattern: re.Pattern[str], text: str) -> int | None:
    m = pattern.search(text)
    if not m:
        return None
    value = next((g for g in m.groups() if g), None)
    return int(value) if value else None


def pagination(text: str, url: str) -> PageInfo | None:
    """Total records / pages and the next dataproxy request from a datastore page or payload."""
    if "<datastore" not in text and "totalrecord" not in text and "totalRecord" not in text:
        return None
    xml = unwrap(text)
    total = _first_int(_TOTAL_RE, xml)
    if total is None:
        total = _first_int(_TOTAL_RE, text)
    per_page = _first_int(_PERPAGE_RE, text)
    group = _first_int(_GROUP_RE, text) or 3
    n_records = len(_RECORD_RE.findall(xml))
    if total is None and per_page is None:
        return None
    info = PageInfo(total_records=total, mechanism="datastore")
    if per_page and total is not None:
        info.total_pages = max(1, math.ceil(total / per_page))
    m = _NEXTGROUP_RE.search(xml)
    if m and total is not None and per_page:
        base = join_url(url, m.group(1).replace("&amp;", "&"))
        start_m = _START_RE.search(url)
        shown_until = (int(start_m.group(1)) - 1 if start_m else 0) + n_records
        if shown_until < total:
            end = min(total, shown_until + group * per_page)
            sep = "&" if "?" in base else "?"
            info.next_pages.append(f"{base}{sep}startrecord={shown_until + 1}&endrecord={end}&perpage={per_page}")
    return info
