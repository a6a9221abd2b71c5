"""`python tests/archive/offline.py SCRAPY-ARGS...`: a scrapy command with the network cut off. Every TCP
connection attempt is refused and written to $GOVAUDIT_TEST_NET_LOG (the test asserts it stays empty).

With GOVAUDIT_TEST_NO_ZHAOCUO=1 the page-feature extractor is changed, and nothing else: it misses every
"我为政府网站找错" entry (as a regression in that detector would), so a re-extraction must show it."""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

_LOG = os.environ.get("GOVAUDIT_TEST_NET_LOG", os.devnull)
_INET = (socket.AF_INET, socket.AF_INET6)


def _record(address: object) -> None:
    with Path(_LOG).open("a", encoding="utf-8") as fh:
        fh.write(f"{address}\n")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _refused_connect(self: socket.socket, address: object) -> None:
    if self.family in _INET:
        _record(address)
        raise ConnectionRefusedError(errno.ECONNREFUSED, "network disabled by the test")
    _connect(self, address)


def _refused_connect_ex(self: socket.socket, address: object) -> int:
    if self.family in _INET:
        _record(address)
        return errno.ECONNREFUSED
    return _connect_ex(self, address)


socket.socket.connect = _refused_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _refused_connect_ex  # type: ignore[method-assign]

if os.environ.get("GOVAUDIT_TEST_NO_ZHAOCUO"):
    import govaudit.extract.features as features

    _page_features = features.page_features

    def page_features(html: str, url: str, site_name: str = "") -> dict:  # type: ignore[type-arg]
        found = _page_features(html, url, site_name)
        found["zhaocuo"] = False
        return found

    features.page_features = page_features  # before the spider imports it

if __name__ == "__main__":
    from scrapy.cmdline import execute

    sys.argv = ["scrapy", *sys.argv[1:]]
    execute()
