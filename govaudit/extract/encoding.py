"""Decoding page bytes to text for Chinese government pages.

Order: BOM > declared (HTTP header) > ``<meta charset>`` > sniff (UTF-8 strict, else GB18030).
GBK/GB2312 names are decoded as GB18030 (a superset). A declaration is not trusted blindly:

* bytes that are valid UTF-8 and contain non-ASCII are decoded as UTF-8 whatever the declaration says
  (GBK text is practically never valid UTF-8, while UTF-8 read as GBK decodes silently into mojibake);
* a declared/meta encoding whose decoding yields many replacement characters is dropped for the next
  candidate, and the candidate with the fewest errors wins.

:func:`decode_html` never raises.
"""

from __future__ import annotations

import codecs
import re

_META_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{2,40})""", re.IGNORECASE
)
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "gb18030": "gb18030",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode": "utf-8",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
}
# Declarations that are usually a server default rather than the page's real encoding.
_WEAK = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}
_SNIFF_BYTES = 8192


def normalize_encoding(name: str | None) -> str | None:
    """Canonical codec name for a declared charset, or None if Python does not know it."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        return _ALIASES.get(codecs.lookup(key).name, codecs.lookup(key).name)
    except (LookupError, ValueError):
        return None


def content_type_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type header value declares (``text/html; charset="gbk"`` -> ``gbk``), if any."""
    ctype = (content_type or "").lower()
    if "charset=" not in ctype:
        return None
    return ctype.split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None


def meta_charset(body: bytes) -> str | None:
    """The charset named by a ``<meta>`` tag in the first bytes of the page."""
    m = _META_RE.search(body[:_SNIFF_BYTES])
    return m.group(1).decode("ascii", "ignore") if m else None


def _bom(body: bytes) -> tuple[str, int] | None:
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    return None


def _utf8_state(body: bytes) -> str:
    """"ascii", "utf-8" (valid, maybe cut mid-character at the very end) or "invalid"."""
    if body.isascii():
        return "ascii"
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3 and exc.reason in ("unexpected end of data", "invalid continuation byte"):
            try:
                body[: exc.start].decode("utf-8")
                return "utf-8"
            except UnicodeDecodeError:
                return "invalid"
        return "invalid"


def _decode(body: bytes, encoding: str) -> tuple[str, int]:
    text = body.decode(encoding, errors="replace")
    return text, text.count("\ufffd")


def _tolerable(errors: int, text: str) -> bool:
    return errors <= max(3, len(text) // 2000)


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes -> (text, encoding used). Never raises."""
    try:
        if isinstance(body, str):
            return body, "unicode"
        if not body:
            return "", normalize_encoding(declared) or "utf-8"
        bom = _bom(body)
        if bom:
            enc, skip = bom
            return body[skip:].decode(enc, errors="replace"), enc
        state = _utf8_state(body)
        if state == "ascii":
            return body.decode("ascii"), normalize_encoding(declared) or "utf-8"
        if state == "utf-8":
            return body.decode("utf-8", errors="replace"), "utf-8"
        candidates: list[str] = []
        for name in (declared, meta_charset(body)):
            named = normalize_encoding(name)
            if named and named not in candidates and named != "utf-8" and name and name.lower() not in _WEAK:
                candidates.append(named)
        for fallback in ("gb18030", "utf-8", "big5hkscs"):
            if fallback not in candidates:
                candidates.append(fallback)
        best: tuple[str, str, int] | None = None
        for enc in candidates:
            try:
                text, errors = _decode(body, enc)
            except (LookupError, ValueError):
                continue
            if _tolerable(errors, text):
                return text, enc
            if best is None or errors < best[2]:
                best = (text, enc, errors)
        if best is not None:
            return best[0], best[1]
    except Exception:
        pass
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body), "utf-8"
