"""The report bundle's own copies of the evidence, so it stays self-contained once archives are pruned or
the bundle is published elsewhere: each screenshot the report links, and a small HTML view of each archived
page (the page as archived, in a sandboxed frame: no script runs, nothing is fetched), under
evidence/<site>/<key>.{jpg|png,html}."""

from __future__ import annotations

import logging
import re
import shutil
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govaudit.archive.index import ArchiveMissing, read_body
from govaudit.extract.encoding import content_type_charset, decode_html

if TYPE_CHECKING:
    from govaudit.reporting.views import SiteView

logger = logging.getLogger(__name__)

KIND_LABELS = {"response": "原始响应", "revisit": "与此前存档内容相同（revisit）", "rendered": "脚本执行后的页面",
               "truncated": "正文超过存档大小上限，仅存响应头", "rendered-truncated": "正文超过存档大小上限，仅存响应头"}


def copies_of(sites: list[SiteView]) -> dict[str, list[Any]]:
    """Every copy of each site (home page first), once each, keyed by the site's file stem."""
    out: dict[str, list[Any]] = {}
    for site in sites:
        seen: dict[str, Any] = {}
        for copy in [site.home_copy, *(c for f in site.findings for c in f.copies)]:
            if copy is not None:
                seen.setdefault(copy.key, copy)
        if seen:
            out[site.stem] = list(seen.values())
    return out


ArchivedView = tuple[str | None, str]  # (the page as the bundle shows it, or None; why it is not shown)


def archived_views(sites: list[SiteView], evidence_dir: Path | str) -> dict[tuple[str, str], ArchivedView]:
    """The archived page of every copy the report links, read and made inert, keyed by (site stem, copy key);
    a copy whose archive file is gone (pruned) has none."""
    evidence_dir = Path(evidence_dir)
    out: dict[tuple[str, str], ArchivedView] = {}
    for stem, copies in copies_of(sites).items():
        for copy in copies:
            view = _view(evidence_dir, copy)
            if view is not None:
                out[(stem, copy.key)] = view
    return out


def _view(evidence_dir: Path, copy: Any) -> ArchivedView | None:
    if not copy.warc_file:
        return None
    html, missing = _page_text(evidence_dir, copy)
    if html is None and not (evidence_dir / copy.warc_file).is_file():
        return None  # the archive was pruned: no view to show
    return html, missing


def write_archived_copies(sites: list[SiteView], bundle: Path, evidence_dir: Path | str, env: Any,
                          views: dict[tuple[str, str], ArchivedView] | None = None) -> int:
    """Copy the screenshots and write the archived-page views of every copy the report links (`views`: read
    already by `archived_views`; the others are read now); a copy whose file is gone (pruned) keeps no link.
    Returns how many files were written."""
    evidence_dir = Path(evidence_dir)
    template = env.get_template("archived_page.html")
    by_stem = {s.stem: s for s in sites}
    views = None if views is None else dict(views)
    written = 0
    for stem, copies in copies_of(sites).items():
        folder = bundle / "evidence" / stem
        for copy in copies:
            copy.screenshot_file = None
            copy.archive_file = None
            folder.mkdir(parents=True, exist_ok=True)
            if copy.screenshot:
                source = evidence_dir / copy.screenshot
                if source.is_file():
                    name = f"{copy.key}{source.suffix}"
                    shutil.copyfile(source, folder / name)
                    copy.screenshot_file = f"evidence/{stem}/{name}"
                    written += 1
            view = _view(evidence_dir, copy) if views is None else views.pop((stem, copy.key), None)
            if view is None:
                continue  # not archived, or the archive was pruned: no view to show
            html, missing = view
            page = template.render(site=by_stem[stem], copy=copy, html=html, missing=missing, kind_labels=KIND_LABELS)
            (folder / f"{copy.key}.html").write_text(page, encoding="utf-8")
            copy.archive_file = f"evidence/{stem}/{copy.key}.html"
            written += 1
    return written


def _page_text(evidence_dir: Path, copy: Any) -> tuple[str | None, str]:
    if not copy.body_file:
        return None, "该页面正文超过存档大小上限，存档中只有响应头。"
    try:
        body = read_body(evidence_dir, copy.body_file, copy.body_offset)
    except ArchiveMissing as exc:
        logger.warning("archived copy of %s unreadable: %s", copy.url, exc)
        return None, "存档文件已按保存期限清理或无法读取。"
    if not (copy.content_type or "text/html").lower().startswith(("text/", "application/xhtml")):
        return None, f"存档内容为 {copy.content_type}（{len(body)} 字节），不以网页显示。"
    text, _ = decode_html(body, content_type_charset(copy.content_type))
    return inert_html(text), ""


# elements that run code, embed other documents, load resources or navigate by themselves
_DROP = ("script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "meta",
         "template", "portal")
# attributes that load something or navigate (kept out of the copy; the frame is sandboxed besides)
_URL_ATTRS = ("src", "srcset", "data", "poster", "background", "action", "formaction", "ping", "lowsrc", "dynsrc",
              "longdesc", "manifest", "codebase", "cite", "usemap", "xlink:href", "{http://www.w3.org/1999/xlink}href")
_CSS_URL = re.compile(r"url\s*\([^)]*\)|@import[^;]*;?", re.I)


def inert_html(text: str) -> str:
    """The archived page with everything that would run, load or navigate taken out: scripts, frames,
    objects, links and metas removed; event handlers, source URLs and CSS url()s dropped; a link keeps its
    text and shows its target as a tooltip. What the page said and how it was laid out stays."""
    from lxml import html as lhtml

    try:
        root = lhtml.document_fromstring(text)
    except Exception:  # nothing parseable: show the text itself
        return "<pre>" + escape(text) + "</pre>"
    for el in list(root.iter(*_DROP)):
        el.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in list(el.attrib):
            low = name.lower()
            if low.startswith("on") or low in _URL_ATTRS:
                del el.attrib[name]
            elif low == "href":
                target = el.attrib.pop(name)
                if el.tag in ("a", "area") and target and not el.get("title"):
                    el.set("title", target)
            elif low == "style":
                el.set(name, _CSS_URL.sub("none", el.attrib[name]))
        if el.tag == "style" and el.text:
            el.text = _CSS_URL.sub("none", el.text)
    return str(lhtml.tostring(root, encoding="unicode", method="html"))
