"""Column (栏目) classification by name, driven by the keyword table in data/column_categories.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

TABLE = "data/column_categories.yaml"  # inside the package (read with importlib.resources: works from an egg)
_SPACE = re.compile(r"[\s\u3000·•|>»/\\\-–—_:：()（）\[\]【】]+")


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    group: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryTable:
    categories: tuple[Category, ...]
    groups: dict[str, str]
    default: str

    def classify(self, name: str) -> str:
        text = _SPACE.sub("", name or "")
        for cat in self.categories:
            if any(k in text for k in cat.keywords) and not any(x in text for x in cat.exclude):
                return cat.key
        return self.default

    def keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.categories) | {"home", self.default}

    def labels(self) -> dict[str, str]:
        return {"home": "首页", "other": "其他", **{c.key: c.label for c in self.categories}}

    def label(self, key: str) -> str:
        for cat in self.categories:
            if cat.key == key:
                return cat.label
        return {"home": "首页", "other": "其他"}.get(key, key)


@lru_cache(maxsize=4)
def load_table(path: str | None = None) -> CategoryTable:
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("govaudit").joinpath(TABLE).read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    cats = tuple(
        Category(
            key=c["key"], label=c["label"], group=c["group"],
            keywords=tuple(str(k) for k in c["keywords"]), exclude=tuple(str(k) for k in c.get("exclude", ())),
        )
        for c in doc["categories"]
    )
    return CategoryTable(categories=cats, groups=dict(doc.get("groups", {})), default=doc.get("default", "other"))


def classify_column(name: str, path: str | None = None) -> str:
    return load_table(path).classify(name)
