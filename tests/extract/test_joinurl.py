"""join_url is urljoin, faster: held together over every link of the saved pages (and the real pages when they
are beside the checkout), against bases of the shapes sites have, and over the links urljoin reads otherwise."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from govaudit.extract.joinurl import fast_join, join_url

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "tests" / "pages", ROOT.parent.parent / "shared" / "realpages"]
HREF = re.compile(rb"""(?:href|src|action)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)

BASES = [
    "http://www.jc.gov.cn/",
    "http://www.jc.gov.cn",
    "https://www.jc.gov.cn/col/col1229214366/index.html",
    "http://www.jc.gov.cn/zwgk/tzgg/index.shtml?page=2#list",
    "http://www.jc.gov.cn:8080/xxgk/",
    "http://www.jc.gov.cn/a/b/c",
    "http://www.jc.gov.cn?x=1",
    "http://192.168.0.1/zw/index.jsp",
    # bases urljoin reads in its own way: they must go to urljoin
    "http://www.jc.gov.cn/a/../b/index.html",
    "http://www.jc.gov.cn//a//b/index.html",
    "http://www.jc.gov.cn/a;jsessionid=1/b.html",
    "http://user@www.jc.gov.cn/a/",
    "http://[::1]/a/",
    "http://政府.cn/a/",
    "HTTP://www.jc.gov.cn/a/",
    "ftp://www.jc.gov.cn/a/",
    "http://www.jc.gov.cn/a b/c.html",
]

EDGES = [
    "", "/", "?", "#", "#top", "?#", "x?", "x#", "?page=2", "?page=2#a", "index_1.html", "./index_1.html",
    "../index.html", "../../a/../b/./c.html", ".", "..", "./", "a/./b", "a/../b", "a//b", "//cdn.gov.cn/a.js",
    "/a//b", "/a/./b", "/a/../b", "/.hidden", "x.html#frag", "/col/col123/index.html?uid=1&pageNum=2",
    "javascript:void(0)", "mailto:a@b.cn", "tel:123", "http://other.gov.cn", "http://other.gov.cn/a/../b",
    "HTTP://other.gov.cn/a", "https:/x", "http:x", "x:y", "a:b/c", "/a:b", "c:\\files\\a.doc", "\\a\\b.html",
    " /a.html", "/a.html ", "\t/a.html", "/a\n/b.html", "/a b.html", "/附件/通知.doc", "%E9%80%9A.html",
    "/a;jsessionid=ABC?x=1", "a;b", "/a?b=c?d", "/a?x=http://b/c", "/[x]", "data:text/html,x", "?x#y",
]


def _outcome(join: object, base: str, href: str) -> str:
    try:
        return join(base, href)  # type: ignore[operator,no-any-return]
    except ValueError as exc:  # urljoin refuses some (an unclosed IPv6 host): join_url must refuse them too
        return f"ValueError: {exc}"


def _hrefs() -> set[str]:
    found: set[str] = set()
    for folder in PAGES:
        if not folder.is_dir():
            continue
        for page in folder.rglob("*.htm*"):
            for m in HREF.finditer(page.read_bytes()):
                raw = next(g for g in m.groups() if g is not None)
                found.add(raw.decode("utf-8", "replace"))
    return found


def test_every_saved_link_joins_as_urljoin_joins_it() -> None:
    hrefs = _hrefs() | set(EDGES)
    assert len(hrefs) > 500  # the saved pages are there: the test is about real links, not a handful
    fast = 0
    for base in BASES:
        for href in hrefs:
            assert _outcome(join_url, base, href) == _outcome(urljoin, base, href), (base, href)
            fast += fast_join(base, href) is not None
    assert fast > len(hrefs)  # and most common links took the fast way


@pytest.mark.parametrize(("base", "href", "joined"), [
    ("http://www.jc.gov.cn/zwgk/tzgg/index.shtml", "202611/t20261120_1.html",
     "http://www.jc.gov.cn/zwgk/tzgg/202611/t20261120_1.html"),
    ("http://www.jc.gov.cn/zwgk/tzgg/index.shtml?x#y", "?page=2", "http://www.jc.gov.cn/zwgk/tzgg/index.shtml?page=2"),
    ("http://www.jc.gov.cn:8080/a/b.html", "/col/col1/index.html", "http://www.jc.gov.cn:8080/col/col1/index.html"),
    ("http://www.jc.gov.cn", "index_1.html", "http://www.jc.gov.cn/index_1.html"),
    ("https://www.jc.gov.cn/a/", "http://www.jc.gov.cn/art/2026/11/20/art_1_2.html",
     "http://www.jc.gov.cn/art/2026/11/20/art_1_2.html"),
])
def test_common_links_take_the_fast_way(base: str, href: str, joined: str) -> None:
    assert fast_join(base, href) == joined == urljoin(base, href)


@pytest.mark.parametrize("href", ["../a.html", "./a.html", "a//b.html", "//cdn.gov.cn/a.js", "HTTP://x.cn/a",
                                  "http://[::1]/a", "http://x.cn//a", "x:y", "/a;b", "a.html?", "a.html#", " a.html"])
def test_links_urljoin_reads_its_own_way_are_left_to_it(href: str) -> None:
    assert fast_join("http://www.jc.gov.cn/a/b.html", href) is None


def test_random_links_join_as_urljoin_joins_them() -> None:
    import random

    rng = random.Random(20261202)
    alphabet = ["/", "/", ".", "..", "?", "#", ":", ";", "a", "b1", "_", "-", "%2F", " ", "\t", "\\", "=", "&",
                "[", "@", "http:", "//", "附件", "x.html"]
    for _ in range(20000):
        href = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        base = rng.choice(BASES)
        assert _outcome(join_url, base, href) == _outcome(urljoin, base, href), (base, href)


def _absolute_by_urllib(href: str | None, base: str) -> str | None:
    """navigation.absolute_url as it was written over urllib alone: the reference for its fast way."""
    from urllib.parse import urldefrag, urlsplit

    if not href:
        return None
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#"):
        return None
    if href.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:", "sms:", "weixin:")):
        return None
    try:
        full = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(full)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return full


def test_absolute_links_are_those_urllib_gives() -> None:
    from govaudit.extract.navigation import absolute_url

    for base in BASES:
        for href in _hrefs() | set(EDGES):
            assert absolute_url(href, base) == _absolute_by_urllib(href, base), (base, href)
