"""Every page-level extractor returns empty/False results on bad HTML instead of raising."""

from __future__ import annotations

import os
from datetime import date

import pytest

from govaudit.extract.features import empty_features, looks_blocked, page_features, page_links
from govaudit.extract.guides import find_guide_links, guide_info
from govaudit.extract.letters import extract_letters
from govaudit.extract.navigation import discover_columns, looks_like_article_url

BAD = [
    "",
    "   \n\t ",
    "\x00\x01\x02\x03binary\xff\xfe",
    os.urandom(2048).decode("latin-1"),
    '<?xml version="1.0" encoding="gb2312"?><html><body><a href="/a/">栏目</a>',
    "<html><body><div class='nav'><a href='/zwdt/'>政务动",  # truncated mid-text
    "<html><body><a href=",  # truncated mid-attribute
    "<<<>>>&&&;;;<a href='javascript:alert(1)'>x</a><a href='mailto:a@b.c'>m</a>",
    "<table><tr><td>事项名称</td>" * 50,
    "<a href='http://[::1:bad/'>broken url</a><img src='http://%zz/'>",
]


@pytest.mark.parametrize("html", BAD)
def test_no_exception_and_empty_results(html):
    url = "http://www.qingshan.gov.cn/"
    cols = discover_columns(html, url)
    assert isinstance(cols, list)
    features = page_features(html, url, "青山县人民政府")
    assert set(features) == set(empty_features())
    assert features["zhaocuo"] is False and features["icp"] is None
    links = page_links(html, url)
    assert all(u.startswith("http") for _, u in links)
    assert looks_blocked(200, html) in (True, False)
    info = guide_info(html, url)
    assert info.is_guide is False
    assert isinstance(find_guide_links(html, url), list)
    assert extract_letters(html, url, date(2024, 9, 30)) == []


def test_truncated_real_page_keeps_what_is_there(page):
    html = page("home_full_footer.html")
    half = html[: len(html) // 2]
    cols = discover_columns(half, "http://www.qingshan.gov.cn/")
    assert any(c.name == "政务动态" for c in cols)
    f = page_features(half, "http://www.qingshan.gov.cn/")
    assert f["search"] is True and f["icp"] is None  # the footer was cut off


def test_odd_urls():
    assert looks_like_article_url("") is False
    assert looks_like_article_url("http://[bad") is False
    assert looks_blocked(None, "") is False
