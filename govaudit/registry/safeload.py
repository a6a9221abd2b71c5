"""Reading operator-supplied files without letting them take the machine: YAML without aliases and with a
nesting limit, XLSX read-only with limits on rows, columns, merged-range area and unpacked size.

A 585-byte YAML registry with nested aliases ("billion laughs") took 2 GB, and a 5 KB XLSX file took
3.4 GB; both are refused here with a message that says why, before anything large is built."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from defusedxml.ElementTree import iterparse
from yaml.composer import ComposerError
from yaml.events import AliasEvent
from yaml.nodes import Node


@dataclass(frozen=True)
class FileLimits:
    """Limits on one operator-supplied file (settings GOVAUDIT_INPUT_* / GOVAUDIT_XLSX_*)."""

    max_bytes: int = 50 * 1024 * 1024  # on disk, and unpacked for XLSX
    yaml_max_depth: int = 40
    xlsx_max_rows: int = 100_000
    xlsx_max_columns: int = 200
    xlsx_max_merged_cells: int = 1_000_000  # cells covered by merged ranges, summed

    @classmethod
    def from_settings(cls, settings: Any) -> FileLimits:
        if settings is None:
            return cls()
        d = cls()
        return cls(
            max_bytes=settings.getint("GOVAUDIT_INPUT_MAX_BYTES", d.max_bytes),
            yaml_max_depth=settings.getint("GOVAUDIT_YAML_MAX_DEPTH", d.yaml_max_depth),
            xlsx_max_rows=settings.getint("GOVAUDIT_XLSX_MAX_ROWS", d.xlsx_max_rows),
            xlsx_max_columns=settings.getint("GOVAUDIT_XLSX_MAX_COLUMNS", d.xlsx_max_columns),
            xlsx_max_merged_cells=settings.getint("GOVAUDIT_XLSX_MAX_MERGED_CELLS", d.xlsx_max_merged_cells),
        )


class UnsafeInput(yaml.YAMLError):
    """A file refused for its shape (aliases, nesting, size), not for a syntax error. It is a YAMLError so
    that every YAML reader's existing error path reports it."""


