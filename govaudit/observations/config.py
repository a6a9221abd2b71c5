"""observations.yaml: the thresholds and header names of the observations (no numbers in code)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).with_name("observations.yaml")


class ObservationConfigError(ValueError):
    pass


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict[str, Any]:
    file = Path(path) if path else PATH
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ObservationConfigError(f"{file}: {exc}") from exc
    if not isinstance(data, dict):
        raise ObservationConfigError(f"{file}: top level must be a mapping")
    for key in ("fine_columns", "zhaocuo", "city_checks"):
        if not isinstance(data.get(key), dict):
            raise ObservationConfigError(f"{file}: {key!r} must be a mapping")
    return data


def section(name: str) -> dict[str, Any]:
    return dict(load()[name])
