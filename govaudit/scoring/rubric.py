"""Rubric files: load `rubrics/NAME.yaml` (or a path) and validate it before any request is made.

Validation is generic over the check registry: each check kind declares its params (name -> type,
required or not, points-only) and the wordings it uses, so a province can write its own rubric file
without touching Python. Every error names the file and the indicator."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import yaml

from govaudit.scoring.checks import CHECKS
from govaudit.scoring.checks.registry import check_type, coerce_params
from govaudit.scoring.model import CATEGORIES, Indicator, PassRule, Rubric

MANUAL = "manual"
MANUAL_PARAMS = {"points": "number", "reply_workdays": "int"}  # default points of a manual finding that gives none;
# reply_workdays: the time limit of an indicator whose findings an import derives (C19-D24 找错办理)
SCORING_CATEGORIES = ("deduction", "bonus")
# rubric-level wordings the verdict needs (in `phrases`)
VERDICT_PHRASES = ("verdict_veto", "verdict_pass", "verdict_fail", "unaudited", "manual_unknown", "manual_no_points")
_TOP_KEYS = {"name", "title", "pass_rule", "blocks", "phrases", "indicators", "description", "notes"}
_IND_KEYS = {"id", "title", "category", "block", "check", "params", "cap", "message", "messages", "description",
             "services_only", "auto"}
_PASS_KEYS = {"pass_mark", "inclusive", "full_marks", "bonus_above", "bonus_cap", "skip_blocks_without_services",
              "bonus_site_kinds", "note"}


class RubricError(Exception):
    """A rubric file that cannot be used; the message names the file and the indicator(s)."""


def rubric_path(name_or_path: str, rubrics_dir: str | Path) -> Path:
    """NAME -> rubrics_dir/NAME.yaml; anything that looks like a path (or exists) is used as given."""
    raw = str(name_or_path).strip()
    candidate = Path(raw).expanduser()
    looks_like_path = raw.endswith((".yaml", ".yml")) or "/" in raw or "\\" in raw
    if looks_like_path or candidate.is_file():
        return candidate
    return Path(rubrics_dir) / f"{raw}.yaml"


def load_rubric(name_or_path: str, rubrics_dir: str | Path) -> Rubric:
    path = rubric_path(name_or_path, rubrics_dir)
    if not path.is_file():
        raise RubricError(f"{path}: rubric file not found (name or path {name_or_path!r})")
    return load_rubric_bytes(path.read_bytes(), path)


def load_rubric_bytes(raw: bytes, path: Path) -> Rubric:
    """A rubric from the bytes of its file (a file on disk, or the snapshot stored with a run)."""
    try:
        text = raw.decode("utf-8")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RubricError(f"{path}: YAML syntax error: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RubricError(f"{path}: not UTF-8 text: {exc}") from exc
    rubric = parse_rubric(data, path)
    return dataclasses.replace(rubric, digest=hashlib.sha256(raw).hexdigest(), source_text=text)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def parse_rubric(data: Any, path: Path) -> Rubric:
    errors: list[str] = []

    def err(where: str, text: str) -> None:
        errors.append(f"{path}: {where}: {text}")

    if not isinstance(data, dict):
        raise RubricError(f"{path}: top level must be a mapping with name, title, pass_rule, indicators")
    for key in sorted(set(data) - _TOP_KEYS):
        err("top level", f"unknown key {key!r}")
    for key in ("name", "title"):
        if not isinstance(data.get(key), str) or not data.get(key):
            err("top level", f"{key!r} must be a non-empty string")

    blocks_raw = data.get("blocks") or {}
    blocks: dict[str, float] = {}
    if not isinstance(blocks_raw, dict):
        err("blocks", "must be a mapping of block name -> points (or null)")
    else:
        for name, pts in blocks_raw.items():
            if pts is not None and not _is_number(pts):
                err(f"block {name}", "points must be a number or null")
            elif pts is not None:
                blocks[str(name)] = float(pts)

    phrases = data.get("phrases") or {}
    if not isinstance(phrases, dict) or not all(isinstance(v, str) for v in phrases.values()):
        err("phrases", "must be a mapping of key -> wording")
        phrases = {}

    for key in VERDICT_PHRASES:
        if key not in phrases:
            err("phrases", f"missing the wording {key!r}")

    pass_rule = _parse_pass_rule(data.get("pass_rule"), blocks_raw if isinstance(blocks_raw, dict) else {}, err)

    indicators: list[Indicator] = []
    seen: set[str] = set()
    raw_inds = data.get("indicators")
    if not isinstance(raw_inds, list) or not raw_inds:
        err("indicators", "must be a non-empty list")
        raw_inds = []
    for pos, raw in enumerate(raw_inds, start=1):
        ind = _parse_indicator(raw, pos, blocks_raw if isinstance(blocks_raw, dict) else {}, phrases, err)
        if ind is None:
            continue
        if ind.id in seen:
            err(f"indicator {ind.id}", "duplicate id")
            continue
        seen.add(ind.id)
        indicators.append(ind)
    if errors:
        raise RubricError("\n".join(errors))
    assert pass_rule is not None
    return Rubric(
        name=data["name"],
        title=data["title"],
        path=path,
        pass_rule=pass_rule,
        blocks=blocks,
        indicators=tuple(indicators),
        phrases=dict(phrases),
    )


def _parse_pass_rule(raw: Any, blocks: dict[str, Any], err) -> PassRule | None:
    if not isinstance(raw, dict):
        err("pass_rule", "must be a mapping with pass_mark and inclusive")
        return None
    ok = True
    for key in sorted(set(raw) - _PASS_KEYS):
        err("pass_rule", f"unknown key {key!r}")
        ok = False
    if not _is_number(raw.get("pass_mark")):
        err("pass_rule", "pass_mark must be a number")
        ok = False
    if not isinstance(raw.get("inclusive"), bool):
        err("pass_rule", "inclusive must be true or false")
        ok = False
    for key in ("full_marks", "bonus_above", "bonus_cap"):
        if raw.get(key) is not None and not _is_number(raw[key]):
            err("pass_rule", f"{key} must be a number")
            ok = False
    skip = raw.get("skip_blocks_without_services") or []
    if not isinstance(skip, list) or any(b not in blocks for b in skip):
        err("pass_rule", "skip_blocks_without_services must list block names of `blocks`")
        ok = False
    elif any(not _is_number(blocks.get(b)) for b in skip):
        err("pass_rule", "a block skipped without services needs its points in `blocks`")
        ok = False
    kinds = raw.get("bonus_site_kinds")
    if kinds is not None and (not isinstance(kinds, list) or not kinds or
                              not all(isinstance(k, str) and k for k in kinds)):
        err("pass_rule", "bonus_site_kinds must be a non-empty list of site kinds (portal, department...)")
        ok = False
    if not ok:
        return None
    return PassRule(
        pass_mark=float(raw["pass_mark"]),
        inclusive=raw["inclusive"],
        full_marks=float(raw.get("full_marks", 100)),
        bonus_above=float(raw["bonus_above"]) if raw.get("bonus_above") is not None else None,
        bonus_cap=float(raw.get("bonus_cap") or 0.0),
        skip_blocks_without_services=tuple(skip),
        bonus_site_kinds=tuple(kinds) if kinds is not None else None,
        note=str(raw.get("note") or ""),
    )


def _parse_indicator(raw: Any, pos: int, blocks: dict[str, Any], phrases: dict[str, str], err) -> Indicator | None:
    if not isinstance(raw, dict):
        err(f"indicator #{pos}", "must be a mapping")
        return None
    ind_id = raw.get("id")
    if not isinstance(ind_id, str) or not ind_id:
        err(f"indicator #{pos}", "needs an id")
        return None
    where = f"indicator {ind_id}"
    problems: list[str] = []

    def bad(text: str) -> None:
        problems.append(text)

    for key in sorted(set(raw) - _IND_KEYS):
        bad(f"unknown key {key!r}")
    for key in ("title", "message"):
        if not isinstance(raw.get(key), str) or not raw.get(key):
            bad(f"{key!r} must be a non-empty string")
    category = raw.get("category")
    if category not in CATEGORIES:
        bad(f"unknown category {category!r} (one of {', '.join(CATEGORIES)})")
    block = raw.get("block", "")
    if not isinstance(block, str):
        bad("block must be a string")
    elif blocks and block and block not in blocks:
        bad(f"unknown block {block!r} (blocks: {', '.join(map(str, blocks))})")
    cap = raw.get("cap")
    if cap is not None and (not _is_number(cap) or cap < 0):
        bad("cap must be a non-negative number or null")
    if "services_only" in raw and not isinstance(raw["services_only"], bool):
        bad("services_only must be true or false")
    if "auto" in raw and raw["auto"] not in ("yes", "partial", "no"):
        bad("auto must be yes, partial or no")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        bad("params must be a mapping")
        params = {}
    messages = raw.get("messages") or {}
    if not isinstance(messages, dict) or not all(isinstance(v, str) for v in messages.values()):
        bad("messages must be a mapping of key -> wording")
        messages = {}

    check = raw.get("check")
    if check == MANUAL:
        for name, value in params.items():
            if name not in MANUAL_PARAMS:
                bad(f"unknown param {name!r} for check 'manual' (allowed: {', '.join(MANUAL_PARAMS)})")
            elif (problem := check_type(MANUAL_PARAMS[name], value)) is not None:
                bad(f"param {name!r}: bad type: {problem}")
    elif check not in CHECKS:
        bad(f"unknown check kind {check!r} (known: manual, {', '.join(sorted(CHECKS))})")
    else:
        kind = CHECKS[check]
        scoring = category in SCORING_CATEGORIES
        for name in params:
            if name not in kind.params:
                bad(f"unknown param {name!r} for check {check!r} (known: {', '.join(kind.params)})")
        for name, spec in kind.params.items():
            if name not in params:
                if spec.required and (not spec.scoring or scoring):
                    bad(f"missing required param {name!r} ({spec.type}) for check {check!r}")
                continue
            problem = check_type(spec.type, params[name])
            if problem is not None:
                bad(f"param {name!r}: bad type: {problem} (got {params[name]!r})")
        wordings = {**phrases, **messages}
        for spec_key in kind.messages:
            key, _, needs = spec_key.partition("@")  # "none@points_none": needed only with that param
            if needs and needs not in params:
                continue
            if key not in wordings:
                bad(f"check {check!r} needs the wording {key!r} (in messages or the rubric's phrases)")
    for text in problems:
        err(where, text)
    if problems:
        return None
    return Indicator(
        id=ind_id,
        title=raw["title"],
        category=str(category),
        block=block or "",
        check=str(check),
        params=coerce_params(CHECKS[check], params) if check in CHECKS else dict(params),
        cap=float(cap) if cap is not None else None,
        message=raw["message"],
        messages={**phrases, **messages},
        description=str(raw.get("description") or ""),
        services_only=bool(raw.get("services_only", False)),
    )
