"""What a finding is about (its subject URL) and which evidence rows it cites (typed references).

Checks describe a finding in its evidence JSON with a few well-known URL keys. This module turns those keys
into the typed columns of a stored finding, once for every check, so that no reader has to guess:

* **subject URL**: the first of ``column_url``, ``url``, ``link_url``, ``page_url`` (a check may set
  `RawFinding.subject_url` itself). A finding without any of them is about the whole site (subject "").
* **evidence references**: every URL the evidence names (top-level keys and list items, see `URL_KEYS`: a
  ``page_url`` names a page, a ``column_url`` a column, a plain ``url`` any row) that is an evidence row of
  the site, as its natural key inside (evidence run, site)::

      {"table": "columns", "url": U}          {"table": "pages", "url": U}
      {"table": "guides", "url": U}           {"table": "letters", "url": U}
      {"table": "links", "page_url": P, "link_url": L}
      {"table": "articles", "column_url": C, "url": U}

  A URL that is no row (the registry URL of a site, a guide attachment) is not cited. The home page is both
  a page and a column (``source="home"``) and is cited as both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

SUBJECT_KEYS = ("column_url", "url", "link_url", "page_url")
ANY_TABLE = ("columns", "pages", "guides", "letters", "articles")
# evidence key -> the tables its URLs may name: a URL, a list of URLs, or a list of objects with URL keys.
# ("link_url"/"links" name link rows, with the page they are on when the evidence gives it.)
URL_KEYS: dict[str, tuple[str, ...]] = {
    "column_url": ("columns",),
    "columns": ("columns",),
    "page_url": ("pages", "guides"),  # the page a link or feature is on (a guide page is stored as a guide)
    "pages": ("pages", "guides"),
    "url": ANY_TABLE,
    "urls": ANY_TABLE,
    "letters": ("letters",),
    "guides": ("guides",),
    "link_url": (),
    "links": (),
}

Ref = dict[str, str]


def subject_of(evidence: Any) -> str:
    """The subject URL named by an evidence object ("" when it names none)."""
    if not isinstance(evidence, dict):
        return ""
    for key in SUBJECT_KEYS:
        value = evidence.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


class _Named(Protocol):
    url: str


class _Evidence(Protocol):
    """The parts of `govaudit.scoring.evidence.SiteEvidence` the index reads."""

    columns: Any
    pages: Any
    links: Any
    guides: Any
    letters: Any


class EvidenceIndex:
    """The natural keys of one site's evidence rows, to resolve the URLs a finding names."""

    def __init__(self, ev: _Evidence) -> None:
        self.columns = {c.url for c in ev.columns}
        self.pages = {p.url for p in ev.pages}
        self.guides = {g.url for g in ev.guides}
        self.letters = {x.url for x in ev.letters}
        self.links = {(x.page_url, x.link_url) for x in ev.links}
        self.links_by_target: dict[str, list[str]] = {}
        for page_url, link_url in sorted(self.links):
            self.links_by_target.setdefault(link_url, []).append(page_url)
        self.articles: dict[str, list[str]] = {}
        for col in ev.columns:
            for art in getattr(col, "articles", ()):
                if art.url:
                    self.articles.setdefault(art.url, []).append(col.url)

    def url_refs(self, url: str, tables: tuple[str, ...] = ANY_TABLE) -> Iterator[Ref]:
        """The rows of `tables` whose URL is `url`."""
        if "columns" in tables and url in self.columns:
            yield {"table": "columns", "url": url}
        if "pages" in tables and url in self.pages:
            yield {"table": "pages", "url": url}
        if "guides" in tables and url in self.guides:
            yield {"table": "guides", "url": url}
        if "letters" in tables and url in self.letters:
            yield {"table": "letters", "url": url}
        if "articles" in tables:
            for column_url in self.articles.get(url, ()):
                yield {"table": "articles", "column_url": column_url, "url": url}

    def link_refs(self, page_url: str | None, link_url: str) -> Iterator[Ref]:
        pages = [page_url] if page_url and (page_url, link_url) in self.links else []
        if not page_url:
            pages = self.links_by_target.get(link_url, [])
        for page in pages:
            yield {"table": "links", "page_url": page, "link_url": link_url}


def _objects(evidence: dict[str, Any]) -> Iterator[tuple[dict[str, Any], tuple[str, ...]]]:
    """The evidence object itself, then every object listed under a URL key (with the tables its "url" may
    name)."""
    yield evidence, ANY_TABLE
    for key, tables in URL_KEYS.items():
        value = evidence.get(key)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield item, tables or ANY_TABLE


def cite(evidence: Any, index: EvidenceIndex) -> list[Ref]:
    """The evidence rows an evidence object names, in order, without duplicates."""
    if not isinstance(evidence, dict):
        return []
    out: list[Ref] = []
    seen: set[tuple[tuple[str, str], ...]] = set()

    def add(refs: Iterator[Ref]) -> None:
        for ref in refs:
            key = tuple(sorted(ref.items()))
            if key not in seen:
                seen.add(key)
                out.append(ref)

    for obj, url_tables in _objects(evidence):
        link = obj.get("link_url") if isinstance(obj.get("link_url"), str) else None
        page = obj.get("page_url") if isinstance(obj.get("page_url"), str) else None
        if obj is not evidence and link is None and page and isinstance(obj.get("url"), str):
            link = obj["url"]  # {"url": broken link, "page_url": where it is}
        if link:
            add(index.link_refs(page, link))
        for key in ("column_url", "url", "page_url"):
            value = obj.get(key)
            if isinstance(value, str) and value:
                add(index.url_refs(value, url_tables if key == "url" else URL_KEYS[key]))
    for key, tables in URL_KEYS.items():
        value = evidence.get(key)
        for item in value if isinstance(value, list) else []:
            if isinstance(item, str) and item:
                add(index.link_refs(None, item) if key == "links" else index.url_refs(item, tables))
    return out
