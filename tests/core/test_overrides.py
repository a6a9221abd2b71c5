"""Per-site parser overrides: a slug names the module; bad slugs fail clearly before any request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import govaudit.overrides as overrides
from govaudit.overrides import OverrideError, load_override

MODULE = '''
from govaudit.extract.listpage import extract_list as generic


def extract_list(body, url, encoding, asof):
    # this site puts each row in <p class="row"> with the date in <i>
    return generic(body, url, encoding, asof, selectors={"item": "p.row", "date": "i"})
'''

PAGE = ("<html><body><div class='nav'><a href='/a/'>栏目A</a></div>"
        + "".join(f"<p class='row'><a href='/a/{i}.html'>第{i}条通知</a><i>2026年11月{10 + i}日</i></p>" for i in range(5))
        + "</body></html>").encode("utf-8")


def test_slug_module_is_loaded_and_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site_rowlist.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.setattr(overrides, "__path__", [*overrides.__path__, str(tmp_path)])
    module = load_override("site_rowlist")
    page = module.extract_list(PAGE, "http://x.gov.cn/a/", None, dt.date(2026, 11, 20))
    assert [e.date for e in page.entries][:2] == [dt.date(2026, 11, 10), dt.date(2026, 11, 11)]
    assert len(page.entries) == 5


@pytest.mark.parametrize("slug, words", [("../evil", "slug"), ("Bad-Slug", "slug"), ("no_such_site", "no module")])
def test_bad_slugs(slug: str, words: str) -> None:
    with pytest.raises(OverrideError, match=words):
        load_override(slug)
