"""Per-CMS knowledge, one small module per family, with a generic fallback.

Each family module exposes ``NAME`` and ``detect(text, url) -> bool``; it may also expose
``pagination(text, url) -> PageInfo | None`` (page-count/next-page knowledge from scripts) and
``dynamic(text) -> bool`` (markers of a list that is built client-side).
"""

from __future__ import annotations

from types import ModuleType

from govaudit.extract.cms import datastore, generic, hanweb, trs, xhtml

# Order matters: the first family whose detect() matches names the page.
FAMILIES: tuple[ModuleType, ...] = (hanweb, datastore, trs, xhtml, generic)


def detect_cms(text: str, url: str) -> ModuleType:
    """The CMS family module of a page (``generic`` when none matches)."""
    for family in FAMILIES:
        try:
            if family.detect(text, url):
                return family
        except Exception:
            continue
    return generic
