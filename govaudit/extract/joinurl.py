"""`join_url(base, href)`: the same URL as `urllib.parse.urljoin(base, href)`, computed without parsing either
URL for the links government CMSs write most (``/col/col123/index.html``, ``202611/t20261120_1.html``,
``index_1.html``, ``?page=2``, ``http://www.x.gov.cn/art/…``): the base is split once per page (cached) and
such a link is appended to the part of the base it replaces, or is already whole. Anything else (another
scheme, ``//host``, a dot segment, an empty segment, a control character or space, a backslash, ``;``, an
empty query or fragment, a base that is not plain http(s)) goes to urljoin, so the result is urljoin's in
every case; tests/extract/test_joinurl.py holds the two together over every link of the saved pages."""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\;\[\]]|//|\?#|[?#]$")  # what urljoin may rewrite, or read otherwise
_NETLOC = re.compile(r"[A-Za-z0-9.\-_]+(?::[0-9]*)?")


def _origin(url: str) -> tuple[str, str] | None:
    """(scheme://netloc, what follows) of a plain http(s) URL that urljoin reads as written, else None."""
    scheme = "http://" if url.startswith("http://") else "https://" if url.startswith("https://") else ""
    rest = url[len(scheme):]
    if not scheme or _UNSAFE.search(rest):
        return None
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    return (scheme + rest[:cut], rest[cut:]) if _NETLOC.fullmatch(rest[:cut]) else None


@functools.lru_cache(maxsize=256)
def _base_parts(base: str) -> tuple[str, str, str] | None:
    """(scheme://netloc, the path's folder ending in "/", the base without its query and fragment), or None
    when links against this base must go through urljoin."""
    split = _origin(base)
    if split is None:
        return None
    origin, tail = split
    path = tail.split("?", 1)[0].split("#", 1)[0]
    if "/." in path:
        return None
    return origin, path[: path.rfind("/") + 1] or "/", origin + path


def fast_join(base: str, href: str) -> str | None:
    """urljoin(base, href) for a plain http(s), root-relative, folder-relative or query-only `href`; None for
    any other."""
    if href.startswith(("http://", "https://")):  # urljoin gives such a URL back as it is
        return href if _origin(href) is not None and _base_parts(base) is not None else None
    if not href or href[0] == "#" or _UNSAFE.search(href):
        return None
    first = href[0]
    if first != "?":
        path = href.split("?", 1)[0].split("#", 1)[0]
        if "/." in "/" + path or ":" in path:  # dot segments; a scheme, or what reads as one
            return None
    parts = _base_parts(base)
    if parts is None:
        return None
    origin, folder, whole = parts
    if first == "/":
        return origin + href
    if first == "?":
        return whole + href
    return origin + folder + href


def join_url(base: str, href: str) -> str:
    """`urllib.parse.urljoin(base, href)`, faster for the common links (see the module's note)."""
    joined = fast_join(base, href)
    return joined if joined is not None else urljoin(base, href)
