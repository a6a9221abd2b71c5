"""Making crawled strings safe to use as link targets and file names."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

_SAFE_SCHEMES = {"http", "https"}
_SLUG_BAD = re.compile(r"[^A-Za-z0-9_-]+")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def safe_href(url: object) -> str | None:
    """The URL when it is an absolute http(s) URL with a host, else None (never `javascript:` etc.)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or any(ch in text for ch in "\x00\r\n\t"):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return text


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def slug(text: str, max_len: int = 40) -> str:
    """ASCII slug: runs of anything but letters, digits, '_' and '-' become one '-'."""
    cleaned = _SLUG_BAD.sub("-", text).strip("-")
    return cleaned[:max_len].strip("-")


def site_file_stem(site_id: str) -> str:
    """A file-name stem for a site page: readable slug plus a hash of the full id.

    Distinct ids give distinct stems (the hash covers the whole id), and no id can escape the folder,
    hide the file (leading dot) or hit a reserved device name, because the stem always contains '-' + hash."""
    base = slug(site_id) or "site"
    return f"{base}-{short_hash(site_id)}"


def unique_stems(site_ids: list[str]) -> dict[str, str]:
    """site_id -> file stem, guaranteed unique even on a hash collision."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for site_id in site_ids:
        stem = site_file_stem(site_id)
        candidate, n = stem, 1
        while candidate.lower() in used:  # case-insensitive file systems
            n += 1
            candidate = f"{stem}-{n}"
        used.add(candidate.lower())
        out[site_id] = candidate
    return out


def bundle_dir_name(run_id: str) -> str:
    """The run id itself when it is a plain file name, else a slug plus hash."""
    if _PLAIN_NAME.match(run_id) and ".." not in run_id:
        return run_id
    return f"{slug(run_id) or 'run'}-{short_hash(run_id)}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# characters XML 1.0 cannot carry (XLSX and DOCX are XML): C0 controls but tab/newline/CR, surrogates, U+FFFE/F
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Crawled text without the characters XML cannot carry (a `&#1;` in a menu name)."""
    return _XML_ILLEGAL.sub("", value)


def spreadsheet_text(value: object) -> object:
    """Crawled text made safe for a spreadsheet cell: characters XML cannot carry removed, and formulas
    neutralised with a leading quote (CSV/XLSX injection)."""
    if isinstance(value, str):
        value = xml_text(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value
