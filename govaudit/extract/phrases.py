"""Phrase tables of the extractors (govaudit/data/list_phrases.yaml, guide_elements.yaml), compiled once.

The tables are data, not code: a province may extend them without touching Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


def _load(name: str) -> dict[str, Any]:
    text = resources.files("govaudit").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"govaudit/data/{name}: expected a mapping")
    return data


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal phrases, longest first."""
    return "|".join(re.escape(str(w)) for w in sorted({str(w) for w in words}, key=len, reverse=True))


@dataclass(frozen=True)
class ListPhrases:
    placeholder: re.Pattern[str]
    note_statement: re.Pattern[str]
    note_reason: re.Pattern[str]
    note_subject: re.Pattern[str]  # subject ... negation in one clause
    negation: re.Pattern[str]
    note_object: re.Pattern[str]
    chrome_label: re.Pattern[str]  # searched at the end of the text before a date
    chrome_suffix: re.Pattern[str]  # searched at the start of the text after a date
    meta_label: re.Pattern[str]  # searched at the end of the text before a date
    pinned_text: re.Pattern[str]
    pinned_marker: re.Pattern[str]


@lru_cache(maxsize=1)
def list_phrases() -> ListPhrases:
    d = _load("list_phrases.yaml")
    notes = d["notes"]
    negation = _alternation(notes["negations"])
    return ListPhrases(
        placeholder=re.compile(_alternation(d["placeholders"])),
        note_statement=re.compile(_alternation(notes["statements"])),
        note_reason=re.compile(_alternation(notes["reasons"])),
        note_subject=re.compile(rf"(?:{_alternation(notes['subjects'])})[^，,。；;！!？?]{{0,16}}?(?:{negation})"),
        negation=re.compile(negation),
        note_object=re.compile(_alternation(notes["objects"])),
        chrome_label=re.compile(rf"(?:{_alternation(d['chrome_date_labels'])})\s*[：:]?\s*$"),
        chrome_suffix=re.compile(rf"^\s*(?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*(?:{_alternation(d['chrome_date_suffixes'])})"),
        meta_label=re.compile(rf"(?:{_alternation(d['page_meta_labels'])})\s*[：:]\s*$"),
        pinned_text=re.compile(_alternation(d["pinned_texts"])),
        pinned_marker=re.compile(_alternation(d["pinned_markers"]), re.IGNORECASE),
    )


def is_blank_note(text: str) -> bool:
    """Whether ``text`` states why a column has nothing (备注说明), rather than being a CMS placeholder."""
    p = list_phrases()
    if not p.note_object.search(text):
        return False
    if p.note_statement.search(text):
        return True
    if p.note_reason.search(text) and p.negation.search(text):
        return True
    return bool(p.note_subject.search(text))


@lru_cache(maxsize=1)
def guide_synonyms() -> dict[str, tuple[str, ...]]:
    """element key -> its labels (the official label first), from govaudit/data/guide_elements.yaml."""
    d = _load("guide_elements.yaml")
    return {str(key): tuple(str(s) for s in syns) for key, syns in d["elements"].items()}


@lru_cache(maxsize=1)
def guide_non_elements() -> tuple[str, ...]:
    """Labels that look like an element's but are not one (承诺时限 is not 办理时间)."""
    return tuple(str(s) for s in _load("guide_elements.yaml").get("not_elements", []))
