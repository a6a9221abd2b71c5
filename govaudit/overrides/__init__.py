"""Per-site parser overrides, for the few sites where the generic extraction is wrong.

One slug names everything of an override: the module ``govaudit/overrides/<slug>.py``, its test
``tests/overrides/test_<slug>.py`` and its saved page(s) ``tests/pages/overrides/<slug>*.html``.
A registry entry selects it with ``overrides: {parser: <slug>}``. The module defines

    def extract_list(body: bytes, url: str, encoding: str | None, asof: date) -> ListPage

and may call the generic ``govaudit.extract.listpage.extract_list`` with selectors of its own.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType

SLUG = re.compile(r"^[a-z][a-z0-9_]{1,60}$")


class OverrideError(ValueError):
    pass


def load_override(slug: str) -> ModuleType:
    if not SLUG.match(slug or ""):
        raise OverrideError(f"parser override {slug!r}: a slug is lower-case letters, digits and '_'")
    try:
        module = importlib.import_module(f"govaudit.overrides.{slug}")
    except ModuleNotFoundError as exc:
        raise OverrideError(f"parser override {slug!r}: no module govaudit/overrides/{slug}.py") from exc
    if not callable(getattr(module, "extract_list", None)):
        raise OverrideError(f"parser override {slug!r}: the module defines no extract_list()")
    return module
