"""The bundle's wording outside the HTML templates: `wording.yaml` next to the templates (attachment titles,
sheet names, table headers of the CSV / XLSX / Word outputs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FILE_NAME = "wording.yaml"
VERDICT_LISTS = ("qualified", "unqualified")


class WordingError(ValueError):
    """wording.yaml is missing or lacks an entry; the message names the file and the entry."""


@dataclass(frozen=True)
class Wording:
    attachments: dict[str, dict[str, str]]
    sheets: dict[str, str]
    site_columns: dict[str, str]  # field -> header, in output order
    docx_site_columns: tuple[str, ...]
    finding_columns: dict[str, str]

    def attachment_title(self, verdict: str) -> str:
        """附件1 合格政府网站名单"""
        entry = self.attachments[verdict]
        return f"{entry['number']} {entry['title']}"

    def sheet(self, key: str) -> str:
        return self.attachments[key]["sheet"] if key in self.attachments else self.sheets[key]


def _mapping(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise WordingError(f"{path}: {key!r} must be a non-empty mapping")
    return value


def _strings(value: dict[str, Any], where: str, path: Path) -> dict[str, str]:
    for key, text in value.items():
        if not isinstance(text, str) or not text:
            raise WordingError(f"{path}: {where}.{key} must be a non-empty string")
    return {str(k): v for k, v in value.items()}


def load_wording(templates_dir: Path) -> Wording:
    path = Path(templates_dir) / FILE_NAME
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WordingError(f"{path}: cannot read the bundle wording: {exc}") from exc
    except yaml.YAMLError as exc:
        raise WordingError(f"{path}: YAML syntax error: {exc}") from exc
    if not isinstance(data, dict):
        raise WordingError(f"{path}: top level must be a mapping")
    attachments = _mapping(data, "attachments", path)
    for verdict in VERDICT_LISTS:
        entry = attachments.get(verdict)
        if not isinstance(entry, dict):
            raise WordingError(f"{path}: attachments.{verdict} is missing")
        for key in ("number", "title", "sheet"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise WordingError(f"{path}: attachments.{verdict}.{key} must be a non-empty string")
    site_columns = _strings(_mapping(data, "site_columns", path), "site_columns", path)
    docx = data.get("docx_site_columns") or []
    if not isinstance(docx, list) or any(c not in site_columns for c in docx):
        raise WordingError(f"{path}: docx_site_columns must list keys of site_columns")
    return Wording(
        attachments={v: {k: str(attachments[v][k]) for k in ("number", "title", "sheet")} for v in VERDICT_LISTS},
        sheets=_strings(_mapping(data, "sheets", path), "sheets", path),
        site_columns=site_columns,
        docx_site_columns=tuple(str(c) for c in docx),
        finding_columns=_strings(_mapping(data, "finding_columns", path), "finding_columns", path),
    )
