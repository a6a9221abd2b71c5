"""The monitoring thresholds (GOVAUDIT_MONITOR_RULES, default govaudit/data/monitoring.yaml) and the rubric
windows they refer to: which columns are key, how long their windows are, which rubric item each alert
warns of. Periods are `govaudit.asof.Period`s; no date arithmetic lives here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from govaudit.asof import Period
from govaudit.scoring.model import Indicator, Rubric

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "data" / "monitoring.yaml"
CONDITIONS = ("home_stale", "key_column", "blank_columns", "unreachable", "forged_date")


class RulesError(ValueError):
    """The thresholds file is missing a value or has one of the wrong kind."""


@dataclass(frozen=True)
class KeyRule:
    categories: tuple[str, ...]
    window: Period
    max_depth: int | None
    margin: Period

    def covers(self, category: str, depth: int) -> bool:
        return category in self.categories and (self.max_depth is None or depth <= self.max_depth)


@dataclass(frozen=True)
class Rules:
    backdated_after: Period
    fetch_article_when_late: Period
    page_later_by: Period
    url_later_by: Period
    max_article_checks: int
    max_extra_pages: int
    rediscover_every: Period
    children_every: Period  # sub-columns of a channel page that did not change are read at least this often
    home_after: Period  # the home page not updated for this long
    home_window: Period  # the rubric's window it warns of
    key_rules: tuple[KeyRule, ...]
    blank_at: int
    blank_threshold: int  # the rubric's
    unreachable_probes: int
    indicators: dict[str, str]  # condition -> rubric indicator id
    source: str = ""

    def key_rule(self, category: str, depth: int) -> KeyRule | None:
        return next((r for r in self.key_rules if r.covers(category, depth)), None)


def _period(value: Any, where: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise RulesError(f"{where}: {exc}") from None


def _get(tree: dict[str, Any], path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise RulesError(f"missing {path}")
        node = node[part]
    return node


def _int(tree: dict[str, Any], path: str) -> int:
    value = _get(tree, path)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise RulesError(f"{path}: expected a whole number >= 1, got {value!r}")
    return value


def _indicator(rubric: Rubric, ind_id: str, where: str) -> Indicator:
    for ind in rubric.indicators:
        if ind.id == ind_id:
            return ind
    raise RulesError(f"{where}: rubric {rubric.name} has no indicator {ind_id}")


def _window(params: dict[str, Any], where: str) -> Period:
    """A rubric window, as the rubric writes it (`window: 6m`, or `window_days: 183` in older rubrics)."""
    value = params.get("window", params.get("window_days"))
    if value is None:
        raise RulesError(f"{where}: the rubric gives no window")
    return _period(value, where)


def load_rules(path: str | Path | None, rubric: Rubric) -> Rules:
    path = Path(path) if path else DEFAULT_RULES
    try:
        tree = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path}: {exc}") from None
    if not isinstance(tree, dict):
        raise RulesError(f"{path}: not a mapping")
    try:
        return _build(tree, rubric, str(path))
    except RulesError as exc:
        raise RulesError(f"{path}: {exc}") from None


def _build(tree: dict[str, Any], rubric: Rubric, source: str) -> Rules:
    alerts = _get(tree, "alerts")
    indicators = {c: str(_get(alerts, f"{c}.indicator")) for c in CONDITIONS}
    home = _indicator(rubric, indicators["home_stale"], "alerts.home_stale.indicator")
    key = _indicator(rubric, indicators["key_column"], "alerts.key_column.indicator")
    blank = _indicator(rubric, indicators["blank_columns"], "alerts.blank_columns.indicator")
    margins = _get(alerts, "key_column.margin")
    if not isinstance(margins, dict) or "default" not in margins:
        raise RulesError("alerts.key_column.margin: a mapping of category -> period with a default")
    key_rules = []
    for i, rule in enumerate(key.params.get("rules") or []):
        where = f"rubric {key.id} rule {i + 1}"
        cats = tuple(rule.get("categories") or ())
        margin = next((margins[c] for c in cats if c in margins), margins["default"])
        key_rules.append(KeyRule(cats, _window(rule, where), rule.get("max_depth"),
                                 _period(margin, "alerts.key_column.margin")))
    if not key_rules:
        raise RulesError(f"rubric {key.id} has no column rules")
    return Rules(
        backdated_after=_period(_get(tree, "forged_dates.backdated_after"), "forged_dates.backdated_after"),
        fetch_article_when_late=_period(_get(tree, "forged_dates.fetch_article_when_late"),
                                        "forged_dates.fetch_article_when_late"),
        page_later_by=_period(_get(tree, "forged_dates.page_later_by"), "forged_dates.page_later_by"),
        url_later_by=_period(_get(tree, "forged_dates.url_later_by"), "forged_dates.url_later_by"),
        max_article_checks=_int(tree, "forged_dates.max_article_checks"),
        max_extra_pages=_int(tree, "pass.max_extra_pages"),
        rediscover_every=_period(_get(tree, "pass.rediscover_every"), "pass.rediscover_every"),
        children_every=_period(_get(tree, "pass.children_every"), "pass.children_every"),
        home_after=_period(_get(alerts, "home_stale.after"), "alerts.home_stale.after"),
        home_window=_window(home.params, f"rubric {home.id}"),
        key_rules=tuple(key_rules),
        blank_at=_int(alerts, "blank_columns.at"),
        blank_threshold=int(blank.params.get("threshold", 0)) or _int(alerts, "blank_columns.at"),
        unreachable_probes=_int(alerts, "unreachable.probes"),
        indicators=indicators,
        source=source,
    )
