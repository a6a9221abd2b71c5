"""One fetched page, decoded once and parsed once, shared by every extractor that looks at it.

    doc = Document(response.body, response.url, declared_charset)
    extract_list(doc.body, doc.url, ..., doc=doc); page_features(doc.text, doc.url, doc=doc); page_links(...)

Each extract function keeps its own signature (bytes/str in) and takes the Document as an optional `doc`:
with it, the text, the lxml tree, the base URL and absolute links come from here instead of being decoded,
parsed and joined again. The tree is a plain `lxml.etree` HTML tree (no HtmlElement class lookup), comments
and processing instructions removed; extractors only read it (none may change it).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

import lxml.etree

from govaudit.extract.encoding import decode_html
from govaudit.extract.navigation import absolute_url, base_url

_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# stray </body></html> of server-side included fragments make libxml2 drop the rest of the page; browsers
# ignore them, and so do we
_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.I)


def parse_tree(text: str) -> Any | None:
    """The lxml tree of HTML text; None when there is nothing parseable."""
    text = _END_TAGS.sub(" ", _CONTROL.sub(" ", _XML_DECL.sub("", text, count=1)))
    if not text.strip():
        return None
    try:
        return lxml.etree.fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError, TypeError):
        return None


class Document:
    """A page's bytes (or text), its URL and declared charset, with the decoded text, tree, base URL and
    absolute links computed on first use and kept."""

    __slots__ = ("__dict__", "_joined", "body", "declared", "url")

    def __init__(self, body: bytes | str, url: str, declared: str | None = None) -> None:
        self.body = body
        self.url = url
        self.declared = declared
        self._joined: dict[str | None, str | None] = {}

    @cached_property
    def _decoded(self) -> tuple[str, str]:
        if isinstance(self.body, str):
            return self.body, "unicode"
        return decode_html(self.body, self.declared)

    @property
    def text(self) -> str:
        return self._decoded[0]

    @property
    def encoding(self) -> str:
        return self._decoded[1]

    @cached_property
    def root(self) -> Any | None:
        return parse_tree(self.text) if self.text else None

    @cached_property
    def base(self) -> str:
        """What relative links resolve against: <base href> when present, else the page URL."""
        return base_url(self.root, self.url) if self.root is not None else self.url

    def absolute(self, href: str | None) -> str | None:
        """`navigation.absolute_url(href, base)`, once per distinct href of the page."""
        try:
            return self._joined[href]
        except KeyError:
            link = self._joined[href] = absolute_url(href, self.base)
            return link


def document_of(doc: Document | None, html: str | bytes | None, url: str) -> Document:
    """The shared Document when the caller passed one for this page, else a private one for `html`."""
    if doc is not None and doc.url == url:
        return doc
    return Document(html or "", url)
