"""Government "xhtml" site-cluster platform (.shtml pages, channelId meta, 页面生成时间 comments).

Its pager is the 6-argument ``createPageHTML('page-div', count, current, name, ext, records)`` handled by
:mod:`govaudit.extract.cms.trs`; this module only names the family.
"""

from __future__ import annotations

from govaudit.extract.cms import trs
from govaudit.extract.pagination import PageInfo

NAME = "xhtml"

_MARKERS = ("/xhtml/js/", "name=\"channelId\"", "name='channelId'", "页面生成时间")


def detect(text: str, url: str) -> bool:
    return any(m in text for m in _MARKERS)


def pagination(text: str, url: str) -> PageInfo | None:
    return trs.pagination(text, url)
