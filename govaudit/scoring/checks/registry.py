"""The registry of check kinds: each kind names its function, its params (name -> type) and wordings.

Validation of a rubric file is generic over this registry (see govaudit.scoring.rubric)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from govaudit.asof import Period
from govaudit.scoring.evidence import SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding

CheckFunc = Callable[[SiteEvidence, Indicator, dt.date], list[RawFinding]]


@dataclass(frozen=True)
class Param:
    type: str  # see TYPE_NAMES / "enum:a|b"
    required: bool = True
    scoring: bool = False  # a points value: required for deduction/bonus indicators only


@dataclass(frozen=True)
class CheckKind:
    name: str
    func: CheckFunc
    params: dict[str, Param]
    messages: tuple[str, ...] = field(default_factory=tuple)  # wording keys beside "message"; "key@param" = only with param


CHECKS: dict[str, CheckKind] = {}


def register(name: str, params: dict[str, Param], messages: tuple[str, ...] = ()) -> Callable[[CheckFunc], CheckFunc]:
    def deco(func: CheckFunc) -> CheckFunc:
        if name in CHECKS:
            raise ValueError(f"check kind {name!r} registered twice")
        CHECKS[name] = CheckKind(name, func, params, messages)
        return func

    return deco


# --- param types -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def column_categories() -> frozenset[str]:
    from govaudit.classify import load_table

    return load_table().keys()


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_categories(v: Any) -> str | None:
    if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
        return "expected a non-empty list of column category keys"
    unknown = sorted(set(v) - column_categories())
    if unknown:
        return f"unknown column categories {unknown} (keys of govaudit/data/column_categories.yaml)"
    return None


def _check_period(v: Any) -> str | None:
    """A rubric period: 14d, 2w, 6m, 1y (calendar months and years, see govaudit.asof) or whole days."""
    try:
        Period.parse(v)
    except ValueError as exc:
        return str(exc)
    return None


def _check_windows(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return "expected a non-empty list of {categories, window, max_depth?}"
    for i, rule in enumerate(v):
        if not isinstance(rule, dict):
            return f"rule {i + 1}: expected a mapping"
        extra = set(rule) - {"categories", "window", "max_depth"}
        if extra:
            return f"rule {i + 1}: unknown keys {sorted(extra)}"
        if "categories" not in rule or "window" not in rule:
            return f"rule {i + 1}: needs categories and window"
        err = _check_categories(rule["categories"])
        if err:
            return f"rule {i + 1}: {err}"
        if (err := _check_period(rule["window"])) is not None:
            return f"rule {i + 1}: window: {err}"
        if "max_depth" in rule and (not _is_int(rule["max_depth"]) or rule["max_depth"] < 1):
            return f"rule {i + 1}: max_depth must be an integer >= 1"
    return None


def _check_tiers(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return "expected a non-empty list of {within, points}"
    for i, tier in enumerate(v):
        if not isinstance(tier, dict) or set(tier) != {"within", "points"}:
            return f"tier {i + 1}: expected exactly within and points"
        if _check_period(tier["within"]) is not None or not _is_number(tier["points"]):
            return f"tier {i + 1}: within must be a period (3m, 14d...) and points a number"
    return None


def check_type(type_name: str, value: Any) -> str | None:
    """None when `value` fits `type_name`, else what is wrong."""
    if type_name.startswith("enum:"):
        choices = type_name[5:].split("|")
        return None if value in choices else f"expected one of {choices}"
    if type_name == "int":
        return None if _is_int(value) and value >= 0 else "expected a non-negative integer"
    if type_name == "number":
        return None if _is_number(value) and value >= 0 else "expected a non-negative number"
    if type_name == "str":
        return None if isinstance(value, str) and value else "expected a non-empty string"
    if type_name == "bool":
        return None if isinstance(value, bool) else "expected true or false"
    if type_name == "list[str]":
        ok = isinstance(value, list) and value and all(isinstance(x, str) and x for x in value)
        return None if ok else "expected a non-empty list of strings"
    if type_name == "categories":
        return _check_categories(value)
    if type_name == "labels":
        fits = isinstance(value, dict) and value and all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in value.items()
        )
        return None if fits else "expected a non-empty mapping of key: label"
    if type_name == "period":
        return _check_period(value)
    if type_name == "windows":
        return _check_windows(value)
    if type_name == "tiers":
        return _check_tiers(value)
    raise ValueError(f"unknown param type {type_name!r}")


def coerce(type_name: str, value: Any) -> Any:
    """A validated param value as the checks use it: periods (also inside window rules and bonus tiers)
    become `Period` objects, whose text is the rubric's wording (6个月, 14天) in messages."""
    if type_name == "period":
        return Period.parse(value)
    if type_name == "windows":
        return [{**rule, "window": Period.parse(rule["window"])} for rule in value]
    if type_name == "tiers":
        return [{**tier, "within": Period.parse(tier["within"])} for tier in value]
    return value


def coerce_params(kind: CheckKind, params: dict[str, Any]) -> dict[str, Any]:
    return {name: coerce(kind.params[name].type, value) if name in kind.params else value
            for name, value in params.items()}
