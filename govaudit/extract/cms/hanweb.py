"""Hanweb JCMS (大汉): /col/colNNN/index.html columns, /art/YYYY/M/D/art_C_I.html articles, jpage lists.

Column lists are ``<datastore>`` records (see :mod:`govaudit.extract.cms.datastore`), either embedded in
``<script type="text/xml">`` or fetched from ``/module/web/jpage/dataproxy.jsp``.
"""

from __future__ import annotations

import re

from govaudit.extract.cms import datastore
from govaudit.extract.pagination import PageInfo

NAME = "hanweb"

_MARKERS = ("/module/web/jpage/", "/module/jslib/", "/col/col", "hanweb", "Hanweb", "大汉网络")
_ART_RE = re.compile(r"/art/(?:19|20)\d{2}/\d{1,2}/\d{1,2}/art_")


def detect(text: str, url: str) -> bool:
    if "/col/col" in url or any(m in text for m in _MARKERS):
        return True
    return "/art/" in text and bool(_ART_RE.search(text))


def pagination(text: str, url: str) -> PageInfo | None:
    return datastore.pagination(text, url)


def dynamic(text: str) -> bool:
    """jpage lists whose records come only from dataproxy.jsp (no embedded records)."""
    return "/module/web/jpage/" in text or "dataproxy.jsp" in text or "<datastore" in text
