"""Hanweb JCMS (大汉): /col/colNNN/index.html columns, /art/YYYY/M/D/art_C_I.html articles, jpage lists.

Column lists are ``<datastore>`` records (see :mod:`govaudit.extract.cms.datastore`), either embedded in
``<script type="text/xml">`` or fetched from ``/module/web/jpage/dataproxy.jsp``.
"""

from __future__ import annotations

import re

from govaudit.extract.cms import datastore
from govaudit.extract.pagination import PageInfo

NAME = "hanweb"

_DETECT_RE = re.compile(
    r"/module/web/jpage/|/module/jslib/|/col/col\d+/|/art/(?:19|20)\d{2}/\d{1,2}/\d{1,2}/art_|hanweb|大汉网络",
    re.IGNORECASE,
)


def detect(text: str, url: str) -> bool:
    return bool(_DETECT_RE.search(text[:200000])) or "/col/col" in url


def pagination(text: str, url: str) -> PageInfo | None:
    return datastore.pagination(text, url)


def dynamic(text: str) -> bool:
    """jpage lists whose records come only from dataproxy.jsp (no embedded records)."""
    return "/module/web/jpage/" in text or "dataproxy.jsp" in text or "<datastore" in text
