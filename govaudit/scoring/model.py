"""Plain data types shared by rubric loading, the check functions and the verdict."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CATEGORIES = ("veto", "deduction", "bonus", "requirement")
FindingCategory = Literal["veto", "deduction", "bonus", "requirement", "info"]
Verdict = Literal["qualified", "unqualified", "unaudited"]


class _SafeDict(dict):
    """format_map helper: an unknown placeholder stays visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, values: dict[str, Any]) -> str:
    """Fill {placeholders}; numbers print without a useless ".0"."""
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, float):
            value = round(value, 4)
            value = int(value) if value.is_integer() else value
        clean[key] = value
    return string.Formatter().vformat(template, (), _SafeDict(clean))


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    category: str  # veto | deduction | bonus | requirement
    block: str
    check: str  # a registered check kind, or "manual"
    params: dict[str, Any]
    cap: float | None
    message: str
    messages: dict[str, str] = field(default_factory=dict)  # variant wordings (indicator's own + rubric phrases)
    description: str = ""
    services_only: bool = False  # not checked for sites without external services

    def text(self, key: str = "message", **values: Any) -> str:
        """The rubric wording `key` ("message" = the indicator's main wording) with placeholders filled."""
        template = self.message if key == "message" else self.messages.get(key, "{" + key + "}")
        return fill(template, {**self.params, **values})


@dataclass(frozen=True)
class PassRule:
    pass_mark: float
    inclusive: bool  # True: score >= pass_mark passes; False: score > pass_mark
    full_marks: float = 100.0
    bonus_above: float | None = None  # bonus counted only when the deduction score is above this
    bonus_cap: float = 0.0
    skip_blocks_without_services: tuple[str, ...] = ()  # blocks not checked when the site has no services
    bonus_site_kinds: tuple[str, ...] | None = None  # bonus indicators apply to these site kinds only (None: all)
    note: str = ""


@dataclass(frozen=True)
class Rubric:
    name: str
    title: str
    path: Path
    pass_rule: PassRule
    blocks: dict[str, float]
    indicators: tuple[Indicator, ...]
    phrases: dict[str, str] = field(default_factory=dict)  # rubric-level wordings (verdict reasons...)
    digest: str = ""  # sha256 of the file's bytes: which exact rubric a run was scored with
    source_text: str = field(default="", repr=False, compare=False)  # the file as read (stored with the run)

    def phrase(self, key: str, **values: Any) -> str:
        return fill(self.phrases.get(key, "{" + key + "}"), values)

    def indicator(self, indicator_id: str) -> Indicator | None:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        return None


@dataclass
class RawFinding:
    """What a check reports before caps: `points` are the rule's points (positive); `info` = not a problem.

    `check`, `subject_url` and `refs` are filled by the scoring service (govaudit.scoring.subjects) from the
    indicator and the evidence keys; a check sets `subject_url` itself only when the keys would mislead."""

    indicator: str
    message: str
    points: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)
    info: bool = False
    manual: bool = False
    check: str = ""
    subject_url: str | None = None
    refs: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Finding:
    """A finding as stored: `points` are the points actually applied after caps."""

    indicator: str
    category: str  # FindingCategory
    title: str
    points: float
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    manual: bool = False
    check: str = ""  # the check kind ("manual", "unaudited")
    subject_url: str = ""  # what it is about ("" = the whole site)
    refs: list[dict[str, str]] = field(default_factory=list)  # evidence rows cited (govaudit.scoring.subjects)

    @classmethod
    def of(cls, rf: RawFinding, category: str, title: str, points: float) -> Finding:
        return cls(rf.indicator, category, title, points, rf.message, dict(rf.evidence), rf.manual, rf.check,
                   rf.subject_url or "", list(rf.refs))


@dataclass
class ScoreResult:
    verdict: Verdict
    score: float | None
    deduction_score: float | None
    bonus: float
    vetoes: list[str]
    findings: list[Finding]
    reason: str