def _check_size(path: Path, limits: FileLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise UnsafeInput(f"{size} bytes, more than the limit of {limits.max_bytes} "
                          f"(GOVAUDIT_INPUT_MAX_BYTES)")


def _safe_loader(max_depth: int) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        """SafeLoader that refuses aliases (*name, and so `<<: *name` merges) and deep nesting."""

        _depth = 0

        def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
            if self.check_event(AliasEvent):
                event = self.peek_event()
                raise UnsafeInput(
                    f"YAML aliases are not accepted (*{event.anchor} at line {event.start_mark.line + 1}); "
                    f"write the value out where it is used"
                )
            self._depth += 1
            try:
                if self._depth > max_depth:
                    mark = self.peek_event().start_mark
                    raise UnsafeInput(f"YAML nested deeper than {max_depth} levels (line {mark.line + 1})")
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return Loader


def load_yaml(path: str | Path, limits: FileLimits | None = None) -> Any:
    """The document of a YAML file (UTF-8, BOM allowed), built without aliases and with a nesting limit.
    Raises UnsafeInput (a yaml.YAMLError) or yaml.YAMLError."""
    limits = limits or FileLimits()
    p = Path(path)
    _check_size(p, limits)
    text = p.read_text(encoding="utf-8-sig")
    return load_yaml_text(text, limits)


def load_yaml_text(text: str, limits: FileLimits | None = None) -> Any:
    limits = limits or FileLimits()
    try:
        return yaml.load(text, Loader=_safe_loader(limits.yaml_max_depth))
    except ComposerError as exc:  # e.g. an alias to an unknown anchor: still "no aliases"
        raise UnsafeInput(str(exc)) from exc
    except RecursionError as exc:  # belt and braces: the depth limit fires first
        raise UnsafeInput("YAML nested too deeply") from exc


# --- XLSX ---------------------------------------------------------------------------------------------
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _merged_ranges(archive: zipfile.ZipFile, member: str, limits: FileLimits) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of the sheet's merged ranges, streaming its XML."""
    from openpyxl.utils.cell import range_boundaries

    ranges: list[tuple[int, int, int, int]] = []
    area = 0
    with archive.open(member) as src:
        for _event, elem in iterparse(src, events=("end",)):
            if elem.tag == f"{_MAIN_NS}mergeCell":
                ref = elem.get("ref") or ""
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                except (ValueError, TypeError):
                    elem.clear()
                    continue
                if None in (min_col, min_row, max_col, max_row):
                    elem.clear()
                    continue
                area += (max_row - min_row + 1) * (max_col - min_col + 1)  # type: ignore[operator]
                if area > limits.xlsx_max_merged_cells:
                    raise UnsafeInput(f"merged cell ranges cover more than {limits.xlsx_max_merged_cells} "
                                      f"cells (GOVAUDIT_XLSX_MAX_MERGED_CELLS), e.g. {ref}")
                ranges.append((min_row, min_col, max_row, max_col))  # type: ignore[arg-type]
            elif elem.tag == f"{_MAIN_NS}sheetData" or (elem.tag.startswith(_MAIN_NS) and elem.tag[len(_MAIN_NS):] in ("row", "c", "v", "f", "is", "t")):
                elem.clear()
    return ranges


def xlsx_rows(path: str | Path, limits: FileLimits | None = None) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of the first worksheet, read-only. Merged ranges repeat their top-left
    value over the range (region columns are often merged). Raises UnsafeInput past a limit."""
    from openpyxl import load_workbook

    limits = limits or FileLimits()
    p = Path(path)
    _check_size(p, limits)
    with zipfile.ZipFile(p) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
        if unpacked > limits.max_bytes:
            raise UnsafeInput(f"unpacks to {unpacked} bytes, more than the limit of {limits.max_bytes} "
                              f"(GOVAUDIT_INPUT_MAX_BYTES)")
    wb = load_workbook(p, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
        if declared_rows > limits.xlsx_max_rows:
            raise UnsafeInput(f"the sheet declares {declared_rows} rows, more than "
                              f"{limits.xlsx_max_rows} (GOVAUDIT_XLSX_MAX_ROWS)")
        if declared_cols > limits.xlsx_max_columns:
            raise UnsafeInput(f"the sheet declares {declared_cols} columns, more than "
                              f"{limits.xlsx_max_columns} (GOVAUDIT_XLSX_MAX_COLUMNS)")
        ranges = _merged_ranges(wb._archive, ws._worksheet_path, limits)  # type: ignore[attr-defined]
        width = limits.xlsx_max_columns
        top_left: dict[tuple[int, int], Any] = {}
        by_start: dict[int, list[tuple[int, int, int, int]]] = {}
        for rng in ranges:
            by_start.setdefault(rng[0], []).append(rng)
        active: list[tuple[int, int, int, int]] = []
        for r_idx, row in enumerate(ws.iter_rows(max_row=limits.xlsx_max_rows + 1, max_col=width + 1,
                                                 values_only=True), start=1):
            if r_idx > limits.xlsx_max_rows:
                raise UnsafeInput(f"more than {limits.xlsx_max_rows} rows (GOVAUDIT_XLSX_MAX_ROWS)")
            if len(row) > width and row[width] is not None:
                raise UnsafeInput(f"row {r_idx} has a value beyond column {width} "
                                  f"(GOVAUDIT_XLSX_MAX_COLUMNS)")
            values = list(row[:width])
            active = [rng for rng in active if rng[2] >= r_idx] + by_start.pop(r_idx, [])
            for rng in active:
                min_row, min_col, _max_row, max_col = rng
                if min_row == r_idx and min_col <= len(values):
                    top_left[(min_row, min_col)] = values[min_col - 1]
                value = top_left.get((min_row, min_col))
                for c in range(min_col, min(max_col, len(values)) + 1):
                    values[c - 1] = value
            yield r_idx, ["" if v is None else str(v) for v in values]
    finally:
        wb.close()
