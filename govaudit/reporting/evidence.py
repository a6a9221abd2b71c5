"""Reading a finding: its typed references (the evidence rows it cites), its rectification key, and its
evidence JSON as labelled display lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from govaudit.reporting.labels import EVIDENCE_LABELS
from govaudit.reporting.safety import safe_href

# evidence keys shown elsewhere (typed columns, the points cell), not as evidence lines
HIDDEN_KEYS = frozenset({"check", "not_scored"})


@dataclass
class EvidenceEntry:
    key: str
    label: str
    text: str
    href: str | None = None


def _url_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("url", "column_url", "link_url"):
            if isinstance(value.get(key), str):
                return value[key]
    return None


def cited(refs: Any, table: str, key: str = "url") -> list[str]:
    """The `key` of every evidence row of `table` a finding cites (its `evidence_refs` column)."""
    out: list[str] = []
    for ref in refs if isinstance(refs, list) else []:
        value = ref.get(key) if isinstance(ref, dict) and ref.get("table") == table else None
        if isinstance(value, str) and value not in out:
            out.append(value)
    return out


def match_key(subject_url: str | None) -> str | None:
    """What distinguishes two findings of one indicator: their subject URL, site-relative (None for a
    finding about the whole site)."""
    return site_relative(subject_url) if subject_url else None


def site_relative(url: str) -> str:
    """Path and query only: a site that moved to https or to another host between two runs (common during
    rectification) still matches its earlier findings; findings are always about one site."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return url


def _scalar_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _display(key: str, value: Any) -> str:
    if key == "category" and isinstance(value, str):
        from govaudit.reporting.labels import category_label

        return category_label(value)
    return _scalar_text(value)


def _entries_for(key: str, value: Any, out: list[EvidenceEntry], limit: int) -> None:
    label = EVIDENCE_LABELS.get(key, key)
    if isinstance(value, list):
        for item in value:
            if len(out) >= limit:
                return
            _entries_for(key, item, out, limit)
        return
    if isinstance(value, dict):
        url = _url_of(value)
        rest = {k: v for k, v in value.items() if _scalar_text(v) != url}
        parts = [f"{EVIDENCE_LABELS.get(k, k)}: {_display(k, v)}" for k, v in sorted(rest.items())]
        text = url if url else "; ".join(parts)
        if url and parts:
            text = f"{url} ({'; '.join(parts)})"
        out.append(EvidenceEntry(key, label, text, safe_href(url)))
        return
    text = _scalar_text(value)
    out.append(EvidenceEntry(key, label, text, safe_href(value)))


def evidence_entries(evidence: Any, limit: int = 60) -> list[EvidenceEntry]:
    """Flatten an evidence JSON object into labelled lines; http(s) URLs get a link target."""
    out: list[EvidenceEntry] = []
    if isinstance(evidence, dict):
        for key in sorted(evidence, key=lambda k: (k not in ("url", "column_url", "columns", "urls"), str(k))):
            if len(out) >= limit:
                break
            if key in HIDDEN_KEYS:
                continue
            _entries_for(str(key), evidence[key], out, limit)
    elif evidence not in (None, "", [], {}):
        _entries_for("evidence", evidence, out, limit)
    return out


def evidence_urls(evidence: Any) -> list[str]:
    """Every safe http(s) URL in the evidence, in order, without duplicates."""
    seen: dict[str, None] = {}
    for entry in evidence_entries(evidence, limit=500):
        if entry.href:
            seen.setdefault(entry.href, None)
    return list(seen)
