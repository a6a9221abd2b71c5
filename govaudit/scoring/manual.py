"""Manual findings (what a crawler cannot judge, e.g. a serious typo) from a CSV or YAML file.

Columns / keys: site_id, indicator, message, author (required); points, valid_from, valid_until
(YYYY-MM-DD), evidence_url (or url), evidence (YAML mapping) (optional). The whole file is rejected
with every row error listed, or imported at once; a row identical to a stored one is skipped."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.registry.safeload import UnsafeInput, load_yaml
from govaudit.store import models as m

REQUIRED = ("site_id", "indicator", "message", "author")
OPTIONAL = ("points", "valid_from", "valid_until", "evidence_url", "url", "evidence")


class ManualFindingError(ValueError):
    """A manual-findings file with bad rows; the message lists each row and what is wrong."""


def read_rows(path: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """(row label, raw row) pairs from a .csv or .yaml/.yml file."""
    path = Path(path)
    if not path.is_file():
        raise ManualFindingError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            return [(f"{path.name} row {n}", dict(row)) for n, row in enumerate(reader, start=2)]
    if suffix in (".yaml", ".yml"):
        try:
            data = load_yaml(path)  # no aliases, bounded nesting and size
        except UnsafeInput as exc:
            raise ManualFindingError(f"{path}: refused: {exc}") from None
        except yaml.YAMLError as exc:
            raise ManualFindingError(f"{path}: YAML syntax error: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("findings")
        if not isinstance(data, list):
            raise ManualFindingError(f"{path}: expected a list of findings (or a mapping with `findings:`)")
        return [(f"{path.name} entry {n}", row if isinstance(row, dict) else {"__bad__": row})
                for n, row in enumerate(data, start=1)]
    raise ManualFindingError(f"{path}: unsupported file type {suffix!r} (use .csv, .yaml or .yml)")


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def parse_row(row: dict[str, Any], known_indicators: set[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """A manual_findings row (column -> value) and the problems found."""
    problems: list[str] = []
    if "__bad__" in row:
        return {}, ["expected a mapping"]
    clean = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
    for key in sorted(set(clean) - set(REQUIRED) - set(OPTIONAL)):
        problems.append(f"unknown field {key!r}")
    for key in REQUIRED:
        if not clean.get(key):
            problems.append(f"missing {key}")
    indicator = str(clean.get("indicator") or "")
    if indicator and known_indicators is not None and indicator not in known_indicators:
        problems.append(f"unknown indicator {indicator!r}")
    points: float | None = None
    if clean.get("points") not in (None, ""):
        try:
            points = float(clean["points"])
        except (TypeError, ValueError):
            problems.append(f"points must be a number, got {clean['points']!r}")
        else:
            if points < 0:
                problems.append("points must not be negative")
    dates: dict[str, dt.date | None] = {}
    for key in ("valid_from", "valid_until"):
        try:
            dates[key] = _date(clean.get(key))
        except ValueError:
            problems.append(f"{key} must be a date YYYY-MM-DD, got {clean.get(key)!r}")
            dates[key] = None
    if dates["valid_from"] and dates["valid_until"] and dates["valid_until"] < dates["valid_from"]:
        problems.append("valid_until is before valid_from")
    evidence: dict[str, Any] = {}
    raw_evidence = clean.get("evidence")
    if isinstance(raw_evidence, dict):
        evidence.update(raw_evidence)
    elif raw_evidence not in (None, ""):
        evidence["note"] = str(raw_evidence)
    url = clean.get("evidence_url") or clean.get("url")
    if url:
        if not str(url).startswith(("http://", "https://")):
            problems.append(f"evidence url must start with http:// or https://, got {url!r}")
        evidence["url"] = str(url)
    out = {
        "site_id": str(clean.get("site_id") or ""),
        "indicator": indicator,
        "points": points,
        "message": str(clean.get("message") or ""),
        "author": str(clean.get("author") or ""),
        "valid_from": dates["valid_from"],
        "valid_until": dates["valid_until"],
        "evidence": evidence,
    }
    return out, problems


def import_manual_findings(
    session: Session, path: str | Path, known_indicators: Iterable[str] | None = None, *, commit: bool = True
) -> int:
    """Store the file's findings; returns how many new rows were added. Raises ManualFindingError."""
    known = set(known_indicators) if known_indicators is not None else None
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    raw_rows = read_rows(path)
    if not raw_rows:
        raise ManualFindingError(f"{path}: no findings in the file")
    for label, raw in raw_rows:
        row, problems = parse_row(raw, known)
        errors.extend(f"{label}: {p}" for p in problems)
        rows.append(row)
    if errors:
        raise ManualFindingError("\n".join(errors))
    added = 0
    for row in rows:
        exists = session.scalar(
            select(m.ManualFinding.id).where(
                m.ManualFinding.site_id == row["site_id"],
                m.ManualFinding.indicator == row["indicator"],
                m.ManualFinding.message == row["message"],
                m.ManualFinding.author == row["author"],
                m.ManualFinding.valid_from.is_(None) if row["valid_from"] is None
                else m.ManualFinding.valid_from == row["valid_from"],
            )
        )
        if exists is not None:
            continue
        session.add(m.ManualFinding(**row))
        added += 1
    session.flush()
    if commit:
        session.commit()
    return added
